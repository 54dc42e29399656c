from . import bulk_chatter
from . import kiosk_pin
from . import png_signature
from . import groups
from . import text
from . import ics

from . import kiosk
from . import portal
from . import reminders

from . import kiosk
from . import portal

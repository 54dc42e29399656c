from . import kiosk
from . import reminders

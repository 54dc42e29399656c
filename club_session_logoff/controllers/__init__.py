from . import kiosk
from . import portal
from . import reminders
from . import portal_booking_queue
from . import offers

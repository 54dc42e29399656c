from . import kiosk
from . import portal
from . import portal_booking_queue

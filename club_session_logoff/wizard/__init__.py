from . import club_booking_log_wizard
from . import club_kiosk_pin_wizard
from . import club_booking_cancel_wizard

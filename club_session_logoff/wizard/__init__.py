from . import club_booking_log_wizard
from . import club_kiosk_pin_wizard
from . import club_penalty_waive_wizard

from . import club_booking_log_wizard

from . import club_booking_log_wizard
from . import club_kiosk_pin_wizard
from . import club_session_log_roster_wizard
from . import club_session_schedule_wizard
from . import club_session_waitlist_wizard
from . import club_booking_cancel_wizard
from . import club_penalty_waive_wizard

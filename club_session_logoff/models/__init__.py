from . import res_company
from . import res_config_settings
from . import res_partner
from . import product_template
from . import club_offering
from . import club_session_credit
from . import club_checkin
from . import club_booking

"""The member portal's settings, per club (company)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_company import CLUB_SETTING_BOUNDS, CLUB_SETTINGS_FIELDS

# Members book up to a year ahead; at most 100 upcoming bookings each.
BOOKING_OPEN_DAYS_MAX = 365
MAX_OPEN_BOOKINGS_MAX = 100
PORTAL_SETTING_BOUNDS = {
    "club_booking_open_days": (0, BOOKING_OPEN_DAYS_MAX),
    "club_max_open_bookings": (0, MAX_OPEN_BOOKINGS_MAX),
}
# Club managers set them as they set the other club settings (res_company.py).
CLUB_SETTING_BOUNDS.update(PORTAL_SETTING_BOUNDS)
CLUB_SETTINGS_FIELDS.update({*PORTAL_SETTING_BOUNDS, "club_portal_unpaid"})


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    club_booking_open_days = fields.Integer(
        string="Members Book Ahead (Days)",
        default=14,
        help="In the member portal, members book sessions from now to this many "
        "days ahead (whole days in the club's time zone; 0: today only).",
    )
    club_max_open_bookings = fields.Integer(
        string="Upcoming Bookings per Member",
        default=0,
        help="In the member portal, a member holds at most this many upcoming "
        "bookings, booked or waitlisted (0: no cap).",
    )
    club_portal_unpaid = fields.Boolean(
        string="Members Book Without Credit",
        default=False,
        help="In the member portal, a member without a usable session credit may "
        "still book, to pay at the front desk or the Point of Sale.",
    )

    @api.constrains(*PORTAL_SETTING_BOUNDS)
    def _check_club_portal_settings(self):
        for company in self:
            errors = company._club_setting_errors(list(PORTAL_SETTING_BOUNDS))
            if errors:
                raise ValidationError("\n".join(errors))

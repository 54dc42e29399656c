"""Waitlist offers, per club (company): how long a seat that frees up inside the
late-cancel window is held for the next waitlisted member
(models/club_booking_offer.py)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_company import CLUB_SETTING_BOUNDS, CLUB_SETTINGS_FIELDS

# A day at most.
WAITLIST_OFFER_MINUTES_MAX = 1440
OFFER_SETTING_BOUNDS = {"club_waitlist_offer_minutes": (0, WAITLIST_OFFER_MINUTES_MAX)}
# Club managers set it as they set the other club settings (res_company.py).
CLUB_SETTING_BOUNDS.update(OFFER_SETTING_BOUNDS)
CLUB_SETTINGS_FIELDS.update(OFFER_SETTING_BOUNDS)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    club_waitlist_offer_minutes = fields.Integer(
        string="Waitlist Offer (Minutes)",
        default=0,
        help="A seat that frees up inside the offering's late-cancel window is "
        "offered to the next waitlisted member for this many minutes (held for "
        "them) instead of being given at once; then to the next one. 0: promote "
        "at once, whatever the time.",
    )

    @api.constrains(*OFFER_SETTING_BOUNDS)
    def _check_club_offer_settings(self):
        for company in self:
            errors = company._club_setting_errors(list(OFFER_SETTING_BOUNDS))
            if errors:
                raise ValidationError("\n".join(errors))

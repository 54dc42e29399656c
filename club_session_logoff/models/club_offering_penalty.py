from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClubOffering(models.Model):
    """The offering's fees: a no-show or a late cancel of one of its bookings
    creates a penalty of this amount (club.penalty)."""

    _inherit = "club.offering"

    currency_id = fields.Many2one(related="company_id.currency_id")
    no_show_fee = fields.Monetary(
        string="No-Show Fee",
        currency_field="currency_id",
        help="Charged to a member who does not come to a booked session, after the "
        "club's grace period and forgiveness (Club > Configuration > Settings); "
        "0: no fee.",
    )
    late_cancel_fee = fields.Monetary(
        string="Late-Cancel Fee",
        currency_field="currency_id",
        help="Charged to a member whose booking is cancelled inside the late-cancel "
        "window, after the club's grace period and forgiveness; 0: no fee.",
    )

    @api.constrains("no_show_fee", "late_cancel_fee")
    def _check_penalty_fees(self):
        for offering in self:
            if offering.no_show_fee < 0 or offering.late_cancel_fee < 0:
                raise ValidationError(
                    self.env._(
                        "%(offering)s: the no-show and late-cancel fees cannot be "
                        "negative (0: no fee).",
                        offering=offering.name,
                    )
                )

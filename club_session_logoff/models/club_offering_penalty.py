import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .club_penalty import MAX_AMOUNT, max_amount_text

FEE_FIELDS = ("no_show_fee", "late_cancel_fee")


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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_fee_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_fee_values(vals)
        return super().write(vals)

    @api.model
    def _check_fee_values(self, vals):
        """Infinity and NaN do not even reach the constraint (Odoo cannot
        round them): refused with the same message."""
        for name in FEE_FIELDS:
            value = vals.get(name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValidationError(
                    self.env._(
                        "The no-show and late-cancel fees must be between 0 and "
                        "%(max)s (0: no fee), not %(fee)s.",
                        max=max_amount_text(self.env),
                        fee=value,
                    )
                )

    @api.constrains("no_show_fee", "late_cancel_fee")
    def _check_penalty_fees(self):
        for offering in self:
            for fee in (offering.no_show_fee, offering.late_cancel_fee):
                # "not in range" also refuses NaN.
                if not 0 <= fee <= MAX_AMOUNT:
                    raise ValidationError(
                        self.env._(
                            "%(offering)s: the no-show and late-cancel fees must be "
                            "between 0 and %(max)s (0: no fee), not %(fee)s.",
                            offering=offering.name,
                            max=max_amount_text(self.env),
                            fee=fee,
                        )
                    )

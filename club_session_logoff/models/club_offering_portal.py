from odoo import api, fields, models
from odoo.exceptions import ValidationError

BOOKING_CLOSE_MINUTES_MAX = 24 * 60


class ClubOffering(models.Model):
    """When members stop booking a session of the offering in the portal."""

    _inherit = "club.offering"  # pylint: disable=consider-merging-classes-inherited

    booking_close_minutes = fields.Integer(
        string="Booking Closes (Minutes Before)",
        default=0,
        help="Members book a session of this offering in the member portal until "
        "this many minutes before its start (0 to 1440; 0: until it starts).",
    )

    @api.constrains("booking_close_minutes")
    def _check_booking_close_minutes(self):
        for offering in self:
            if not 0 <= offering.booking_close_minutes <= BOOKING_CLOSE_MINUTES_MAX:
                raise ValidationError(
                    self.env._(
                        "%(offering)s: booking closes 0 to %(max)s minutes before "
                        "the start, not %(value)s.",
                        offering=offering.name,
                        max=BOOKING_CLOSE_MINUTES_MAX,
                        value=offering.booking_close_minutes,
                    )
                )

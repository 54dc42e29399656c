from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    club_booking_open_days = fields.Integer(
        related="company_id.club_booking_open_days", readonly=False
    )
    club_max_open_bookings = fields.Integer(
        related="company_id.club_max_open_bookings", readonly=False
    )
    club_portal_unpaid = fields.Boolean(
        related="company_id.club_portal_unpaid", readonly=False
    )

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    club_waitlist_offer_minutes = fields.Integer(
        related="company_id.club_waitlist_offer_minutes", readonly=False
    )

from odoo import fields, models


class ResPartner(models.Model):
    """The member's penalties: the Penalties tab of the member's account."""

    _inherit = "res.partner"

    club_penalty_ids = fields.One2many("club.penalty", "partner_id", string="Penalties")

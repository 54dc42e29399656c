from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The penalties an invoice charges (its email names them).
    club_penalty_ids = fields.One2many(
        "club.penalty", "invoice_id", string="Club Penalties", readonly=True
    )

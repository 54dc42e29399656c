from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The penalties an invoice charges (its email names them).
    club_penalty_ids = fields.One2many(
        "club.penalty", "invoice_id", string="Club Penalties", readonly=True
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The penalty an invoice line charges; copied to the line of the credit note
    # that reverses it, so that a credit note keeps only the lines of the
    # penalties it takes back.
    club_penalty_id = fields.Many2one(
        "club.penalty",
        string="Club Penalty",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )

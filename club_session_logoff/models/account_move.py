from odoo import fields, models

PENALTY_MAIL_TEMPLATE = "club_session_logoff.mail_template_club_penalty_invoice"


class AccountMove(models.Model):
    _inherit = "account.move"

    # The penalties an invoice charges (its email names them).
    club_penalty_ids = fields.One2many(
        "club.penalty", "invoice_id", string="Club Penalties", readonly=True
    )

    def _get_mail_template(self):
        """Penalty invoices are sent with the club's own template, by Odoo's
        sending (account.move.send: the penalty job's queue, or the Send
        button)."""
        if self and all(
            move.move_type == "out_invoice" and move.sudo().club_penalty_ids
            for move in self
        ):
            return self.env.ref(PENALTY_MAIL_TEMPLATE)
        return super()._get_mail_template()

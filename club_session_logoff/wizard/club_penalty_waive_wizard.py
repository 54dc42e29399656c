from odoo import fields, models


class ClubPenaltyWaiveWizard(models.TransientModel):
    """The Waive button's dialog: the reason is required."""

    _name = "club.penalty.waive.wizard"
    _description = "Waive Penalties"

    penalty_ids = fields.Many2many("club.penalty", string="Penalties", required=True)
    reason = fields.Text(
        required=True,
        help="Kept on the penalty and in its chatter, and on the credit note of an "
        "invoiced one.",
    )

    def action_waive(self):
        self.ensure_one()
        self.penalty_ids.action_waive(self.reason)
        return {"type": "ir.actions.act_window_close"}

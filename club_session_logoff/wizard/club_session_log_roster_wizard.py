from odoo import api, fields, models


class ClubSessionLogRosterWizard(models.TransientModel):
    """Log Roster's confirmation: how many bookings will be completed and how
    many no-show, by the evidence the server has now."""

    _name = "club.session.log.roster.wizard"
    _description = "Log Roster"

    session_ids = fields.Many2many("club.session", string="Sessions", required=True)
    completed_count = fields.Integer(compute="_compute_outcomes")
    no_show_count = fields.Integer(compute="_compute_outcomes")
    completed_names = fields.Text(string="Completed", compute="_compute_outcomes")
    no_show_names = fields.Text(string="No-Show", compute="_compute_outcomes")
    note = fields.Text(help="Written on every booking logged.")

    @api.depends("session_ids")
    def _compute_outcomes(self):
        Session = self.env["club.session"]
        for wizard in self:
            completed, no_show = Session._roster_evidence(
                wizard.session_ids._roster_bookings()
            )
            wizard.completed_count = len(completed)
            wizard.no_show_count = len(no_show)
            wizard.completed_names = ", ".join(
                sorted(completed.partner_id.mapped("name"))
            )
            wizard.no_show_names = ", ".join(sorted(no_show.partner_id.mapped("name")))

    def action_log(self):
        self.ensure_one()
        self.session_ids.log_roster(self.note or None)
        return {"type": "ir.actions.act_window_close"}

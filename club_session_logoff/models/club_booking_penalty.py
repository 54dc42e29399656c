from odoo import api, fields, models


class ClubBooking(models.Model):
    """A booking's penalties (club.penalty): created by its outcome in
    ``_apply_outcome``, shown on its form."""

    _inherit = "club.booking"

    penalty_ids = fields.One2many("club.penalty", "booking_id", string="Penalties")
    penalty_count = fields.Integer(compute="_compute_penalty_count")

    @api.depends("penalty_ids")
    def _compute_penalty_count(self):
        for booking in self:
            booking.penalty_count = len(booking.penalty_ids)

    def action_view_penalties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "club_session_logoff.club_penalty_action"
        )
        action["domain"] = [("booking_id", "=", self.id)]
        action["context"] = {}
        return action

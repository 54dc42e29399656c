from odoo import api, fields, models

from ..models.club_booking_outcomes import STAFF_LOG_SELECTION


class ClubBookingLogWizard(models.TransientModel):
    _name = "club.booking.log.wizard"
    _description = "Log Bookings"

    booking_ids = fields.Many2many("club.booking", string="Bookings", required=True)
    booking_count = fields.Integer(compute="_compute_booking_count")
    # What staff log a booking as: the outcome table says (logged_by_staff).
    status = fields.Selection(
        STAFF_LOG_SELECTION,
        required=True,
        default="completed",
    )
    note = fields.Text(help="Written on every selected booking.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "club.booking":
            values["booking_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.depends("booking_ids")
    def _compute_booking_count(self):
        for wizard in self:
            wizard.booking_count = len(wizard.booking_ids)

    def action_log(self):
        self.ensure_one()
        self.booking_ids.log_booking(self.status, self.note or None)
        return {"type": "ir.actions.act_window_close"}

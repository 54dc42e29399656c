from odoo import fields, models


class ClubSessionWaitlistWizard(models.TransientModel):
    """Add to Waitlist: the front desk puts a member on a full session's
    waitlist (a booking in state waitlisted; club.booking.create checks it)."""

    _name = "club.session.waitlist.wizard"
    _description = "Add to Waitlist"

    session_id = fields.Many2one("club.session", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True)
    waitlist_count = fields.Integer(related="session_id.waitlist_count")
    seats_available = fields.Integer(related="session_id.seats_available")
    capacity = fields.Integer(related="session_id.capacity")

    def action_add(self):
        self.ensure_one()
        booking = self.env["club.booking"].create(
            {
                "partner_id": self.partner_id.id,
                "session_id": self.session_id.id,
                "state": "waitlisted",
            }
        )
        if booking.state == "booked":
            # A seat was free after all: the member got it at once.
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "A seat was free: %(member)s is booked (%(booking)s).",
                        member=self.partner_id.display_name,
                        booking=booking.name,
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.club_booking_outcomes import CORRECTABLE_STATES, STATE_SELECTION


class ClubBookingCancelWizard(models.TransientModel):
    """The Cancel Booking dialog: a plain cancel outside the late-cancel window;
    inside it, Late Cancel or Cancel Without Penalty (with a reason). The server
    decides by the time of the click (cancel_booking)."""

    _name = "club.booking.cancel.wizard"
    _description = "Cancel Bookings"

    booking_ids = fields.Many2many("club.booking", string="Bookings", required=True)
    late_booking_ids = fields.Many2many(
        "club.booking",
        string="Inside The Late-Cancel Window",
        compute="_compute_late_booking_ids",
    )
    reason = fields.Text(
        help="Required to cancel without penalty inside the late-cancel window; "
        "kept as the booking's note and in its chatter."
    )

    @api.depends("booking_ids")
    def _compute_late_booking_ids(self):
        now = fields.Datetime.now()
        for wizard in self:
            wizard.late_booking_ids = wizard.booking_ids.filtered(
                lambda b: b.state == "booked" and b._is_late_cancel(now)
            )

    def action_cancel(self):
        """Outside the window: cancelled, credit back."""
        self.ensure_one()
        if self.late_booking_ids:
            # The window opened while the dialog was open: staff choose again.
            raise UserError(
                self.env._(
                    "The late-cancel window of %s has opened meanwhile: close this "
                    "dialog and cancel again to choose between a late cancel and a "
                    "cancel without penalty.",
                    ", ".join(self.late_booking_ids.mapped("name")),
                )
            )
        self.booking_ids.cancel_booking(reason=self.reason or None)
        return {"type": "ir.actions.act_window_close"}

    def action_late_cancel(self):
        self.ensure_one()
        self.booking_ids.cancel_booking(reason=self.reason or None)
        return {"type": "ir.actions.act_window_close"}

    def action_cancel_without_penalty(self):
        self.ensure_one()
        self.booking_ids.cancel_booking(waive_penalty=True, reason=self.reason or None)
        return {"type": "ir.actions.act_window_close"}


class ClubBookingCorrectWizard(models.TransientModel):
    """The Correct Outcome dialog (club managers)."""

    _name = "club.booking.correct.wizard"
    _description = "Correct Booking Outcomes"

    booking_ids = fields.Many2many("club.booking", string="Bookings", required=True)
    current_state = fields.Selection(
        STATE_SELECTION, string="Now", compute="_compute_current_state"
    )
    status = fields.Selection(
        [
            (state, label)
            for state, label in STATE_SELECTION
            if state in CORRECTABLE_STATES
        ],
        string="Correct To",
        required=True,
    )
    reason = fields.Text(required=True)

    @api.depends("booking_ids")
    def _compute_current_state(self):
        for wizard in self:
            states = set(wizard.booking_ids.mapped("state"))
            wizard.current_state = states.pop() if len(states) == 1 else False

    def action_correct(self):
        self.ensure_one()
        self.booking_ids.correct_outcome(self.status, self.reason)
        return {"type": "ir.actions.act_window_close"}

"""What the no-show policies add to bookings: the late-cancel window and
``cancel_booking``, and ``correct_outcome``. Both decide through the one log-off
path, ``_apply_outcome`` (models/club_booking.py); the strikes a no-show counts
for are in club_strikes.py."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .club_booking import BOOKING_USER_GROUP, MANAGER_GROUP
from .club_booking_outcomes import OUTCOME_BY_STATE


# Late cancels and corrections have this one home.
class ClubBooking(models.Model):
    _inherit = "club.booking"  # pylint: disable=consider-merging-classes-inherited

    late_cancel_from = fields.Datetime(
        compute="_compute_late_cancel_from",
        help="Cancelled from this moment on (the offering's late-cancel window "
        "before the start), the booking is a late cancel: its session credit is "
        "lost, and a fee may apply.",
    )
    in_late_cancel_window = fields.Boolean(
        string="Inside Late-Cancel Window",
        compute="_compute_late_cancel_from",
        help="Cancelled now, the booking would be a late cancel.",
    )
    late_cancel_waived = fields.Boolean(
        string="Cancelled Without Penalty",
        readonly=True,
        copy=False,
        help="Cancelled inside the late-cancel window without penalty; the note "
        "says why.",
    )

    @api.depends("start", "offering_id.late_cancel_hours", "state")
    def _compute_late_cancel_from(self):
        now = fields.Datetime.now()
        for booking in self:
            booking.late_cancel_from = booking._late_cancel_from()
            booking.in_late_cancel_window = (
                booking.state == "booked" and booking._is_late_cancel(now)
            )

    def _late_cancel_from(self):
        """When the offering's late-cancel window opens for this booking, or
        False without a window."""
        self.ensure_one()
        hours = self.offering_id.late_cancel_hours
        if not hours or not self.start:
            return False
        return self.start - timedelta(hours=hours)

    def _is_late_cancel(self, now):
        """Whether cancelling the booking at ``now`` is a late cancel: less than
        the offering's hours before its start (exactly that many hours before
        is in time), or after it started."""
        self.ensure_one()
        opens = self._late_cancel_from()
        return bool(opens) and now > opens

    # ------------------------------------------------------------------
    # Cancelling
    # ------------------------------------------------------------------
    def cancel_booking(self, waive_penalty=False, reason=None):
        """Staff cancel the bookings. Outside the offering's late-cancel window:
        cancelled, the credit goes back to the member. Inside it: a late cancel
        (the credit is lost), unless ``waive_penalty``, which needs a
        ``reason`` (kept as the booking's note and in its chatter): cancelled.
        A cancellation by the club (a session cancelled) is never a late cancel:
        it goes straight to ``_apply_outcome("cancelled")``. All or nothing."""
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to cancel bookings."))
        if reason is not None and not isinstance(reason, str):
            raise UserError(self.env._("The reason of a cancellation must be text."))
        reason = (reason or "").strip()
        if waive_penalty and not reason:
            raise UserError(
                self.env._(
                    "Say why the booking is cancelled without penalty: a reason is "
                    "required."
                )
            )
        if not self:  # called over RPC without ids: nothing to do
            return True
        self.check_access("write")
        self.sudo()._cancel(
            waive_penalty=waive_penalty,
            reason=reason,
            source="staff",
            user=self.env.user,
        )
        return True

    def _cancel_kind(self, now):
        """What cancelling the booking at ``now`` is, decided here only (staff
        cancel, ``_cancel_consequence`` for members):

        - ``not_cancellable``: logged or cancelled already;
        - ``leave_waitlist``: waitlisted (no seat given up: never a late cancel);
        - ``late_cancel``: booked, inside the offering's late-cancel window (or
          started);
        - ``credit_back``: booked, in time: cancelled, its credit goes back.
        """
        self.ensure_one()
        if not OUTCOME_BY_STATE[self.state].is_open:
            return "not_cancellable"
        if self.state == "waitlisted":
            return "leave_waitlist"
        if self._is_late_cancel(now):
            return "late_cancel"
        return "credit_back"

    def _cancel(self, waive_penalty=False, reason=None, source="staff", user=None):
        """The body of ``cancel_booking``, as superuser, callers having checked
        the rights (``cancel_booking``: staff; ``_cancel_as_member``: the
        member). ``reason`` is stripped text or empty. All or nothing."""
        reason = (reason or "").strip()
        bookings = self
        # Every booking is checked before any is cancelled. The sessions first,
        # then the bookings: the order booking into a session and Cancel
        # Session lock them in.
        bookings.session_id._lock()
        bookings._lock_rows()
        not_open = bookings.filtered(lambda b: not OUTCOME_BY_STATE[b.state].is_open)
        if not_open:
            raise UserError(
                self.env._(
                    "Only booked sessions can be cancelled; already logged or "
                    "cancelled: %s.",
                    ", ".join(not_open[:10].mapped("name")),
                )
            )
        now = fields.Datetime.now()
        late = bookings.filtered(lambda b: b._cancel_kind(now) == "late_cancel")
        user = user or self.env.user
        in_time = bookings - late
        if in_time:
            in_time._apply_outcome(
                "cancelled", note=reason or None, source=source, user=user
            )
        if late and waive_penalty:
            late.write({"late_cancel_waived": True})
            late._apply_outcome(
                "cancelled",
                note=self.env._(
                    "Cancelled without penalty inside the late-cancel window: "
                    "%(reason)s",
                    reason=reason,
                ),
                source=source,
                user=user,
            )
        elif late:
            late._apply_outcome(
                "late_cancel", note=reason or None, source=source, user=user
            )
        return True

    def action_open_cancel_dialog(self):
        """The form's Cancel Booking button: a dialog that says whether the
        booking is inside its late-cancel window, and lets staff choose."""
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to cancel bookings."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Booking"),
            "res_model": "club.booking.cancel.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_booking_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Correcting an outcome
    # ------------------------------------------------------------------
    def correct_outcome(self, status, reason):
        """A club manager turns logged bookings' outcome (completed, no-show,
        late cancel, cancelled) into ``status``, another of them, in one step,
        saying why. Credits follow (used, lost or back to the member, the
        member's best credit taken when one is needed), penalties follow, and
        the chatter says from what to what and why. All or nothing."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a club manager can correct a booking's outcome.")
            )
        self._check_correctable_status(status)
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(
                self.env._("Say why the outcome is corrected: a reason is required.")
            )
        if not self:  # called over RPC without ids: nothing to do
            return True
        self.check_access("write")
        self.sudo()._apply_outcome(
            status,
            note=reason.strip(),
            source="staff",
            user=self.env.user,
            correction=True,
        )
        return True

    def _cancel_penalties(self, reason):
        """The penalties of these bookings' former outcome are cancelled (an
        invoiced one gets a credit note): club.penalty, when present."""
        if "club.penalty" in self.env:
            self.env["club.penalty"].sudo()._cancel_for_bookings(self.sudo(), reason)
        return True

    def action_open_correct_dialog(self):
        """The form's Correct Outcome button (club managers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a club manager can correct a booking's outcome.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct Outcome"),
            "res_model": "club.booking.correct.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_booking_ids": self.ids},
        }

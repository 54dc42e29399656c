"""Correcting an outcome: a club manager turns completed, no-show, late cancel
and cancelled into one another in one step, saying why; credits follow."""

from itertools import permutations
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import ClubCase

OUTCOMES = ("completed", "no_show", "late_cancel", "cancelled")
# What the booking's credit is in each outcome (None: given back, not tied).
CREDIT_STATE = {
    "completed": "used",
    "no_show": "lost",
    "late_cancel": "lost",
    "cancelled": None,
}
LABELS = {
    "completed": "Completed",
    "no_show": "No-Show",
    "late_cancel": "Late Cancel",
    "cancelled": "Cancelled",
}


class TestCorrectOutcome(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spinning.late_cancel_hours = 24

    def logged(self, state, paid=True, hours_ago=2):
        """A started booking of a member with one credit, in ``state``."""
        member = self.env["res.partner"].create({"name": f"Member {state}"})
        credit = self.credit(partner=member, paid=paid)
        booking = self.book(partner=member, hours_ago=hours_ago)
        self.assertEqual(booking.credit_id, credit)
        if state in ("completed", "no_show"):
            booking.log_booking(state)
        elif state == "late_cancel":
            booking.cancel_booking()
        else:
            booking.cancel_booking(waive_penalty=True, reason="Club closed")
        self.assertEqual(booking.state, state)
        return booking, credit

    def assert_credit(self, booking, credit, state):
        expected = CREDIT_STATE[state]
        if expected:
            self.assertEqual(booking.credit_id, credit)
            self.assertEqual(credit.state, expected)
        else:
            self.assertFalse(booking.credit_id)
            self.assertEqual(credit.state, "available")

    def test_each_pair_of_outcomes(self):
        for old, new in permutations(OUTCOMES, 2):
            with self.subTest(old=old, new=new):
                booking, credit = self.logged(old)
                reason = f"Corrected {old} to {new}: front desk mistake"
                result = booking.with_user(self.manager).correct_outcome(new, reason)
                self.assertIs(result, True)
                self.assertEqual(booking.state, new)
                self.assert_credit(booking, credit, new)
                self.assertEqual(booking.log_user_id, self.manager)
                self.assertEqual(booking.log_note, reason)
                self.assertFalse(booking.late_cancel_waived)
                line = booking.message_ids.filtered(
                    lambda m: "Outcome corrected from" in (m.body or "")
                )
                self.assertEqual(len(line), 1)
                self.assertIn(
                    f"Outcome corrected from <b>{LABELS[old]}</b> to "
                    f"<b>{LABELS[new]}</b>",
                    line.body,
                )
                self.assertIn(reason, line.body)
                self.assertEqual(line.author_id, self.manager.partner_id)

    def test_club_managers_only(self):
        booking, credit = self.logged("no_show")
        for user in (self.desk, self.viewer, self.loggers["class_session"]):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                booking.with_user(user).correct_outcome("completed", "Was there")
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                booking.with_user(user).action_open_correct_dialog()
        self.assertEqual(booking.state, "no_show")
        self.assertEqual(credit.state, "lost")

    def test_another_clubs_booking_is_out_of_reach(self):
        other_club = self.env["res.company"].create({"name": "Correction Other Club"})
        offering = self.env["club.offering"].create(
            {"name": "Theirs", "company_id": other_club.id}
        )
        booking = self.book(offering=offering)
        booking.log_booking("no_show")
        with self.assertRaises(AccessError):
            booking.with_user(self.manager).correct_outcome("completed", "Was there")
        self.assertEqual(booking.state, "no_show")

    def test_a_reason_and_a_correctable_outcome_are_required(self):
        booking, credit = self.logged("no_show")
        as_manager = booking.with_user(self.manager)
        for reason in (None, "", "   ", 42, "\u200b", "\ufeff\u200d", "?!"):
            with (
                self.subTest(reason=reason),
                self.assertRaisesRegex(UserError, "reason"),
            ):
                as_manager.correct_outcome("completed", reason)
        for status in ("booked", "waitlisted", "nonsense", None, ["completed"]):
            with self.subTest(status=status), self.assertRaises(UserError):
                as_manager.correct_outcome(status, "Why not")
        with self.assertRaisesRegex(UserError, "Already logged as no-shows: "):
            as_manager.correct_outcome("no_show", "Twice")
        self.assertEqual(booking.state, "no_show")
        self.assertEqual(credit.state, "lost")

    def test_open_bookings_are_logged_not_corrected(self):
        booking = self.book()
        with self.assertRaisesRegex(UserError, "log these instead"):
            booking.with_user(self.manager).correct_outcome("completed", "Was there")
        self.assertEqual(booking.state, "booked")

    def test_all_or_nothing(self):
        no_show, credit = self.logged("no_show")
        open_booking = self.book()
        with self.assertRaises(UserError):
            (no_show | open_booking).with_user(self.manager).correct_outcome(
                "completed", "Both came"
            )
        self.assertEqual(no_show.state, "no_show")
        self.assertEqual(credit.state, "lost")
        # Not started yet: cannot have been completed.
        future, future_credit = self.logged("cancelled", hours_ago=-48)
        with self.assertRaisesRegex(UserError, "not started yet"):
            (no_show | future).with_user(self.manager).correct_outcome(
                "completed", "Came"
            )
        self.assertEqual(no_show.state, "no_show")
        self.assertEqual(future.state, "cancelled")
        self.assertEqual(future_credit.state, "available")

    def test_the_members_best_credit_is_taken_when_needed(self):
        booking, credit = self.logged("cancelled")
        # The credit given back paid for another booking meanwhile.
        other = self.book(partner=booking.partner_id, hours_ago=1)
        self.assertEqual(other.credit_id, credit)
        booking.with_user(self.manager).correct_outcome("completed", "Came after all")
        self.assertEqual(booking.state, "completed")
        self.assertFalse(booking.credit_id, "no free credit left: unpaid")
        # A paid credit bought later pays for it (the usual pay-off).
        paid = self.credit(partner=booking.partner_id)
        self.assertEqual(booking.credit_id, paid)

        unpaid = self.credit(partner=booking.partner_id, paid=False)
        best = self.credit(partner=booking.partner_id)
        cancelled = self.book(partner=booking.partner_id, hours_ago=3)
        self.assertEqual(cancelled.credit_id, best, "paid first")
        cancelled.cancel_booking(waive_penalty=True, reason="Unwell")
        cancelled.with_user(self.manager).correct_outcome("no_show", "Never called")
        self.assertEqual(cancelled.credit_id, best)
        self.assertEqual(best.state, "lost")
        self.assertEqual(unpaid.state, "available")

    def test_penalties_follow_through_the_log_off_path(self):
        booking, _credit = self.logged("no_show")
        calls = []

        def cancel_penalties(bookings, reason):
            calls.append((bookings, reason, bookings.state))
            return True

        Booking = type(self.env["club.booking"])
        with patch.object(Booking, "_cancel_penalties", cancel_penalties):
            booking.with_user(self.manager).correct_outcome("completed", "Was there")
        self.assertEqual(calls, [(booking, "Was there", "no_show")])

    def test_the_correct_outcome_dialog(self):
        booking, credit = self.logged("no_show")
        action = booking.with_user(self.manager).action_open_correct_dialog()
        Wizard = self.env["club.booking.correct.wizard"].with_user(self.manager)
        form = Form(Wizard.with_context(action["context"]))
        self.assertEqual(form.current_state, "no_show")
        form.status = "completed"
        form.reason = "Checked in at the desk, the kiosk was down"
        form.save().action_correct()
        self.assertEqual(booking.state, "completed")
        self.assertEqual(credit.state, "used")
        view = (
            self.env["club.booking"].with_user(self.manager).get_view(view_type="form")
        )
        self.assertIn('name="action_open_correct_dialog"', view["arch"])
        view = self.env["club.booking"].with_user(self.desk).get_view(view_type="form")
        self.assertNotIn('name="action_open_correct_dialog"', view["arch"])

    def test_reset_to_booked_stays_for_bookings_logged_too_early(self):
        booking, credit = self.logged("completed")
        booking.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(booking.state, "booked")
        self.assertEqual(credit.state, "available")

    def test_transitions_outside_a_correction_stay_refused(self):
        booking, _credit = self.logged("completed")
        with self.assertRaises(UserError):
            booking.sudo().write({"state": "no_show"})
        self.assertEqual(booking.state, "completed")

"""Late cancels: cancelling inside the offering's late-cancel window loses the
credit, unless staff cancel without penalty, saying why."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .common import ClubCase

NOW = datetime(2026, 3, 10, 12, 0, 0)


@freeze_time(NOW)
class TestLateCancel(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spinning.late_cancel_hours = 24

    def book_in(self, delta, offering=None, partner=None):
        """A booking starting ``delta`` from now, paid by a credit of its own."""
        offering = offering or self.spinning
        self.credit(partner=partner, offering_type=offering.offering_type)
        booking = self.env["club.booking"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": offering.id,
                "start": NOW + delta,
            }
        )
        self.assertTrue(booking.credit_id)
        return booking, booking.credit_id

    def test_window_edges(self):
        in_time, in_time_credit = self.book_in(timedelta(hours=24))
        late, late_credit = self.book_in(timedelta(hours=24) - timedelta(seconds=1))
        self.assertFalse(in_time.in_late_cancel_window)
        self.assertTrue(late.in_late_cancel_window)
        self.assertEqual(late.late_cancel_from, NOW - timedelta(seconds=1))

        self.assertIs(in_time.with_user(self.desk).cancel_booking(), True)
        self.assertIs(late.with_user(self.desk).cancel_booking(), True)

        self.assertEqual(in_time.state, "cancelled")
        self.assertFalse(in_time.credit_id)
        self.assertEqual(in_time_credit.state, "available")
        self.assertEqual(late.state, "late_cancel")
        self.assertEqual(late.credit_id, late_credit)
        self.assertEqual(late_credit.state, "lost")
        self.assertEqual(late.log_user_id, self.desk)
        line = late.message_ids.filtered(lambda m: "Late Cancel" in (m.body or ""))
        self.assertIn(f"Session credit #{late_credit.id} lost (late cancel)", line.body)

    def test_started_bookings_are_late_and_no_window_is_never_late(self):
        started, _credit = self.book_in(-timedelta(minutes=10))
        self.training.late_cancel_hours = 0
        no_window, credit = self.book_in(timedelta(minutes=1), offering=self.training)
        self.assertFalse(no_window.late_cancel_from)
        (started | no_window).with_user(self.desk).action_cancel()
        self.assertEqual(started.state, "late_cancel")
        self.assertEqual(no_window.state, "cancelled")
        self.assertEqual(credit.state, "available")

    def test_cancel_without_penalty_needs_a_reason(self):
        late, credit = self.book_in(timedelta(hours=2))
        for reason in (None, "", "   ", "\u200b", "\u200b\u200b ", "..."):
            with (
                self.subTest(reason=reason),
                self.assertRaisesRegex(UserError, "reason"),
            ):
                late.with_user(self.desk).cancel_booking(
                    waive_penalty=True, reason=reason
                )
        self.assertEqual(late.state, "booked")
        self.assertEqual(credit.state, "available")

        late.with_user(self.desk).cancel_booking(
            waive_penalty=True, reason="Called in sick, doctor's note"
        )
        self.assertEqual(late.state, "cancelled")
        self.assertTrue(late.late_cancel_waived)
        self.assertFalse(late.credit_id)
        self.assertEqual(credit.state, "available")
        self.assertIn("Called in sick, doctor's note", late.log_note)
        line = late.message_ids.filtered(lambda m: "Called in sick" in (m.body or ""))
        self.assertIn("without penalty", line.body)

    def test_waiving_outside_the_window_is_a_plain_cancel(self):
        in_time, _credit = self.book_in(timedelta(days=3))
        in_time.with_user(self.desk).cancel_booking(
            waive_penalty=True, reason="Moved to Friday"
        )
        self.assertEqual(in_time.state, "cancelled")
        self.assertFalse(in_time.late_cancel_waived)
        self.assertEqual(in_time.log_note, "Moved to Friday")

    def test_front_desk_rights_on_the_server(self):
        late, _credit = self.book_in(timedelta(hours=2))
        for user in (self.viewer, self.loggers["class_session"]):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                late.with_user(user).cancel_booking()
        self.assertEqual(late.state, "booked")
        other_club = self.env["res.company"].create({"name": "Late Cancel Other Club"})
        self.desk.company_ids |= other_club
        theirs = self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "offering_id": self.env["club.offering"]
                .create({"name": "Theirs", "company_id": other_club.id})
                .id,
                "start": NOW + timedelta(days=2),
            }
        )
        self.desk.company_ids -= other_club
        with self.assertRaises(AccessError):
            theirs.with_user(self.desk).cancel_booking()
        self.assertEqual(theirs.state, "booked")

    def test_all_or_nothing(self):
        late, credit = self.book_in(timedelta(hours=2))
        done, _done_credit = self.book_in(timedelta(days=2))
        done.action_cancel()
        with self.assertRaisesRegex(UserError, done.name):
            (late | done).with_user(self.desk).cancel_booking()
        self.assertEqual(late.state, "booked")
        self.assertEqual(credit.state, "available")

    def test_the_clubs_cancellation_is_never_a_late_cancel(self):
        """A session the club cancels goes straight to the log-off path."""
        late, credit = self.book_in(timedelta(hours=2))
        late.sudo()._apply_outcome("cancelled", source="staff")
        self.assertEqual(late.state, "cancelled")
        self.assertEqual(credit.state, "available")

    def test_the_cancel_dialog(self):
        late, _credit = self.book_in(timedelta(hours=2))
        in_time, _c = self.book_in(timedelta(days=2))
        Wizard = self.env["club.booking.cancel.wizard"].with_user(self.desk)
        with self.assertRaises(AccessError):
            late.with_user(self.viewer).action_open_cancel_dialog()

        action = late.with_user(self.desk).action_open_cancel_dialog()
        self.assertEqual(action["res_model"], "club.booking.cancel.wizard")
        wizard = Form(Wizard.with_context(action["context"]))
        self.assertTrue(wizard.late_booking_ids)
        dialog = wizard.save()
        with self.assertRaisesRegex(UserError, "late-cancel window"):
            dialog.action_cancel()
        with self.assertRaisesRegex(UserError, "reason"):
            dialog.action_cancel_without_penalty()
        dialog.reason = "Family emergency"
        dialog.action_cancel_without_penalty()
        self.assertEqual(late.state, "cancelled")
        self.assertTrue(late.late_cancel_waived)

        plain = Form(Wizard.with_context(default_booking_ids=in_time.ids))
        self.assertFalse(plain.late_booking_ids)
        plain.save().action_cancel()
        self.assertEqual(in_time.state, "cancelled")

        late_again, _c = self.book_in(timedelta(hours=1))
        Wizard.create({"booking_ids": late_again.ids}).action_late_cancel()
        self.assertEqual(late_again.state, "late_cancel")

    def test_late_cancels_are_history(self):
        late, credit = self.book_in(timedelta(hours=2))
        late.cancel_booking()
        with self.assertRaises(UserError):
            late.unlink()
        with self.assertRaises(UserError):
            late.log_booking("completed")
        # Reopened by a club manager (cancelled too early): the credit is back.
        late.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(late.state, "booked")
        self.assertEqual(late.credit_id, credit)
        self.assertEqual(credit.state, "available")

    def test_window_bounds(self):
        for hours in (-1, 721):
            with (
                self.subTest(hours=hours),
                self.assertRaisesRegex(ValidationError, "between 0"),
            ):
                self.yoga.late_cancel_hours = hours
                self.yoga.flush_recordset()
        self.yoga.late_cancel_hours = 720

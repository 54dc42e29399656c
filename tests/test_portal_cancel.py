"""A member cancelling a booking: what ``_cancel_consequence`` announces is what
``_cancel_as_member`` then does (credit back, late cancel with its fee,
forgiven fee, leaving the waitlist), and what the member may not cancel."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import ClubCase

NOW = datetime(2026, 3, 10, 12, 0, 0)


@freeze_time(NOW)
class TestMemberCancel(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.yoga.write({"late_cancel_hours": 24, "late_cancel_fee": 12.0})
        cls.company.write(
            {
                "club_penalty_grace_hours": 24,
                "club_forgive_count": 0,
                "club_forgive_days": 30,
            }
        )
        cls.mia = new_test_user(
            cls.env,
            login="mia_portal",
            groups="base.group_portal",
            partner_id=cls.member.id,
        )
        cls.otto = new_test_user(
            cls.env,
            login="otto_portal",
            groups="base.group_portal",
            partner_id=cls.other_member.id,
        )

    def book_in(self, delta, offering=None, partner=None, credit=True, **vals):
        offering = offering or self.yoga
        if credit:
            self.credit(partner=partner, offering_type=offering.offering_type)
        return self.env["club.booking"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": offering.id,
                "start": NOW + delta,
                **vals,
            }
        )

    def consequence(self, booking, user=None):
        return booking.with_user(user or self.mia)._cancel_consequence()

    def test_in_time_the_credit_comes_back(self):
        booking = self.book_in(timedelta(hours=25))
        credit = booking.credit_id
        said = self.consequence(booking)
        self.assertEqual(said["kind"], "credit_back")
        self.assertTrue(said["cancellable"])
        self.assertFalse(said["credit_lost"])
        self.assertEqual(said["fee"], 0)
        self.assertEqual(said["message"], "Your credit comes back.")

        self.assertIs(booking.with_user(self.mia)._cancel_as_member(), True)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.log_source, "member")
        self.assertEqual(booking.log_user_id, self.mia)
        self.assertEqual(credit.state, "available")
        self.assertFalse(booking.penalty_ids)

    def test_late_cancel_loses_the_credit_and_charges_the_fee(self):
        booking = self.book_in(timedelta(hours=2))
        credit = booking.credit_id
        said = self.consequence(booking)
        self.assertEqual(said["kind"], "late_cancel")
        self.assertTrue(said["credit_lost"])
        self.assertEqual(said["fee"], 12.0)
        self.assertFalse(said["forgiven"])
        self.assertEqual(said["fee_invoiced_after_hours"], 24)
        self.assertEqual(said["currency"], self.company.currency_id)
        self.assertIn("This is a late cancel: the credit is lost and", said["message"])
        self.assertIn("12.00", said["message"])
        self.assertIn("will be invoiced after 24 hours.", said["message"])

        booking.with_user(self.mia)._cancel_as_member()
        self.assertEqual(booking.state, "late_cancel")
        self.assertEqual(credit.state, "lost")
        penalty = booking.penalty_ids
        self.assertEqual(len(penalty), 1)
        self.assertEqual(penalty.state, "pending")
        self.assertEqual(penalty.amount, said["fee"])
        self.assertEqual(penalty.kind, "late_cancel")
        self.assertEqual(
            penalty.grace_end, NOW + timedelta(hours=said["fee_invoiced_after_hours"])
        )

    def test_forgiven_fee_is_announced_and_forgiven(self):
        self.company.club_forgive_count = 1
        booking = self.book_in(timedelta(hours=2))
        said = self.consequence(booking)
        self.assertEqual(said["kind"], "late_cancel")
        self.assertTrue(said["forgiven"])
        self.assertEqual(said["fee"], 0)
        self.assertEqual(said["fee_amount"], 12.0)
        self.assertIn(
            "forgiven this time (1 of 1 forgiven in 30 days)", said["message"]
        )

        booking.with_user(self.mia)._cancel_as_member()
        self.assertEqual(booking.penalty_ids.state, "forgiven")

        # The next one is charged: the consequence says so, again before.
        second = self.book_in(timedelta(hours=3))
        said = self.consequence(second)
        self.assertFalse(said["forgiven"])
        self.assertEqual(said["fee"], 12.0)
        second.with_user(self.mia)._cancel_as_member()
        self.assertEqual(second.penalty_ids.state, "pending")

    def test_late_cancel_without_fee_or_credit(self):
        self.spinning.late_cancel_hours = 24
        booking = self.book_in(timedelta(hours=2), offering=self.spinning, credit=False)
        said = self.consequence(booking)
        self.assertEqual(said["kind"], "late_cancel")
        self.assertFalse(said["credit_lost"])
        self.assertEqual(said["message"], "This is a late cancel.")
        booking.with_user(self.mia)._cancel_as_member()
        self.assertEqual(booking.state, "late_cancel")
        self.assertFalse(booking.penalty_ids)

    def test_waitlisted_booking_leaves_the_waitlist(self):
        session = self.env["club.session"].create(
            {
                "offering_id": self.yoga.id,
                "start": NOW + timedelta(hours=2),
                "capacity": 1,
            }
        )
        self.env["club.booking"].create(
            {"partner_id": self.other_member.id, "session_id": session.id}
        )
        waiting = self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "session_id": session.id,
                "state": "waitlisted",
            }
        )
        said = self.consequence(waiting)
        self.assertEqual(said["kind"], "leave_waitlist")
        self.assertFalse(said["credit_lost"])
        self.assertEqual(said["fee"], 0)
        self.assertEqual(said["message"], "You leave the waitlist.")
        waiting.with_user(self.mia)._cancel_as_member()
        self.assertEqual(waiting.state, "cancelled")
        self.assertFalse(waiting.penalty_ids)
        self.assertEqual(session.waitlist_count, 0)

    def test_no_cancel_after_the_start_nor_twice(self):
        started = self.book_in(-timedelta(minutes=5))
        said = self.consequence(started)
        self.assertEqual(said["kind"], "too_late")
        self.assertFalse(said["cancellable"])
        with self.assertRaisesRegex(UserError, "has started"):
            started.with_user(self.mia)._cancel_as_member()
        self.assertEqual(started.state, "booked")

        booking = self.book_in(timedelta(days=3))
        booking.with_user(self.mia)._cancel_as_member()
        self.assertEqual(self.consequence(booking)["kind"], "not_cancellable")
        with self.assertRaisesRegex(UserError, "already cancelled"):
            booking.with_user(self.mia)._cancel_as_member()

    def test_someone_elses_booking(self):
        booking = self.book_in(timedelta(days=3))
        for method in ("_cancel_consequence", "_cancel_as_member"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(booking.with_user(self.otto), method)()
        self.assertEqual(booking.state, "booked")

    def test_superuser_acts_for_the_member(self):
        """The reminders' one-tap cancel: sudo after checking its token."""
        booking = self.book_in(timedelta(days=3))
        public = self.env.ref("base.public_user")
        booking.with_user(public).sudo()._cancel_as_member()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.log_user_id, self.mia)

    def test_staff_cancel_decides_the_same(self):
        """cancel_booking and the consequence share one decision."""
        booking = self.book_in(timedelta(hours=2))
        self.assertEqual(
            booking.with_user(self.desk)._cancel_consequence()["kind"], "late_cancel"
        )
        booking.with_user(self.desk).cancel_booking()
        self.assertEqual(booking.state, "late_cancel")
        self.assertEqual(booking.log_source, "staff")

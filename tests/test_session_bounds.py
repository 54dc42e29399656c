"""A session's capacity is bounded, its counters and status are computed only,
and a walk-in is booked into a session until its end, not after."""

from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user

from .test_session import SessionCase


class TestSessionBounds(SessionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.front_desk = new_test_user(
            cls.env,
            login="club_bounds_front_desk",
            groups="base.group_user,base.group_partner_manager,"
            "club_session_logoff.group_booking_user,"
            "club_session_logoff.group_logoff_class_session",
        )

    def book_in(self, session, partner=None, user=None):
        return (
            self.env["club.booking"]
            .with_user(user or self.front_desk)
            .create(
                {"partner_id": (partner or self.member).id, "session_id": session.id}
            )
        )

    def test_capacity_is_bounded(self):
        session = self.session(hours_ago=-24)
        Session = self.env["club.session"].with_user(self.front_desk)
        for value in (-1, 10_001, 2**31, 2**63, 10**30):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(ValidationError, "between 0 and 10000"),
            ):
                session.with_user(self.front_desk).write({"capacity": value})
            with self.subTest(value=value), self.assertRaises(ValidationError):
                Session.create(
                    {
                        "offering_id": self.spinning.id,
                        "start": self.now + timedelta(days=2),
                        "capacity": value,
                    }
                )
        session.invalidate_recordset()
        self.assertEqual(session.capacity, 20)
        session.with_user(self.front_desk).write({"capacity": 10_000})
        self.assertEqual(session.capacity, 10_000)
        session.with_user(self.front_desk).write({"capacity": 0})
        self.assertEqual(session.capacity, 0)

    def test_counters_and_status_are_computed_only(self):
        session = self.session(hours_ago=-24, capacity=2)
        self.book_in(session)
        for values in (
            {"seats_taken": 0},
            {"seats_available": 50},
            {"waitlist_count": 3},
            {"state": "done"},
            {"state": "cancelled"},
            {"capacity": 3, "seats_available": 50},
        ):
            with self.subTest(values=values), self.assertRaises(UserError) as refusal:
                session.with_user(self.front_desk).write(values)
            self.assertIn("computed", str(refusal.exception))
        Session = self.env["club.session"].with_user(self.front_desk)
        with self.assertRaises(UserError):
            Session.create(
                {
                    "offering_id": self.spinning.id,
                    "start": self.now + timedelta(days=2),
                    "state": "done",
                }
            )
        session.invalidate_recordset()
        self.assertEqual(
            (session.seats_taken, session.seats_available, session.waitlist_count),
            (1, 1, 0),
        )
        self.assertEqual(session.capacity, 2)
        self.assertEqual(session.state, "scheduled")

    def test_a_walk_in_until_the_end_of_the_session(self):
        # Started half an hour ago, one hour long.
        session = self.session(hours_ago=0.5)
        walk_in = self.book_in(session)
        self.assertEqual(walk_in.state, "booked")
        self.assertEqual(session.to_log_count, 1)
        walk_in.log_booking("completed")
        self.assertEqual(session.state, "done")
        # A done session that takes a walk-in has something to log again.
        late = self.book_in(session, partner=self.other_member)
        self.assertEqual(session.state, "scheduled")
        self.assertEqual(session.to_log_count, 1)
        late.log_booking("no_show")
        self.assertEqual(session.state, "done")
        # Its waitlist is closed since it started.
        with self.assertRaises(UserError):
            self.env["club.booking"].with_user(self.front_desk).create(
                {
                    "partner_id": self.env["res.partner"].create({"name": "W"}).id,
                    "session_id": session.id,
                    "state": "waitlisted",
                }
            )

    def test_no_booking_after_the_end(self):
        ended = self.session(hours_ago=2)  # ended an hour ago
        count = self.env["club.booking"].search_count([])
        with self.assertRaises(UserError) as refusal:
            self.book_in(ended)
        self.assertIn("has ended", str(refusal.exception))
        self.assertEqual(self.env["club.booking"].search_count([]), count)
        self.assertEqual(ended.state, "scheduled")
        # Nor by moving a booking into it.
        upcoming = self.session(hours_ago=-24)
        booking = self.book_in(upcoming)
        with self.assertRaises(UserError):
            booking.with_user(self.front_desk).write({"session_id": ended.id})
        booking.invalidate_recordset()
        self.assertEqual(booking.session_id, upcoming)
        # The end itself is too late.
        at_end = self.session(hours_ago=1)
        with self.assertRaises(UserError):
            self.book_in(at_end)

    def test_offering_and_timetable_capacities_are_bounded(self):
        offering = self.spinning.with_user(self.manager)
        for value in (-1, 10_001, 2**31):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                offering.write({"default_capacity": value})
        self.assertEqual(self.spinning.default_capacity, 20)
        Wizard = self.env["club.session.schedule.wizard"].with_user(self.front_desk)
        with self.assertRaises(ValidationError):
            Wizard.create({"offering_id": self.spinning.id, "capacity": 2**31})

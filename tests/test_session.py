"""Scheduled sessions: a booking in a session takes its offering, times and
trainer; the session's open bookings follow it when it moves."""

from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .common import ClubCase


class SessionCase(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marco = new_test_user(cls.env, login="club_marco", name="Marco")
        cls.spinning.write({"default_capacity": 20, "default_trainer_id": cls.marco.id})

    @classmethod
    def session(cls, offering=None, hours_ago=2, **vals):
        return cls.env["club.session"].create(
            {
                "offering_id": (offering or cls.spinning).id,
                "start": cls.now - timedelta(hours=hours_ago),
                **vals,
            }
        )


class TestSession(SessionCase):
    def test_session_takes_the_offering_defaults(self):
        session = self.session()
        self.assertEqual(session.capacity, 20)
        self.assertEqual(session.trainer_id, self.marco)
        self.assertEqual(session.stop - session.start, timedelta(hours=1))
        self.assertIn("Spinning", session.name)
        self.assertIn("Marco", session.name)

    def test_booking_takes_the_session(self):
        session = self.session(hours_ago=-24)
        booking = self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": session.id}
        )
        self.assertEqual(booking.offering_id, self.spinning)
        self.assertEqual(booking.start, session.start)
        self.assertEqual(booking.stop, session.stop)
        self.assertEqual(booking.trainer_id, self.marco)
        self.assertEqual(session.seats_taken, 1)
        self.assertEqual(session.seats_available, 19)
        with self.assertRaises(UserError):
            booking.with_user(self.desk).write(
                {"start": session.start + timedelta(hours=1)}
            )

    def test_moving_a_session_moves_its_open_bookings(self):
        session = self.session(hours_ago=2)
        done = self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": session.id}
        )
        done.log_booking("completed")
        open_one = self.env["club.booking"].create(
            {"partner_id": self.other_member.id, "session_id": session.id}
        )
        new_start = session.start + timedelta(minutes=30)
        session.with_user(self.desk).write({"start": new_start})
        self.assertEqual(open_one.start, new_start)
        self.assertEqual(open_one.stop, session.stop)
        self.assertNotEqual(done.start, new_start)
        self.assertIn("Moved with its session", open_one.message_ids[0].body)

    def test_state_is_done_once_everything_is_logged(self):
        session = self.session()
        bookings = self.env["club.booking"].create(
            [
                {"partner_id": partner.id, "session_id": session.id}
                for partner in (self.member, self.other_member)
            ]
        )
        self.assertEqual(session.state, "scheduled")
        bookings[0].log_booking("completed")
        self.assertEqual(session.state, "scheduled")
        bookings[1].log_booking("no_show")
        self.assertEqual(session.state, "done")

    def test_name_says_the_club_time_whoever_creates_it(self):
        self.company.partner_id.tz = "Europe/Brussels"
        start = "2026-01-12 06:00:00"  # a Monday, 07:00 in Brussels (winter)
        for tz in ("UTC", "Asia/Tokyo"):
            with self.subTest(tz=tz):
                session = (
                    self.env["club.session"]
                    .with_context(tz=tz)
                    .create({"offering_id": self.spinning.id, "start": start})
                )
                self.assertEqual(session.name, "Spinning · Mon 07:00 · Marco")

"""The portal's Book in a READ COMMITTED transaction (controllers/
portal_booking_queue.py), on real database connections: a member makes the
booking without the session's lock and waits for it only to count the seats
again (club.session._seat_after_lock); when the one ahead commits, the member
sees that booking, finds the seat taken and is waitlisted, without the
serialization failure (and Odoo's random pause and retry) a REPEATABLE READ
transaction gets, and the session's stored counts are right; a request that
wrote something keeps its transaction. Everything committed here is deleted at
the end."""

import threading
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields

from odoo.addons.club_session_logoff.controllers.portal_booking_queue import (
    read_committed_if_untouched,
)

from .real_connections import RealConnectionCase


class TestPortalBookingQueue(RealConnectionCase):
    lock_timeout = "10s"

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create({"name": "Portal Queue Spin"})
            session = env["club.session"].create(
                {
                    "offering_id": offering.id,
                    "start": fields.Datetime.now() + timedelta(days=1),
                    "capacity": 2,
                }
            )
            members = env["res.partner"].create(
                [{"name": f"Portal Queuer {i}"} for i in range(3)]
            )
            credits = env["club.session.credit"].create(
                [
                    {"partner_id": member.id, "offering_type": "class", "is_paid": True}
                    for member in members
                ]
            )
            env["club.booking"].create(
                {"partner_id": members[0].id, "session_id": session.id}
            )
            self.addCleanup(
                self.delete_committed,
                session.ids,
                {
                    "club_session_credit": credits.ids,
                    "club_session": session.ids,
                    "club_offering": offering.ids,
                    "res_partner": members.ids,
                },
            )
        self.session_id = session.id
        self.member_ids = members.ids[1:]

    def book(self, env, member_id):
        session = env["club.session"].browse(self.session_id)
        return session._book_as_member(partner=env["res.partner"].browse(member_id))

    def isolation(self, cr):
        cr.execute("SHOW transaction_isolation")
        return cr.fetchone()[0]

    def test_the_member_waiting_for_the_lock_is_served_after_the_one_ahead(self):
        env_a, env_b = self.open_env(), self.open_env()
        ann, ben = self.member_ids
        # Both requests read before either books, as a request reads the
        # member and the session before its controller runs.
        for env in (env_a, env_b):
            self.assertEqual(
                env["club.session"].browse(self.session_id).seats_available, 1
            )
            self.assertEqual(self.isolation(env.cr), "repeatable read")
            self.assertTrue(read_committed_if_untouched(env.cr))
            self.assertEqual(self.isolation(env.cr), "read committed")
        env_b.cr.execute("SELECT pg_backend_pid()")
        pid_b = env_b.cr.fetchone()[0]

        self.assertEqual(self.book(env_a, ann).state, "booked")
        outcome = {}

        def member_b_books():
            try:
                booking = self.book(env_b, ben)
                outcome["state"] = booking.state
            except Exception as error:  # noqa: BLE001 - reported below
                outcome["error"] = error

        thread = threading.Thread(target=member_b_books)
        thread.start()
        query, wrote = self.wait_for_lock(pid_b)
        self.assertFalse(outcome, "member B waits for member A")
        # B made its booking without the lock, and waits for the count only
        # (club.session._seat_after_lock).
        self.assertIn("FOR NO KEY UPDATE", query)
        self.assertTrue(wrote)
        env_a.cr.commit()
        thread.join(20)
        self.assertFalse(thread.is_alive())
        # Served at once when A committed: no serialization failure to retry,
        # and B, which had counted a free seat before A's commit, counted
        # again and was waitlisted.
        self.assertEqual(outcome, {"state": "waitlisted"})
        env_b.cr.commit()

        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT partner_id, state FROM club_booking "
                "WHERE session_id = %s ORDER BY id",
                [self.session_id],
            )
            rows = cr.fetchall()
            cr.execute(
                "SELECT seats_taken, waitlist_count FROM club_session WHERE id = %s",
                [self.session_id],
            )
            seats = cr.fetchone()
        self.assertEqual(rows[1:], [(ann, "booked"), (ben, "waitlisted")])
        self.assertEqual(seats, (2, 1))

    def test_a_seat_taken_after_the_member_counted_it_waitlists(self):
        """B counts a free seat; A takes it and commits before B books: B's
        booking finds the seat taken and B is waitlisted, not refused."""
        env_a, env_b = self.open_env(), self.open_env()
        ann, ben = self.member_ids
        for env in (env_a, env_b):
            self.assertTrue(read_committed_if_untouched(env.cr))
        Session = type(env_b["club.session"])
        check = Session._check_member_may_book
        counted, go = threading.Event(), threading.Event()

        def check_then_pause(session, partner, now):
            check(session, partner, now)
            if session.env.cr is env_b.cr:
                self.assertEqual(session.seats_available, 1)
                counted.set()
                go.wait(20)

        outcome = {}

        def member_b_books():
            try:
                outcome["state"] = self.book(env_b, ben).state
            except Exception as error:  # noqa: BLE001 - reported below
                outcome["error"] = error

        with patch.object(Session, "_check_member_may_book", check_then_pause):
            thread = threading.Thread(target=member_b_books)
            thread.start()
            self.assertTrue(counted.wait(20))
            self.assertEqual(self.book(env_a, ann).state, "booked")
            env_a.cr.commit()
            go.set()
            thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertEqual(outcome, {"state": "waitlisted"})
        env_b.cr.commit()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT seats_taken, waitlist_count FROM club_session WHERE id = %s",
                [self.session_id],
            )
            self.assertEqual(cr.fetchone(), (2, 1))

    def test_a_request_that_wrote_keeps_its_transaction(self):
        env = self.open_env()
        member = env["res.partner"].browse(self.member_ids[0])
        member.ref = "Written by this request"
        self.assertFalse(read_committed_if_untouched(env.cr))
        self.assertEqual(self.isolation(env.cr), "repeatable read")
        env.invalidate_all()
        self.assertEqual(member.ref, "Written by this request")
        env.cr.rollback()

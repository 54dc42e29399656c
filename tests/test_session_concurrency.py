"""Two front desks booking the last seat of a session at the same moment, on real
database connections: committed rows and row locks that other transactions see.
Everything created here is committed, then deleted at the end of the test."""

import threading
from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError

from .real_connections import RealConnectionCase


class TestLastSeatRace(RealConnectionCase):
    lock_timeout = "10s"

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create({"name": "Race Spin"})
            session = env["club.session"].create(
                {
                    "offering_id": offering.id,
                    "start": fields.Datetime.now() + timedelta(days=2),
                    "capacity": 2,
                }
            )
            members = env["res.partner"].create(
                [{"name": f"Racer {i}"} for i in range(3)]
            )
            env["club.booking"].create(
                {"partner_id": members[0].id, "session_id": session.id}
            )
            self.addCleanup(
                self.delete_committed,
                session.ids,
                {
                    "club_session": session.ids,
                    "club_offering": offering.ids,
                    "res_partner": members.ids,
                },
            )
        self.session_id = session.id
        self.member_ids = members.ids[1:]

    def book(self, env, member_id):
        return env["club.booking"].create(
            {"partner_id": member_id, "session_id": self.session_id}
        )

    def test_two_desks_book_the_last_seat_at_once(self):
        desk_a, desk_b = self.open_env(), self.open_env()
        ann, ben = self.member_ids
        # Both desks have the session on screen: its one free seat.
        for env in (desk_a, desk_b):
            self.assertEqual(
                env["club.session"].browse(self.session_id).seats_available, 1
            )
        desk_b.cr.execute("SELECT pg_backend_pid()")
        pid_b = desk_b.cr.fetchone()[0]

        # Desk A books Ann: the session's row is locked until A commits.
        self.book(desk_a, ann)
        outcome = {}

        def desk_b_books():
            try:
                # Nothing muted: the expected failure is not logged as an error.
                outcome["booking"] = self.book(desk_b, ben)
            except Exception as error:  # noqa: BLE001 - reported below
                outcome["error"] = error

        thread = threading.Thread(target=desk_b_books)
        thread.start()
        self.wait_for_lock(pid_b)
        self.assertFalse(outcome, "desk B waits for desk A")
        desk_a.cr.commit()
        thread.join(20)
        self.assertFalse(thread.is_alive())

        # Desk B's transaction read the session before A's commit: it cannot
        # take the seat. Odoo runs such a request again (serialization
        # failure); the second time it finds the session full.
        self.assertNotIn("booking", outcome)
        self.assertIsInstance(outcome["error"], errors.SerializationFailure)
        desk_b.cr.rollback()
        desk_b.invalidate_all()
        with self.assertRaisesRegex(UserError, "is full"):
            self.book(desk_b, ben)
        desk_b.cr.rollback()

        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT partner_id, state FROM club_booking "
                "WHERE session_id = %s ORDER BY id",
                [self.session_id],
            )
            rows = cr.fetchall()
            cr.execute(
                "SELECT seats_taken, seats_available FROM club_session WHERE id = %s",
                [self.session_id],
            )
            seats = cr.fetchone()
        self.assertEqual(rows[1:], [(ann, "booked")], "exactly one got the seat")
        self.assertEqual(len(rows), 2)
        self.assertEqual(seats, (2, 0))

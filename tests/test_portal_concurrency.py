"""Two members taking the last seat of a session in the portal at the same
moment, on real database connections: exactly one booked, the other one
waitlisted (Odoo runs the second request again after its serialization
failure, and it finds the session full). Everything created here is
committed, then deleted at the end of the test."""

import threading
from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields

from .real_connections import RealConnectionCase


class TestPortalLastSeatRace(RealConnectionCase):
    lock_timeout = "10s"

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create({"name": "Portal Race Spin"})
            session = env["club.session"].create(
                {
                    "offering_id": offering.id,
                    "start": fields.Datetime.now() + timedelta(days=1),
                    "capacity": 2,
                }
            )
            members = env["res.partner"].create(
                [{"name": f"Portal Racer {i}"} for i in range(3)]
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

    def test_two_members_take_the_last_seat_at_once(self):
        env_a, env_b = self.open_env(), self.open_env()
        ann, ben = self.member_ids
        for env in (env_a, env_b):
            self.assertEqual(
                env["club.session"].browse(self.session_id).seats_available, 1
            )
        env_b.cr.execute("SELECT pg_backend_pid()")
        pid_b = env_b.cr.fetchone()[0]

        booking_a = self.book(env_a, ann)
        self.assertEqual(booking_a.state, "booked")
        outcome = {}

        def member_b_books():
            try:
                outcome["booking"] = self.book(env_b, ben)
            except Exception as error:  # noqa: BLE001 - reported below
                outcome["error"] = error

        thread = threading.Thread(target=member_b_books)
        thread.start()
        self.wait_for_lock(pid_b)
        self.assertFalse(outcome, "member B waits for member A")
        env_a.cr.commit()
        thread.join(20)
        self.assertFalse(thread.is_alive())

        # B read the session before A's commit: a serialization failure, and
        # Odoo runs the request again (odoo.service.model.retrying).
        self.assertNotIn("booking", outcome)
        self.assertIsInstance(outcome["error"], errors.SerializationFailure)
        env_b.cr.rollback()
        env_b.invalidate_all()
        booking_b = self.book(env_b, ben)
        self.assertEqual(booking_b.state, "waitlisted")
        env_b.cr.commit()

        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT partner_id, state, credit_id IS NOT NULL FROM club_booking "
                "WHERE session_id = %s ORDER BY id",
                [self.session_id],
            )
            rows = cr.fetchall()
            cr.execute(
                "SELECT seats_taken, waitlist_count FROM club_session WHERE id = %s",
                [self.session_id],
            )
            seats = cr.fetchone()
        self.assertEqual(rows[1:], [(ann, "booked", True), (ben, "waitlisted", False)])
        self.assertEqual(seats, (2, 1))

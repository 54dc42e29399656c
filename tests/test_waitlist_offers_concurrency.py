"""Waitlist offers on real connections: two Take the seat at once, or Take the
seat racing the lapse run, give one outcome; the second waits for the session's
lock, then fails to serialize (Odoo runs the request again) and, run again,
finds the offer taken or lapsed."""

import threading
from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError

from .real_connections import RealConnectionCase


class TestOfferRaces(RealConnectionCase):
    lock_timeout = "10s"

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            self.former_minutes = company.club_waitlist_offer_minutes
            company.club_waitlist_offer_minutes = 30
            offering = env["club.offering"].create(
                {"name": "Offer Race Spin", "late_cancel_hours": 12}
            )
            session = env["club.session"].create(
                {
                    "offering_id": offering.id,
                    "start": fields.Datetime.now() + timedelta(hours=5),
                    "capacity": 1,
                }
            )
            ann, ben = env["res.partner"].create(
                [{"name": "Offer Racer Ann"}, {"name": "Offer Racer Ben"}]
            )
            credit = env["club.session.credit"].create(
                {"partner_id": ben.id, "offering_type": "class", "is_paid": True}
            )
            Booking = env["club.booking"]
            seated = Booking.create({"partner_id": ann.id, "session_id": session.id})
            waiting = Booking.create(
                {"partner_id": ben.id, "session_id": session.id, "state": "waitlisted"}
            )
            seated.cancel_booking()
            self.assertTrue(waiting.offer_expires_at)
            self.addCleanup(
                self.delete_committed,
                session.ids,
                {
                    "club_session_credit": credit.ids,
                    "club_session": session.ids,
                    "club_offering": offering.ids,
                    "res_partner": [ann.id, ben.id],
                },
            )
            self.addCleanup(self.restore_offer_minutes)
        self.session_id = session.id
        self.booking_id = waiting.id

    def restore_offer_minutes(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.company.club_waitlist_offer_minutes = self.former_minutes

    # ------------------------------------------------------------------
    def accept(self, env):
        return env["club.booking"].browse(self.booking_id)._accept_offer()

    def lapse(self, env):
        """What the lapse run does at the offer's end (its clock passed in)."""
        session = env["club.session"].browse(self.session_id)
        expires = env["club.booking"].browse(self.booking_id).offer_expires_at
        session._lock()
        return session._lapse_offers(expires)

    def pid(self, env):
        env.cr.execute("SELECT pg_backend_pid()")
        return env.cr.fetchone()[0]

    def race(self, first, second):
        """``first`` runs (not committed), ``second`` starts meanwhile and waits
        for the lock; ``first`` commits. Returns the second's env and what it
        raised."""
        env_a, env_b = self.open_env(), self.open_env()
        # Both read the offer before either acts (their snapshots).
        for env in (env_a, env_b):
            self.assertTrue(env["club.booking"].browse(self.booking_id).offer_open)
        pid_b = self.pid(env_b)
        first(env_a)
        outcome = {}

        def run_second():
            try:
                outcome["result"] = second(env_b)
            except Exception as error:  # noqa: BLE001 - reported below
                outcome["error"] = error

        thread = threading.Thread(target=run_second)
        thread.start()
        self.wait_for_lock(pid_b)
        self.assertFalse(outcome, "the second waits for the first")
        env_a.cr.commit()
        thread.join(20)
        self.assertFalse(thread.is_alive())
        self.assertNotIn("result", outcome)
        self.assertIsInstance(outcome["error"], errors.SerializationFailure)
        env_b.cr.rollback()
        env_b.invalidate_all()
        return env_b

    def rows(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, credit_id IS NOT NULL, offer_expires_at IS NOT NULL "
                "FROM club_booking WHERE id = %s",
                [self.booking_id],
            )
            booking = cr.fetchone()
            cr.execute(
                "SELECT count(*) FROM mail_message WHERE model = 'club.booking' "
                "AND res_id = %s AND body LIKE %s",
                [self.booking_id, "%promoted from the waitlist to booked%"],
            )
            return booking, cr.fetchone()[0]

    def test_two_accepts_at_once(self):
        env_b = self.race(self.accept, self.accept)
        # Run again (Odoo's retry): the seat is taken already, by this member.
        with self.assertRaisesRegex(UserError, "already"):
            self.accept(env_b)
        env_b.cr.rollback()
        self.assertEqual(self.rows(), (("booked", True, False), 1))

    def test_an_accept_racing_the_lapse_run(self):
        env_b = self.race(self.accept, self.lapse)
        # Run again: nothing left to lapse.
        self.assertFalse(self.lapse(env_b))
        env_b.cr.commit()
        self.assertEqual(self.rows(), (("booked", True, False), 1))

    def test_the_lapse_run_racing_an_accept(self):
        env_b = self.race(self.lapse, self.accept)
        with self.assertRaisesRegex(UserError, "no longer open"):
            self.accept(env_b)
        env_b.cr.rollback()
        self.assertEqual(self.rows(), (("cancelled", False, False), 0))

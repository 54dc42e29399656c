"""Two runs of the scheduled action at once, and staff logging meanwhile, on real
database connections: committed rows and row locks that other transactions see.
Everything created here is committed, then deleted at the end of the test."""

from datetime import timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from odoo.addons.club_session_logoff.models.club_unlogged_job import (
    POLICIES,
    RunContext,
)

from .real_connections import RealConnectionCase

MODELS = ("club.booking", "club.session.credit")


class TestUnloggedConcurrency(RealConnectionCase):
    def setUp(self):
        super().setUp()
        self.created = {}
        self.addCleanup(self.delete_created)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create({"name": "Concurrency Spin"})
            members = env["res.partner"].create(
                [{"name": f"Concurrent {i}"} for i in range(4)]
            )
            credits = env["club.session.credit"].create(
                [{"partner_id": m.id, "is_paid": True} for m in members]
            )
            # Long ago, so that the runs below (at self.run_at) see these
            # bookings only, not the demo club's: they commit.
            start = fields.Datetime.now() - timedelta(days=1000)
            self.run_at = start + timedelta(days=2)
            bookings = env["club.booking"].create(
                [
                    {
                        "partner_id": m.id,
                        "offering_id": offering.id,
                        "start": start + timedelta(minutes=i),
                    }
                    for i, m in enumerate(members)
                ]
            )
            self.assertEqual(bookings.credit_id, credits)
            self.created = {
                "club_booking": bookings.ids,
                "club_session_credit": credits.ids,
                "club_offering": offering.ids,
                "res_partner": members.ids,
            }
            self.company_id = offering.company_id.id
            cr.execute(
                "SELECT array_agg(id ORDER BY id) FROM club_booking "
                "WHERE state = 'booked' AND start < %s",
                [self.run_at],
            )
            self.assertEqual(cr.fetchone()[0], bookings.ids)

    def delete_created(self):
        if not self.created:
            return
        with self.registry.cursor() as cr:
            for model, table in zip(
                MODELS, ("club_booking", "club_session_credit"), strict=True
            ):
                ids = self.created[table]
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
                cr.execute(
                    "DELETE FROM mail_followers "
                    "WHERE res_model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
            for table in (
                "club_booking",
                "club_session_credit",
                "club_offering",
                "res_partner",
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE id = ANY(%s)",
                        SQL.identifier(table),
                        self.created[table],
                    )
                )

    def auto_log_step(self, env):
        """The scheduled action's "complete after 1 day" step, for our rows only."""
        company = env["res.company"].browse(self.company_id)
        runner = env["club.unlogged.job"].sudo().with_company(company)
        run = RunContext(company, env.user, pytz.utc, self.run_at, None, days=1)
        batch, _remaining = runner._step_auto_log(run, POLICIES[0])
        return runner, batch

    def test_two_runs_and_staff_at_once(self):
        b1, b2, b3, b4 = self.created["club_booking"]
        # Staff are logging b1 (its row is locked, not committed yet).
        staff = self.open_env()
        staff["club.booking"].browse(b1)._lock_rows()
        # A first run has taken its batch (b2, b3) and is working on it.
        run_a = self.open_env()
        run_a.cr.execute(
            "SELECT id FROM club_booking WHERE id = ANY(%s) ORDER BY id "
            "FOR UPDATE SKIP LOCKED LIMIT 2",
            [[b1, b2, b3, b4]],
        )
        batch_a = run_a["club.booking"].browse([row[0] for row in run_a.cr.fetchall()])
        self.assertEqual(batch_a.ids, [b2, b3])

        # A second run goes through everything, committing: it skips what the
        # others hold.
        run_b = self.open_env()
        runner, batch = self.auto_log_step(run_b)
        done = {}
        runner._run_batches(batch, None, done)
        self.assertEqual(done, {"completed": 1})

        # The first run ends its batch, staff log theirs, a third run finds
        # nothing left.
        batch_a._apply_outcome("completed", note="run A", source="auto")
        run_a.cr.commit()
        staff["club.booking"].browse(b1)._apply_outcome("no_show", source="staff")
        staff.cr.commit()
        run_c = self.open_env()
        runner, batch = self.auto_log_step(run_c)
        done = {}
        runner._run_batches(batch, None, done)
        self.assertEqual(done, {"completed": 0})

        check = self.open_env()
        bookings = check["club.booking"].browse([b1, b2, b3, b4])
        self.assertEqual(bookings.mapped("state"), ["no_show"] + ["completed"] * 3)
        self.assertEqual(bookings.mapped("log_source"), ["staff"] + ["auto"] * 3)
        for booking in bookings:
            lines = booking.message_ids.filtered(lambda m: "Logged as" in m.body)
            self.assertEqual(len(lines), 1, booking.name)
        credits = check["club.session.credit"].browse(
            self.created["club_session_credit"]
        )
        self.assertEqual(credits.mapped("state"), ["lost"] + ["used"] * 3)
        self.assertEqual(bookings.credit_id, credits)

    def test_two_transactions_never_hand_out_one_credit_twice(self):
        """Credits are locked as they are given: a second transaction picking a
        credit for the same member meanwhile gets another one, or none."""
        member = self.open_env()["res.partner"].browse(self.created["res_partner"][0])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            spare = env["club.session.credit"].create(
                {"partner_id": member.id, "is_paid": True}
            )
            self.created["club_session_credit"].append(spare.id)
            later = env["club.booking"].create(
                {
                    "partner_id": member.id,
                    "offering_id": self.created["club_offering"][0],
                    "start": fields.Datetime.now() + timedelta(days=3),
                }
            )
            self.created["club_booking"].append(later.id)
            self.assertEqual(later.credit_id, spare)
            # Free the spare again, for the two transactions below.
            later.sudo().write({"credit_id": False})
        first, second = self.open_env(), self.open_env()
        booking_1 = first["club.booking"].browse(later.id)
        booking_2 = second["club.booking"].browse(later.id)
        got_1 = first["club.session.credit"]._allocate(booking_1)
        got_2 = second["club.session.credit"]._allocate(booking_2)
        self.assertEqual(got_1.get(booking_1).id, spare.id)
        self.assertFalse(got_2, "the only free credit is being handed out already")

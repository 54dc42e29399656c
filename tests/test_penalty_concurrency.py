"""Two runs of the penalty invoicing at once, and the front desk meanwhile, on real
database connections: committed rows and row locks that other transactions see.
Everything created here is committed, then deleted at the end of the test."""

from datetime import timedelta
from unittest.mock import patch

import pytz

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from .penalty_common import PENALTY_JOB
from .real_connections import RealConnectionCase

DOCUMENTS = ("account.move", "club.penalty", "club.booking")


class TestPenaltyConcurrency(RealConnectionCase):
    def setUp(self):
        super().setUp()
        self.created = {}
        self.addCleanup(self.delete_created)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create(
                {"name": "Concurrency Spin", "no_show_fee": 9.0}
            )
            members = env["res.partner"].create(
                [
                    {"name": f"Concurrent {i}", "email": f"concurrent{i}@example.com"}
                    for i in range(4)
                ]
            )
            start = fields.Datetime.now() - timedelta(days=1000)
            bookings = env["club.booking"].create(
                [
                    {
                        "partner_id": member.id,
                        "offering_id": offering.id,
                        "start": start + timedelta(minutes=i),
                    }
                    for i, member in enumerate(members)
                ]
            )
            bookings._apply_outcome("no_show", source="staff")
            penalties = bookings.penalty_ids.sorted(lambda p: p.partner_id.id)
            self.assertEqual(len(penalties), 4)
            # Their grace period is over.
            penalties.write({"grace_end": fields.Datetime.now() - timedelta(hours=1)})
            self.created = {
                "penalties": penalties.ids,
                "bookings": bookings.ids,
                "offering": offering.id,
                "members": members.ids,
            }
            self.company_id = offering.company_id.id

    def delete_created(self):
        if not self.created:
            return
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM account_move WHERE partner_id = ANY(%s)",
                [self.created["members"]],
            )
            moves = [row[0] for row in cr.fetchall()]
            for model, ids in zip(
                DOCUMENTS,
                (moves, self.created["penalties"], self.created["bookings"]),
                strict=True,
            ):
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
                cr.execute(
                    "DELETE FROM mail_followers "
                    "WHERE res_model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
            for table, ids in (
                ("account_move", moves),
                ("club_penalty", self.created["penalties"]),
                ("club_booking", self.created["bookings"]),
                ("club_offering", [self.created["offering"]]),
                ("res_partner", self.created["members"]),
            ):
                cr.execute(
                    SQL("DELETE FROM %s WHERE id = ANY(%s)", SQL.identifier(table), ids)
                )

    def job(self, env):
        company = env["res.company"].browse(self.company_id)
        return env["club.penalty.job"].sudo().with_company(company), company

    def check_invoiced_once(self):
        """Each invoiced penalty is on one invoice line, its member has one
        invoice, queued for sending."""
        env = self.open_env()
        penalties = env["club.penalty"].browse(self.created["penalties"])
        for penalty in penalties.filtered(lambda p: p.state == "invoiced"):
            invoices = env["account.move"].search(
                [("partner_id", "=", penalty.partner_id.id)]
            )
            self.assertEqual(invoices, penalty.invoice_id)
            self.assertEqual(invoices.invoice_line_ids, penalty.invoice_line_id)
            self.assertEqual(invoices.invoice_line_ids.club_penalty_id, penalty)
            # Queued once for Odoo's sending.
            self.assertTrue(invoices.sending_data)
        return penalties

    def test_two_runs_and_the_front_desk_at_once(self):
        p1, p2, p3, p4 = self.created["penalties"]
        # The front desk is waiving p1 (its row is locked, not committed yet).
        desk = self.open_env()
        desk_penalty = desk["club.penalty"].browse(p1)._lock_rows()
        # A first run has taken its batch (p2, p3) and is working on it.
        run_a = self.open_env()
        run_a.cr.execute(
            "SELECT id FROM club_penalty WHERE id = ANY(%s) ORDER BY id "
            "FOR UPDATE SKIP LOCKED LIMIT 2",
            [[p1, p2, p3, p4]],
        )
        batch_a = run_a["club.penalty"].browse([row[0] for row in run_a.cr.fetchall()])
        self.assertEqual(batch_a.ids, [p2, p3])

        # A second run goes through everything, committing batch by batch: it
        # skips what the others hold.
        run_b = self.open_env()
        job_b, company = self.job(run_b)
        with patch(f"{PENALTY_JOB}.BATCH_MEMBERS", 1):
            summary = job_b._run(company)
        self.assertEqual((summary["invoiced"], summary["invoices"]), (1, 1))

        # The first run ends its batch, the desk its waiver; a third run finds
        # nothing left.
        job_a, company_a = self.job(run_a)
        job_a._invoice(
            batch_a,
            company_a._club_penalty_product(),
            fields.Date.today(),
            pytz.timezone("UTC"),
        )
        run_a.cr.commit()
        desk_penalty.action_waive("Doctor note")
        desk.cr.commit()
        run_c = self.open_env()
        job_c, company_c = self.job(run_c)
        self.assertEqual(job_c._run(company_c)["invoiced"], 0)

        penalties = self.check_invoiced_once()
        self.assertEqual(
            penalties.mapped("state"), ["waived", "invoiced", "invoiced", "invoiced"]
        )
        self.assertEqual(len(penalties.invoice_id), 3)

    def test_a_run_that_meets_another_runs_commit_starts_its_batch_again(self):
        p1, p2, _p3, _p4 = self.created["penalties"]
        # Run B's snapshot is taken before run A commits.
        run_b = self.open_env()
        run_b.cr.execute("SELECT count(*) FROM club_penalty")
        run_a = self.open_env()
        job_a, company = self.job(run_a)
        batch_a = run_a["club.penalty"].browse([p1, p2])
        job_a._invoice(
            batch_a,
            company._club_penalty_product(),
            fields.Date.today(),
            pytz.timezone("UTC"),
        )
        run_a.cr.commit()
        # B still sees p1 and p2 pending; locking them fails (concurrent
        # update): its batch starts again on a new snapshot, without them.
        job_b, company_b = self.job(run_b)
        with patch(f"{PENALTY_JOB}.BATCH_MEMBERS", 10):
            summary = job_b._run(company_b)
        self.assertEqual((summary["invoiced"], summary["invoices"]), (2, 2))
        penalties = self.check_invoiced_once()
        self.assertEqual(set(penalties.mapped("state")), {"invoiced"})
        self.assertEqual(len(penalties.invoice_id), 4)

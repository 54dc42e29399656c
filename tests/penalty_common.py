"""Shared set-up of the penalty tests: offerings with fees, a club with a
no-show policy, and the invoicing job's runs with simulated commits."""

from datetime import datetime, timedelta

from odoo import fields

from .batch_commits import KilledRun, SimulatedCommitsMixin  # noqa: F401
from .common import ClubCase

PENALTY_JOB = "odoo.addons.club_session_logoff.models.club_penalty_job"
# A Tuesday, 18:00 UTC.
T0 = datetime(2026, 3, 10, 18, 0, 0)


class PenaltyCase(SimulatedCommitsMixin, ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Penalty = cls.env["club.penalty"]
        cls.company.write(
            {
                "club_penalty_grace_hours": 24,
                "club_forgive_count": 0,
                "club_forgive_days": 30,
            }
        )
        cls.spinning.no_show_fee = 10.0
        cls.yoga.write({"no_show_fee": 15.0, "late_cancel_fee": 7.5})
        cls.member.email = "mia@example.com"
        cls.other_member.email = "otto@example.com"
        cls.fee_product = cls.env.ref("club_session_logoff.product_club_penalty_fee")
        cls.logger = cls.loggers["class_session"]

    def setUp(self):
        super().setUp()
        self.simulate_batch_commits("club.penalty.job")

    def book_at(self, start, offering=None, partner=None, **vals):
        return self.env["club.booking"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": (offering or self.spinning).id,
                "start": start,
                **vals,
            }
        )

    def no_show(self, bookings, user=None):
        bookings.with_user(user or self.logger).log_booking("no_show")
        return bookings.penalty_ids

    def no_show_at(self, start, offering=None, partner=None):
        """A booking of ``start`` logged as a no-show an hour later."""
        booking = self.book_at(start, offering, partner)
        return self.no_show(booking)

    def run_invoicing(self, companies=None):
        return self.env["club.penalty.job"]._run(companies or self.company)

    def notes(self, record):
        return record.message_ids.mapped("body")

    def queued_mails(self, invoice):
        return self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
        )

    @staticmethod
    def hours(n):
        return timedelta(hours=n)

    @staticmethod
    def today():
        return fields.Date.today()

"""In Chromium, a member in the portal pages through the timetable, books a
session, joins a waitlist, cancels late after reading the consequence, then
pays the fee's invoice online with Odoo's demo payment provider in test mode
(payment_demo, which scripts/test.sh installs in the test database)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .batch_commits import SimulatedCommitsMixin


@tagged("post_install", "-at_install")
class TestPortalTour(SimulatedCommitsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "club_booking_open_days": 14,
                "club_max_open_bookings": 0,
                "club_portal_unpaid": False,
                "club_forgive_count": 0,
                "club_penalty_grace_hours": 0,
                "club_strike_count": 0,
            }
        )
        now = fields.Datetime.now()
        spin = cls.env["club.offering"].create(
            {
                "name": "Tour Spin",
                "offering_type": "class",
                "late_cancel_hours": 24,
                "late_cancel_fee": 12.0,
            }
        )
        yoga = cls.env["club.offering"].create(
            {"name": "Tour Yoga", "offering_type": "class"}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Tour Portal Member", "email": "tour.member@example.com"}
        )
        other = cls.env["res.partner"].create({"name": "Tour Early Bird"})
        new_test_user(
            cls.env,
            login="tour_portal_member",
            groups="base.group_portal",
            partner_id=cls.member.id,
        )
        Session = cls.env["club.session"]
        # The timetable is the tour's own (its pages depend on how many
        # sessions each day holds): the demo club's sessions to come are off.
        Session.search(
            [("company_id", "=", cls.company.id), ("start", ">", now)]
        ).write({"is_cancelled": True})
        cls.spin_session = Session.create(
            {"offering_id": spin.id, "start": now + timedelta(hours=3), "capacity": 10}
        )
        cls.yoga_session = Session.create(
            {"offering_id": yoga.id, "start": now + timedelta(days=2), "capacity": 1}
        )
        # Ten days ahead: more than a week after the first page's first day,
        # on the next page.
        pilates = cls.env["club.offering"].create(
            {"name": "Tour Pilates", "offering_type": "class"}
        )
        Session.create({"offering_id": pilates.id, "start": now + timedelta(days=10)})
        cls.env["club.session.credit"].create(
            [
                {"partner_id": partner.id, "offering_type": "class", "is_paid": True}
                for partner in (cls.member, cls.member, other)
            ]
        )
        cls.env["club.booking"].create(
            {"partner_id": other.id, "session_id": cls.yoga_session.id}
        )
        cls.provider = cls.env.ref("payment.payment_provider_demo", False)
        if cls.provider:
            cls.provider.write({"state": "test", "is_published": True})

    def setUp(self):
        super().setUp()
        self.simulate_batch_commits("club.penalty.job")

    def test_member_books_waits_cancels_late_and_pays(self):
        self.start_tour(
            "/my/club/sessions", "club_portal_member_tour", login="tour_portal_member"
        )
        Booking = self.env["club.booking"]
        spin = Booking.search(
            [
                ("partner_id", "=", self.member.id),
                ("session_id", "=", self.spin_session.id),
            ]
        )
        waiting = Booking.search(
            [
                ("partner_id", "=", self.member.id),
                ("session_id", "=", self.yoga_session.id),
            ]
        )
        self.assertEqual(spin.state, "late_cancel")
        self.assertEqual(spin.log_source, "member")
        self.assertEqual(spin.credit_id.state, "lost")
        self.assertEqual(waiting.state, "waitlisted")
        penalty = spin.penalty_ids
        self.assertEqual((penalty.state, penalty.amount), ("pending", 12.0))

        # The club's scheduled action invoices it (no grace period here).
        self.env["club.penalty.job"]._run(self.company)
        self.assertEqual(penalty.state, "invoiced")
        invoice = penalty.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.payment_state, "not_paid")

        if not self.env["ir.module.module"].search(
            [("name", "=", "payment_demo"), ("state", "=", "installed")]
        ):
            self.skipTest("payment_demo is not installed (scripts/test.sh installs it)")
        self.start_tour(
            "/my/invoices", "club_portal_pay_fee_tour", login="tour_portal_member"
        )
        self.env.invalidate_all()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(
            self.member.id in self.env["res.partner"]._club_past_due_partner_ids()
        )

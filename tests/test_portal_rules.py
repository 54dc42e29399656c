"""What a member (a portal user) reads through the ORM: their own bookings,
credits and penalties, their club's scheduled sessions and offerings; nothing
else, and writes nothing."""

from datetime import timedelta

from odoo.exceptions import AccessError

from .portal_common import PortalCase


class TestPortalRules(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spinning.late_cancel_fee = 5.0
        cls.spinning.late_cancel_hours = 48
        cls.session = cls.session_in(timedelta(days=1))
        cls.give_credit()
        cls.give_credit(partner=cls.other_member)
        Booking = cls.env["club.booking"]
        cls.mine = Booking.create(
            {"partner_id": cls.member.id, "session_id": cls.session.id}
        )
        cls.theirs = Booking.create(
            {"partner_id": cls.other_member.id, "session_id": cls.session.id}
        )
        (cls.mine | cls.theirs).with_user(cls.desk).cancel_booking()
        other_company = cls.env["res.company"].create({"name": "Far Club"})
        cls.foreign_offering = cls.env["club.offering"].create(
            {"name": "Far Spin", "company_id": other_company.id}
        )
        cls.foreign = cls.session_in(timedelta(days=1), offering=cls.foreign_offering)
        cls.done = cls.session_in(-timedelta(days=2))
        cls.done.sudo().write({"is_cancelled": True})

    def as_mia(self, model):
        return self.env[model].with_user(self.mia)

    def test_own_records_only(self):
        self.assertEqual(self.as_mia("club.booking").search([]), self.mine)
        self.assertEqual(
            self.as_mia("club.session.credit").search([]),
            self.env["club.session.credit"].search(
                [("partner_id", "=", self.member.id)]
            ),
        )
        self.assertEqual(self.as_mia("club.penalty").search([]), self.mine.penalty_ids)
        self.assertTrue(self.mine.penalty_ids)
        sessions = self.as_mia("club.session").search([])
        self.assertIn(self.session, sessions)
        self.assertNotIn(self.foreign, sessions)
        self.assertNotIn(self.done, sessions)
        offerings = self.as_mia("club.offering").search([])
        self.assertIn(self.spinning, offerings)
        self.assertNotIn(self.foreign_offering, offerings)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.mia).read(["name"])
        with self.assertRaises(AccessError):
            self.theirs.penalty_ids.with_user(self.mia).read(["amount"])

    def test_nothing_else(self):
        for model in ("club.checkin", "club.attendance.report", "club.member.risk"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.as_mia(model).search([])

    def test_writes_nothing_directly(self):
        booked = self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "session_id": self.session_in(timedelta(days=3)).id,
            }
        )
        with self.assertRaises(AccessError):
            booked.with_user(self.mia).write({"log_note": "mine"})
        with self.assertRaises(AccessError):
            booked.with_user(self.mia).cancel_booking()
        with self.assertRaises(AccessError):
            self.as_mia("club.booking").create(
                {"partner_id": self.member.id, "session_id": self.session.id}
            )
        with self.assertRaises(AccessError):
            self.mine.credit_id.with_user(self.mia).unlink()
        with self.assertRaises(AccessError):
            self.session.with_user(self.mia).write({"capacity": 100})

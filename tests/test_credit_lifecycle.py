"""A credit's state moves only through its lifecycle, and one matching rule (with
its expiry rule) decides which credit may pay for which booking, in every path."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .common import ClubCase


class TestCreditLifecycle(ClubCase):
    def test_nobody_edits_a_credit_state(self):
        credit = self.credit()
        for user in (self.manager, self.desk):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                credit.with_user(user).write({"state": "used"})
        self.assertEqual(credit.state, "available")

    def test_moves_outside_the_lifecycle_are_refused(self):
        credit = self.credit()
        credit._mark_expired()
        self.assertEqual(credit.state, "expired")
        for move in (credit._mark_used, credit._mark_lost, credit._mark_available):
            with self.subTest(move=move.__name__), self.assertRaises(UserError):
                move()
        credit._mark_refunded()
        self.assertEqual(credit.state, "refunded")
        self.assertFalse(credit.is_paid)
        with self.assertRaises(UserError):
            credit._mark_refunded()

    def test_a_credit_expired_by_the_booking_day_never_pays_for_it(self):
        today = fields.Date.context_today(self.env["club.booking"])
        # Expires the day before the booking: never taken, in any path.
        credit = self.credit(expiry_date=today + timedelta(days=2))
        late = self.book(hours_ago=-24 * 4)
        self.assertFalse(late.credit_id)
        # Tied by hand (superuser): the constraint refuses it.
        with self.assertRaises(ValidationError):
            late.sudo().write({"credit_id": credit.id})
        # A booking on its last day takes it; moved past that day, it lets it go.
        booking = self.book(hours_ago=-24)
        self.assertEqual(booking.credit_id, credit)
        booking.with_user(self.desk).write({"start": late.start})
        self.assertFalse(booking.credit_id)
        self.assertEqual(credit.state, "available")
        self.assertFalse(credit.booking_id)

    def test_pay_off_respects_the_expiry_date(self):
        today = fields.Date.context_today(self.env["club.booking"])
        old = self.book(hours_ago=24 * 5)
        recent = self.book(hours_ago=2)
        (old | recent).log_booking("completed")
        credit = self.credit(expiry_date=today - timedelta(days=1))
        # Expired before the recent booking's day: it pays the old one only.
        self.assertEqual(credit.booking_id, old)
        self.assertFalse(recent.is_paid)

    def test_domain_sql_and_check_agree(self):
        """The three renderings of the one matching rule pick the same pairs."""
        today = fields.Date.context_today(self.env["club.booking"])
        credits = (
            self.credit()
            | self.credit(offering_id=self.yoga.id)
            | self.credit(offering_type="service")
            | self.credit(partner=self.other_member)
            | self.credit(expiry_date=today - timedelta(days=3))
        )
        bookings = (
            self.book(self.spinning)
            | self.book(self.yoga, hours_ago=24 * 5)
            | self.book(self.training)
            | self.book(self.spinning, partner=self.other_member)
        )
        Credit = self.env["club.session.credit"]
        by_check = {
            (c.id, b.id) for c in credits for b in bookings if c._fits_booking(b)
        }
        by_domain = {
            (c.id, b.id)
            for c in credits
            for b in bookings.filtered_domain(c._fit_booking_domain())
        }
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, b.id FROM club_session_credit c, club_booking b
                  JOIN club_offering o ON o.id = b.offering_id
                 WHERE c.id = ANY(%s) AND b.id = ANY(%s) AND %s
                """,
                credits.ids,
                bookings.ids,
                Credit._fit_sql("c"),
            )
        )
        by_sql = set(self.env.cr.fetchall())
        self.assertEqual(by_check, by_domain)
        self.assertEqual(by_check, by_sql)
        self.assertTrue(by_check)
        self.assertLess(len(by_check), len(credits) * len(bookings))

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import ClubCase


class TestCredits(ClubCase):
    def test_paid_before_unpaid(self):
        unpaid = self.credit(paid=False)
        paid = self.credit(paid=True)
        self.assertEqual(self.book().credit_id, paid)
        self.assertEqual(self.book().credit_id, unpaid)
        self.assertFalse(self.book().credit_id)

    def test_soonest_expiry_first_then_specific_before_generic(self):
        today = fields.Date.context_today(self.env["club.booking"])
        late = self.credit(expiry_date=today + timedelta(days=30))
        never = self.credit()
        soon = self.credit(expiry_date=today + timedelta(days=5))
        specific = self.credit(offering_id=self.spinning.id)
        order = [self.book(hours_ago=-i).credit_id for i in range(1, 5)]
        self.assertEqual(order, [soon, late, specific, never])

    def test_offering_specific_credit_stays_with_its_offering(self):
        yoga_only = self.credit(offering_id=self.yoga.id)
        self.assertFalse(self.book(self.spinning).credit_id)
        self.assertEqual(self.book(self.yoga).credit_id, yoga_only)

    def test_type_and_member_must_match(self):
        self.credit(offering_type="service")
        self.credit(partner=self.other_member)
        self.assertFalse(self.book(self.spinning).credit_id)

    def test_expired_credits_are_never_used(self):
        yesterday = fields.Date.context_today(self.env["club.booking"]) - timedelta(
            days=1
        )
        self.credit(expiry_date=yesterday)
        self.credit(paid=False, expiry_date=yesterday).sudo().state = "expired"
        booking = self.book()
        self.assertFalse(booking.credit_id)
        booking.log_booking("completed")
        self.assertFalse(booking.credit_id)

    def test_cancelling_gives_the_credit_back(self):
        credit = self.credit()
        booking = self.book(hours_ago=-24)
        self.assertEqual(credit.booking_id, booking)
        booking.with_user(self.desk).action_cancel()
        self.assertEqual(booking.state, "cancelled")
        self.assertFalse(booking.credit_id)
        self.assertFalse(credit.booking_id)
        self.assertEqual(credit.state, "available")
        self.assertEqual(self.book(hours_ago=-48).credit_id, credit)

    def test_new_paid_credit_pays_oldest_completed_unpaid_booking(self):
        oldest = self.book(hours_ago=50)
        newer = self.book(hours_ago=26)
        (oldest | newer).log_booking("completed")
        self.assertFalse(oldest.is_paid)
        credit = self.credit()
        self.assertEqual(oldest.credit_id, credit)
        self.assertTrue(oldest.is_paid)
        self.assertEqual(credit.state, "used")
        self.assertFalse(newer.is_paid)
        self.assertIn("Paid by", oldest.message_ids[0].body)

    def test_paid_credit_replaces_an_unpaid_one(self):
        unpaid = self.credit(paid=False)
        booking = self.book()
        booking.log_booking("completed")
        self.assertEqual(booking.credit_id, unpaid)
        self.assertFalse(booking.is_paid)
        paid = self.credit()
        self.assertEqual(booking.credit_id, paid)
        self.assertTrue(booking.is_paid)
        self.assertEqual(unpaid.state, "available")
        self.assertFalse(unpaid.booking_id)

    def test_paid_credit_of_another_offering_does_not_pay(self):
        booking = self.book(self.spinning)
        booking.log_booking("completed")
        self.credit(offering_id=self.yoga.id)
        self.credit(offering_type="service")
        self.assertFalse(booking.is_paid)

    def test_no_show_bookings_are_not_paid_off(self):
        booking = self.book()
        booking.log_booking("no_show")
        credit = self.credit()
        self.assertFalse(booking.credit_id)
        self.assertEqual(credit.state, "available")

    def test_manager_records_a_payment_taken_elsewhere(self):
        credit = self.credit(paid=False)
        booking = self.book()
        self.assertFalse(booking.is_paid)
        with self.assertRaises(AccessError):
            credit.with_user(self.desk).action_mark_paid()
        credit.with_user(self.manager).action_mark_paid()
        self.assertTrue(credit.is_paid)
        self.assertTrue(credit.paid_date)
        self.assertTrue(booking.is_paid)

    def test_marking_a_free_credit_paid_pays_off_a_completed_booking(self):
        booking = self.book()
        booking.log_booking("completed")
        credit = self.env["club.session.credit"].create(
            {"partner_id": self.member.id, "offering_type": "class"}
        )
        self.assertFalse(booking.credit_id)
        credit.with_user(self.manager).action_mark_paid()
        self.assertEqual(booking.credit_id, credit)
        self.assertTrue(booking.is_paid)

    def test_one_booking_per_credit(self):
        credit = self.credit()
        self.book()
        # The database refuses it (and logs the refused query).
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.book().sudo().credit_id = credit
                self.env.flush_all()

    def test_credit_must_match_the_booking(self):
        other = self.credit(partner=self.other_member)
        booking = self.book()
        with self.assertRaisesRegex(ValidationError, "cannot pay for booking"):
            booking.sudo().credit_id = other

    def test_credit_type_must_match_its_offering(self):
        with self.assertRaisesRegex(ValidationError, "type Service"):
            self.credit(offering_type="service", offering_id=self.spinning.id)

    def test_changing_member_releases_the_credit(self):
        mine = self.credit()
        theirs = self.credit(partner=self.other_member)
        booking = self.book(hours_ago=-5)
        booking.with_user(self.desk).partner_id = self.other_member
        self.assertEqual(booking.credit_id, theirs)
        self.assertFalse(mine.booking_id)

    def test_staff_cannot_create_credits(self):
        with self.assertRaises(AccessError):
            self.env["club.session.credit"].with_user(self.desk).create(
                {
                    "partner_id": self.member.id,
                    "offering_type": "class",
                    "is_paid": True,
                }
            )

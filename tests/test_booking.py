from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form
from odoo.tools import mute_logger

from .common import ClubCase


class TestBooking(ClubCase):
    def test_number_from_sequence_and_stored_category(self):
        first, second = self.book(), self.book(self.training, kind="consult")
        self.assertTrue(first.name.startswith("BK"))
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(second.category, "service_consult")
        self.assertEqual(
            self.env["club.booking"].search_count(
                [
                    ("category", "=", "service_consult"),
                    ("id", "in", (first | second).ids),
                ]
            ),
            1,
        )

    def test_stop_defaults_from_the_offering_duration(self):
        booking = self.book(self.yoga)
        self.assertEqual(booking.stop - booking.start, timedelta(hours=1.5))
        with Form(self.env["club.booking"].with_user(self.desk)) as form:
            form.partner_id = self.member
            form.offering_id = self.spinning
            form.start = fields.Datetime.from_string("2026-05-01 08:00:00")
            self.assertEqual(
                form.stop, fields.Datetime.from_string("2026-05-01 09:00:00")
            )
            form.stop = fields.Datetime.from_string("2026-05-01 09:30:00")
        self.assertEqual(
            form.record.stop, fields.Datetime.from_string("2026-05-01 09:30:00")
        )

    def test_stop_after_start(self):
        booking = self.book()
        with self.assertRaisesRegex(ValidationError, "must end after it starts"):
            booking.stop = booking.start - timedelta(minutes=1)

    def test_stop_after_start_in_the_database(self):
        booking = self.book()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.cr.execute(
                    "UPDATE club_booking SET stop = start WHERE id = %s", [booking.id]
                )

    def test_previous_ten_bookings(self):
        history = self.env["club.booking"]
        for days in range(1, 14):
            history |= self.book(hours_ago=24 * days + 2)
        self.book(partner=self.other_member, hours_ago=30)
        later = self.book(hours_ago=-48)
        booking = self.book(hours_ago=1)
        history[:3].log_booking("completed")
        history[3:4].log_booking("no_show")
        previous = booking.with_user(self.viewer).previous_booking_ids
        self.assertEqual(len(previous), 10)
        self.assertEqual(previous, history[:10])
        self.assertEqual(previous[0], history[0], "most recent first")
        self.assertNotIn(later, previous)
        self.assertNotIn(booking, previous)
        self.assertEqual(previous[:4].mapped("state"), ["completed"] * 3 + ["no_show"])

    @freeze_time("2026-04-10 12:00:00")
    def test_checked_in_within_the_kiosk_window(self):
        self.company.write(
            {"club_kiosk_minutes_before": 60, "club_kiosk_minutes_after": 15}
        )
        start = fields.Datetime.from_string("2026-04-10 10:00:00")
        booking = self.book(start=start)
        checkin = self.env["club.checkin"].create(
            {
                "partner_id": self.member.id,
                "checkin_time": start - timedelta(minutes=61),
            }
        )
        self.assertFalse(booking.checked_in)
        cases = [(-60, True), (15, True), (16, False), (0, True)]
        for minutes, expected in cases:
            checkin.checkin_time = start + timedelta(minutes=minutes)
            booking.invalidate_recordset(["checked_in"])
            self.assertEqual(booking.checked_in, expected, minutes)
        checkin.partner_id = self.other_member
        booking.invalidate_recordset(["checked_in"])
        self.assertFalse(booking.checked_in, "another member's check-in")

    def test_desk_check_in(self):
        booking = self.book(hours_ago=0.2)
        self.assertFalse(booking.checked_in)
        self.member.with_user(self.desk).action_club_checkin()
        checkin = self.env["club.checkin"].search([("partner_id", "=", self.member.id)])
        self.assertEqual(checkin.source, "desk")
        self.assertEqual(checkin.user_id, self.desk)
        booking.invalidate_recordset(["checked_in"])
        self.assertTrue(booking.checked_in)
        with self.assertRaises(AccessError):
            self.member.with_user(self.viewer).action_club_checkin()


class TestMember(ClubCase):
    def test_member_number_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["res.partner"].create(
                {"name": "Twin", "club_member_ref": "M-0001"}
            )
        other_company = self.env["res.company"].create({"name": "Other Club"})
        self.member.company_id = self.company
        self.env["res.partner"].create(
            {
                "name": "Elsewhere",
                "club_member_ref": "M-0001",
                "company_id": other_company.id,
            }
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["res.partner"].create(
                {
                    "name": "Twin",
                    "club_member_ref": "M-0001",
                    "company_id": self.company.id,
                }
            )
        # A shared contact would be found by every company's kiosk.
        with self.assertRaisesRegex(ValidationError, "already used"):
            self.env["res.partner"].create(
                {"name": "Shared", "club_member_ref": "M-0001"}
            )

    def test_past_due_from_overdue_customer_invoices(self):
        today = fields.Date.context_today(self.member)
        self.assertFalse(self.member.club_past_due)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.member.id,
                "invoice_date": today - timedelta(days=40),
                "invoice_date_due": today - timedelta(days=10),
                "invoice_line_ids": [
                    fields.Command.create(
                        {"name": "Membership", "quantity": 1, "price_unit": 50}
                    )
                ],
            }
        )
        self.member.invalidate_recordset(["club_past_due"])
        self.assertFalse(self.member.club_past_due, "a draft invoice is not due")
        invoice.action_post()
        self.member.invalidate_recordset(["club_past_due"])
        self.assertTrue(self.member.club_past_due)
        self.assertIn(
            self.member, self.env["res.partner"].search([("club_past_due", "=", True)])
        )
        self.assertNotIn(
            self.member, self.env["res.partner"].search([("club_past_due", "=", False)])
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.member.invalidate_recordset(["club_past_due"])
        self.assertFalse(self.member.club_past_due, "paid")

    def test_account_shows_credits_and_open_bookings(self):
        credit = self.credit()
        booked = self.book()
        done = self.book(hours_ago=30)
        done.log_booking("completed")
        member = self.member.with_user(self.viewer)
        action = member.action_club_account()
        self.assertEqual(action["res_id"], self.member.id)
        view = self.env.ref("club_session_logoff.res_partner_view_form_club_account")
        self.assertEqual(action["views"], [(view.id, "form")])
        self.assertEqual(member.club_open_booking_ids, booked)
        self.assertEqual(member.club_open_booking_count, 1)
        self.assertIn(credit, member.club_credit_ids)
        opened = booked.with_user(self.viewer).action_open_booking()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]), ("club.booking", booked.id)
        )

    def test_smart_button_hidden_without_club_rights(self):
        plain = self.env["res.users"].create(
            {
                "name": "Plain",
                "login": "plain",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        arch = (
            self.env["res.partner"]
            .with_user(plain)
            .get_view(self.env.ref("base.view_partner_form").id)["arch"]
        )
        self.assertNotIn("action_club_account", arch)
        arch = (
            self.env["res.partner"]
            .with_user(self.viewer)
            .get_view(self.env.ref("base.view_partner_form").id)["arch"]
        )
        self.assertIn("action_club_account", arch)

"""Strikes: too many no-shows within a number of days block the member's new
bookings for a while."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ClubCase
from .kiosk_common import NOW as KIOSK_NOW
from .kiosk_common import KioskCase

# 13:00 in Brussels, Tuesday 10 March 2026.
NOW = datetime(2026, 3, 10, 12, 0, 0)
UNTIL = date(2026, 3, 17)


@freeze_time(NOW)
class TestStrikes(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.company.write(
            {
                "club_strike_count": 3,
                "club_strike_days": 30,
                "club_strike_block_days": 7,
            }
        )
        cls.member.email = "mia@example.com"
        cls.other_member.email = "otto@example.com"

    def no_show(self, partner=None, ago=timedelta(hours=2), offering=None):
        booking = self.env["club.booking"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": (offering or self.spinning).id,
                "start": NOW - ago,
            }
        )
        booking.with_user(self.manager).log_booking("no_show")
        return booking

    def block_mails(self, partner=None):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", (partner or self.member).id),
                ("subject", "ilike", "Your bookings"),
            ]
        )

    def test_the_third_no_show_blocks_the_member(self):
        self.no_show(ago=timedelta(days=3))
        self.no_show(ago=timedelta(days=2))
        self.assertFalse(self.member.club_blocked_until)
        self.assertFalse(self.block_mails())
        self.no_show()
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        self.assertTrue(self.member.club_blocked)
        line = self.member.message_ids.filtered(
            lambda m: "Blocked from booking" in (m.body or "")
        )
        self.assertEqual(len(line), 1)
        self.assertIn("03/17/2026", line.body)
        self.assertIn("3 no-shows within 30 days", line.body)
        # The member is told by email, through the mail queue.
        mail = self.block_mails()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.member)
        self.assertIn("03/17/2026", mail.body_html)

    def test_the_window_edges(self):
        # Started exactly 30 days ago: counts; a second earlier: does not.
        self.no_show(ago=timedelta(days=30))
        self.no_show(ago=timedelta(days=1))
        self.no_show()
        self.assertEqual(self.member.club_blocked_until, UNTIL)

        self.no_show(partner=self.other_member, ago=timedelta(days=30, seconds=1))
        self.no_show(partner=self.other_member, ago=timedelta(days=1))
        self.no_show(partner=self.other_member)
        self.assertFalse(self.other_member.club_blocked_until)

    def test_strikes_off_never_block(self):
        self.company.club_strike_count = 0
        for days in (3, 2, 1):
            self.no_show(ago=timedelta(days=days))
        self.assertFalse(self.member.club_blocked_until)

    def test_completed_and_late_cancels_are_no_strikes(self):
        self.spinning.late_cancel_hours = 24
        self.no_show(ago=timedelta(days=2))
        self.no_show(ago=timedelta(days=1))
        done = self.book(hours_ago=1)
        done.log_booking("completed")
        late = self.book(hours_ago=-2)
        late.cancel_booking()
        self.assertEqual(late.state, "late_cancel")
        self.assertFalse(self.member.club_blocked_until)

    def test_a_blocked_member_cannot_book(self):
        self.member.sudo().club_blocked_until = UNTIL
        Booking = self.env["club.booking"].with_user(self.desk)
        values = {
            "partner_id": self.member.id,
            "offering_id": self.spinning.id,
            "start": NOW + timedelta(days=10),
        }
        count = Booking.search_count([])
        # (Odoo's assertRaises undoes what the refused call wrote, as the
        # transaction of a refused request is.)
        with self.assertRaises(UserError) as refusal:
            Booking.create(values)
        self.assertIn(
            "Mia Member may not book before 03/17/2026", str(refusal.exception)
        )
        self.assertEqual(Booking.search_count([]), count)
        # Nor by moving someone else's booking to the member.
        theirs = Booking.create({**values, "partner_id": self.other_member.id})
        with self.assertRaises(UserError) as refusal:
            theirs.write({"partner_id": self.member.id})
        self.assertIn("03/17/2026", str(refusal.exception))
        theirs.invalidate_recordset()
        self.assertEqual(theirs.partner_id, self.other_member)
        # Club managers are held too, unless they book anyway.
        with self.assertRaises(UserError):
            Booking.with_user(self.manager).create(values)
        # The last day of the block (local time), then the day it ends.
        with freeze_time("2026-03-16 22:59:00"):
            with self.assertRaises(UserError):
                Booking.create(values)
        with freeze_time("2026-03-16 23:00:00"):  # midnight in Brussels
            self.assertEqual(Booking.create(values).state, "booked")

    def test_club_managers_book_anyway(self):
        self.member.sudo().club_blocked_until = UNTIL
        values = {
            "partner_id": self.member.id,
            "offering_id": self.spinning.id,
            "start": NOW + timedelta(days=1),
            "block_override": True,
        }
        with self.assertRaises(AccessError):
            self.env["club.booking"].with_user(self.desk).create(values)
        booking = self.env["club.booking"].with_user(self.manager).create(values)
        self.assertEqual(booking.state, "booked")
        line = booking.message_ids.filtered(lambda m: "although" in (m.body or ""))
        self.assertIn("blocked from booking until 03/17/2026", line.body)
        self.assertIn(self.manager.name, line.body)
        # The form shows the block and the override to managers.
        self.assertEqual(booking.partner_blocked_until, UNTIL)
        arch = (
            self.env["club.booking"]
            .with_user(self.manager)
            .get_view(view_type="form")["arch"]
        )
        self.assertIn('name="block_override"', arch)

    def test_club_managers_lift_the_block(self):
        for days in (3, 2, 1):
            self.no_show(ago=timedelta(days=days))
        self.assertTrue(self.member.club_blocked_until)
        with self.assertRaises(AccessError):
            self.member.with_user(self.desk).action_club_lift_block()
        self.assertTrue(self.member.club_blocked_until)

        self.assertIs(
            self.member.with_user(self.manager).action_club_lift_block(), True
        )
        self.assertFalse(self.member.club_blocked_until)
        self.assertFalse(self.member.club_blocked)
        line = self.member.message_ids.filtered(lambda m: "lifted" in (m.body or ""))
        self.assertIn(self.manager.name, line.body)
        self.book(hours_ago=-24)  # may book again
        # The no-shows before the lifting no longer count: the next one alone
        # does not block again.
        self.no_show(ago=timedelta(minutes=30))
        self.assertFalse(self.member.club_blocked_until)

    def test_any_source_and_a_batch_of_members(self):
        bookings = self.env["club.booking"]
        for partner in (self.member, self.other_member):
            for days in (3, 2, 1):
                bookings |= self.book(partner=partner, hours_ago=24 * days)
        # Staff log them all at once.
        bookings.with_user(self.loggers["class_session"]).log_booking("no_show")
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        self.assertEqual(self.other_member.club_blocked_until, UNTIL)
        self.assertEqual(len(self.block_mails(self.other_member)), 1)

    def test_a_correction_into_a_no_show_counts(self):
        self.no_show(ago=timedelta(days=3))
        self.no_show(ago=timedelta(days=2))
        came = self.book(hours_ago=5)
        came.log_booking("completed")
        self.assertFalse(self.member.club_blocked_until)
        came.with_user(self.manager).correct_outcome("no_show", "Nobody saw her")
        self.assertEqual(self.member.club_blocked_until, UNTIL)

    def test_a_member_without_email_is_blocked_all_the_same(self):
        self.member.email = False
        for days in (3, 2, 1):
            self.no_show(ago=timedelta(days=days))
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        self.assertFalse(self.block_mails())

    def test_each_club_counts_its_own_no_shows(self):
        other_club = self.env["res.company"].create(
            {"name": "Strikes Other Club", "club_strike_count": 0}
        )
        self.manager.write({"company_ids": [Command.link(other_club.id)]})
        theirs = self.env["club.offering"].create(
            {"name": "Their Spinning", "company_id": other_club.id}
        )
        for days in (3, 2, 1):
            self.no_show(ago=timedelta(days=days), offering=theirs)
        self.assertFalse(self.member.club_blocked_until, "their club has no strikes")
        other_club.club_strike_count = 1
        self.no_show(ago=timedelta(minutes=30))
        self.assertFalse(
            self.member.club_blocked_until, "their no-shows do not count here"
        )

    def test_settings_bounds_and_club_managers(self):
        self.manager.write({"company_ids": [Command.link(self.company.id)]})
        company = self.company.with_user(self.manager)
        company.write({"club_strike_count": 2, "club_strike_block_days": 14})
        self.assertEqual(self.company.club_strike_count, 2)
        for name, value in (
            ("club_strike_count", -1),
            ("club_strike_count", 101),
            ("club_strike_days", 0),
            ("club_strike_days", 366),
            ("club_strike_block_days", 0),
        ):
            with (
                self.subTest(name=name, value=value),
                self.assertRaisesRegex(ValidationError, "must be between"),
            ):
                company.write({name: value})
        for view in (
            "club_session_logoff.res_company_view_form_club",
            "base.res_config_settings_view_form",
        ):
            model = "res.company" if "company" in view else "res.config.settings"
            arch = self.env[model].get_view(self.env.ref(view).id, "form")["arch"]
            self.assertIn('name="club_strike_settings"', arch)
            self.assertIn('name="club_strike_block_days"', arch)


@freeze_time(KIOSK_NOW)
class TestKioskBlockedMember(KioskCase):
    def test_a_blocked_member_is_sent_to_the_front_desk(self):
        booking = self.book_at(KIOSK_NOW - self.minutes(10))
        plain = self.identify()
        self.member.sudo().club_blocked_until = KIOSK_NOW.date() + timedelta(days=1)
        result = self.identify()
        self.assertTrue(result["front_desk"])
        self.assertEqual(result["bookings"], [])
        # The tablet does not say why.
        self.assertEqual(set(result), set(plain))
        self.assertNotIn("block", str(result).lower())
        self.assertEqual(self.list_bookings(result["ticket"])["bookings"], [])
        self.assertEqual(self.confirm(result["ticket"], booking), {"status": "refused"})
        self.assertEqual(booking.state, "booked")

    def test_log_before_redirect_and_the_block_ending(self):
        self.company.club_kiosk_log_before_redirect = True
        booking = self.book_at(KIOSK_NOW - self.minutes(10))
        self.member.sudo().club_blocked_until = KIOSK_NOW.date() + timedelta(days=1)
        result = self.identify()
        self.assertTrue(result["front_desk"])
        self.assertEqual([b["id"] for b in result["bookings"]], [booking.id])
        # Blocked until today: the member may book today again.
        self.member.sudo().club_blocked_until = KIOSK_NOW.date()
        self.assertFalse(self.identify()["front_desk"])

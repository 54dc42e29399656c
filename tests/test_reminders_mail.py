"""The reminder's mail: offering, trainer, the time in the club's time zone with
the zone named, the club's address, what cancelling now would cost, the one-tap
Cancel link and the booking's .ics; in the member's language."""

import base64
import re
from datetime import timedelta

import icalendar
from freezegun import freeze_time

from odoo.tests import tagged

from .test_reminders import START, ReminderCase


@tagged("post_install", "-at_install")
class TestReminderMail(ReminderCase):
    def remind(self, booking, hours=23):
        self.run_job(START - timedelta(hours=hours))
        mail = self.reminders(booking)
        mail.ensure_one()
        return mail

    def test_mail_says_what_where_when(self):
        booking = self.booked()
        mail = self.remind(booking)
        body = str(mail.body_html)
        self.assertIn("Spinning", mail.subject)
        self.assertIn("Spinning", body)
        self.assertIn(booking.trainer_id.name, body)
        # 18:00 UTC is 19:00 in Brussels (winter), the zone named.
        self.assertIn("Monday 7 December 2026, 19:00 (Europe/Brussels)", body)
        self.assertIn("Monday 7 December 2026, 19:00 (Europe/Brussels)", mail.subject)
        self.assertIn("1 Rue du Club", body)
        self.assertIn("Brussels", body)
        self.assertIn(booking.name, body)

    def test_mail_says_what_a_cancel_would_cost(self):
        self.spinning.write({"late_cancel_hours": 48, "late_cancel_fee": 15.0})
        booking = self.booked()
        with freeze_time(START - timedelta(hours=23)):
            expected = booking._cancel_consequence()["message"]
        self.assertIn("late cancel", expected)
        mail = self.remind(booking)
        self.assertIn(expected, str(mail.body_html))

    def test_mail_has_the_one_tap_cancel_link(self):
        booking = self.booked()
        mail = self.remind(booking)
        match = re.search(
            r'href="([^"]*/club/booking/(\d+)/cancel\?token=([^"&]+))"',
            str(mail.body_html),
        )
        self.assertTrue(match, "no Cancel link in the mail")
        self.assertEqual(int(match.group(2)), booking.id)
        with freeze_time(START - timedelta(hours=23)):
            found = self.env["club.booking"]._from_cancel_token(
                booking.id, match.group(3)
            )
        self.assertEqual(found, booking)

    def test_mail_carries_the_booking_ics(self):
        booking = self.booked()
        mail = self.remind(booking)
        ics_files = mail.attachment_ids.filtered(lambda a: a.name.endswith(".ics"))
        self.assertEqual(len(ics_files), 1)
        self.assertEqual(ics_files.mimetype, "text/calendar")
        calendar = icalendar.Calendar.from_ical(base64.b64decode(ics_files.datas))
        self.assertEqual(str(calendar["METHOD"]), "REQUEST")
        (event,) = calendar.walk("VEVENT")
        self.assertEqual(str(event["UID"]), booking._ics_uid())
        self.assertEqual(event.decoded("DTSTART").replace(tzinfo=None), START)

    def test_mail_in_the_member_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.member.lang = "fr_FR"
        booking = self.booked()
        mail = self.remind(booking)
        self.assertIn("lundi 7 décembre 2026, 19:00 (Europe/Brussels)", mail.subject)

    def test_reminders_in_batches_of_mails(self):
        members = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "email": f"b{i}@example.com"} for i in range(3)]
        )
        bookings = self.env["club.booking"]
        for member in members:
            bookings |= self.booked(partner=member)
        self.run_job(START - timedelta(hours=23))
        self.assertEqual(self.commits, 1)
        for booking in bookings:
            mail = self.reminders(booking)
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.recipient_ids, booking.partner_id)
            self.assertEqual(
                mail.attachment_ids.mapped("name"), [f"{booking.name}.ics"]
            )

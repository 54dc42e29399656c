"""Bookings in the member's calendar: the .ics file (tools/ics.py) parses with
the booking's stable UID and UTC times; confirmations, promotions and reminders
carry METHOD:REQUEST, cancellations the same UID with METHOD:CANCEL."""

import base64
from datetime import datetime, timedelta, timezone

import icalendar
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.club_session_logoff.tools import ics

from .test_reminders import BOOKED_AT, START, ReminderCase


def parse(text):
    return icalendar.Calendar.from_ical(text)


@tagged("post_install", "-at_install")
class TestIcsTool(ReminderCase):
    def test_escaping_and_folding(self):
        summary = "Spin, Yoga; Pilates \\ Box\nÉté " + "é" * 60
        text = ics.build_calendar(
            [
                {
                    "uid": "club-booking-1@x",
                    "start": datetime(2026, 12, 7, 18, 0),
                    "stop": datetime(2026, 12, 7, 19, 0, tzinfo=timezone.utc),
                    "summary": summary,
                    "location": "1 Rue du Club, Brussels",
                    "organizer": "club@example.com",
                    "organizer_name": 'The "Club"',
                }
            ],
            method="REQUEST",
        )
        for line in text.split("\r\n"):
            self.assertLessEqual(len(line.encode()), 75, line)
        self.assertTrue(text.endswith("END:VCALENDAR\r\n"))
        (event,) = parse(text).walk("VEVENT")
        self.assertEqual(str(event["SUMMARY"]), summary)
        self.assertEqual(str(event["LOCATION"]), "1 Rue du Club, Brussels")
        self.assertEqual(
            event.decoded("DTEND"), datetime(2026, 12, 7, 19, 0, tzinfo=timezone.utc)
        )


@tagged("post_install", "-at_install")
class TestBookingCalendar(ReminderCase):
    def mails(self, booking, subject):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "club.booking"),
                ("res_id", "=", booking.id),
                ("subject", "like", subject),
            ]
        )

    def ics_of(self, mail):
        mail.ensure_one()
        (attachment,) = mail.attachment_ids.filtered(lambda a: a.name.endswith(".ics"))
        return parse(base64.b64decode(attachment.datas))

    def test_ics_uid_and_time_zone(self):
        booking = self.booked()
        calendar = parse(booking._ics())
        self.assertEqual(str(calendar["METHOD"]), "REQUEST")
        (event,) = calendar.walk("VEVENT")
        uuid = self.env["ir.config_parameter"].get_param("database.uuid")
        self.assertEqual(str(event["UID"]), f"club-booking-{booking.id}@{uuid}")
        start = event.decoded("DTSTART")
        self.assertEqual(start.utcoffset(), timedelta(0))  # UTC
        self.assertEqual(start.replace(tzinfo=None), START)
        self.assertEqual(event.decoded("DTEND").replace(tzinfo=None), booking.stop)
        self.assertIn("Spinning", str(event["SUMMARY"]))
        self.assertIn("1 Rue du Club", str(event["LOCATION"]))
        self.assertEqual(str(event["ORGANIZER"]), "mailto:club@example.com")

    def test_staff_booking_confirmation_carries_the_ics(self):
        booking = self.booked()
        mail = self.mails(booking, "Booked:")
        self.assertEqual(len(mail), 1)
        self.assertIn("19:00 (Europe/Brussels)", mail.subject)
        (event,) = self.ics_of(mail).walk("VEVENT")
        self.assertEqual(str(event["UID"]), booking._ics_uid())

    def test_no_confirmation_for_waitlisted(self):
        first = self.booked(capacity=1)
        with freeze_time(BOOKED_AT):
            waiting = self.env["club.booking"].create(
                {
                    "partner_id": self.other_member.id,
                    "session_id": first.session_id.id,
                    "state": "waitlisted",
                }
            )
        self.assertFalse(self.mails(waiting, "Booked:"))

    def test_waitlist_promotion_carries_the_ics(self):
        first = self.booked(capacity=1)
        with freeze_time(BOOKED_AT):
            waiting = self.env["club.booking"].create(
                {
                    "partner_id": self.other_member.id,
                    "session_id": first.session_id.id,
                    "state": "waitlisted",
                }
            )
            first.with_user(self.desk).cancel_booking()
        self.assertEqual(waiting.state, "booked")
        mail = self.mails(waiting, "You have a seat")
        calendar = self.ics_of(mail)
        self.assertEqual(str(calendar["METHOD"]), "REQUEST")
        self.assertEqual(str(calendar.walk("VEVENT")[0]["UID"]), waiting._ics_uid())

    def test_cancellation_sends_the_same_uid_with_method_cancel(self):
        booking = self.booked()
        request = self.ics_of(self.mails(booking, "Booked:"))
        with freeze_time(BOOKED_AT + timedelta(hours=1)):
            booking.with_user(self.desk).cancel_booking()
        cancel = self.ics_of(self.mails(booking, "Cancelled:"))
        self.assertEqual(str(cancel["METHOD"]), "CANCEL")
        (old,) = request.walk("VEVENT")
        (new,) = cancel.walk("VEVENT")
        self.assertEqual(str(new["UID"]), str(old["UID"]))
        self.assertEqual(str(new["STATUS"]), "CANCELLED")
        self.assertGreater(int(new["SEQUENCE"]), int(old["SEQUENCE"]))

    def test_session_cancelled_sends_method_cancel(self):
        booking = self.booked()
        with freeze_time(BOOKED_AT + timedelta(hours=1)):
            booking.session_id.with_user(self.desk).action_cancel_session()
        mails = self.mails(booking, "Cancelled:")
        self.assertEqual(len(mails), 1)
        cancel = self.ics_of(mails)
        self.assertEqual(str(cancel["METHOD"]), "CANCEL")
        self.assertEqual(str(cancel.walk("VEVENT")[0]["UID"]), booking._ics_uid())

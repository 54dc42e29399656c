"""The member's calendar feed, GET /club/calendar/<token>.ics: upcoming bookings
for 60 days as text/calendar, one VEVENT per booking with its stable UID,
cancelled ones gone; a wrong token 404; a new token voids the old feed; the
token is the member's and staff's only."""

from datetime import timedelta

import icalendar

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCalendarFeed(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        cls.offering = cls.env["club.offering"].create(
            {"name": "Feed Yoga", "offering_type": "class", "duration": 1.0}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Feed Member", "email": "feed@example.com"}
        )
        cls.other = cls.env["res.partner"].create({"name": "Feed Other"})
        Booking = cls.env["club.booking"]

        def book(partner, hours):
            return Booking.create(
                {
                    "partner_id": partner.id,
                    "offering_id": cls.offering.id,
                    "start": now + timedelta(hours=hours),
                }
            )

        cls.soon = book(cls.member, 24)
        cls.later = book(cls.member, 24 * 30)
        cls.too_far = book(cls.member, 24 * 61)
        cls.past = book(cls.member, -48)
        cls.cancelled = book(cls.member, 48)
        cls.cancelled.cancel_booking()
        cls.not_mine = book(cls.other, 24)

    def feed(self, token):
        return self.url_open(f"/club/calendar/{token}.ics")

    def test_feed_lists_upcoming_bookings(self):
        url = self.member._club_calendar_url()
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/calendar"))
        calendar = icalendar.Calendar.from_ical(response.content)
        uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
        self.assertEqual(uids, {self.soon._ics_uid(), self.later._ics_uid()})
        event = next(
            e for e in calendar.walk("VEVENT") if str(e["UID"]) == self.soon._ics_uid()
        )
        self.assertEqual(event.decoded("DTSTART").replace(tzinfo=None), self.soon.start)
        self.assertEqual(event.decoded("DTSTART").utcoffset(), timedelta(0))
        # The same UID as the booking's mails: calendars match them.
        (mailed,) = icalendar.Calendar.from_ical(self.soon._ics()).walk("VEVENT")
        self.assertEqual(str(mailed["UID"]), str(event["UID"]))

    def test_cancelled_booking_leaves_the_feed(self):
        token = self.member._club_calendar_url().rsplit("/", 1)[1][: -len(".ics")]
        self.soon.cancel_booking()
        calendar = icalendar.Calendar.from_ical(self.feed(token).content)
        uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
        self.assertEqual(uids, {self.later._ics_uid()})

    def test_wrong_token_404(self):
        self.member._club_calendar_url()
        for token in ("nope", "x" * 43, ""):
            with self.subTest(token=token):
                self.assertEqual(self.feed(token).status_code, 404)

    def test_new_token_voids_the_old_feed(self):
        old = self.member._club_calendar_url()
        self.assertEqual(self.url_open(old).status_code, 200)
        self.assertIs(self.member.action_club_renew_calendar_token(), True)
        new = self.member._club_calendar_url()
        self.assertNotEqual(new, old)
        self.assertEqual(self.url_open(old).status_code, 404)
        self.assertEqual(self.url_open(new).status_code, 200)

    def test_token_is_the_member_and_staff_only(self):
        self.member._club_calendar_url()
        portal = new_test_user(
            self.env, login="feed_portal", groups="base.group_portal"
        )
        stranger = new_test_user(
            self.env, login="feed_stranger", groups="base.group_portal"
        )
        portal.partner_id.email = "feed_portal@example.com"
        # The member (their own portal user) gets their address, and a new one.
        self.assertIn(
            "/club/calendar/", portal.partner_id.with_user(portal)._club_calendar_url()
        )
        self.assertIs(
            portal.partner_id.with_user(portal).action_club_renew_calendar_token(), True
        )
        # Another member neither reads nor renews it.
        with self.assertRaises(AccessError):
            self.member.with_user(stranger)._club_calendar_url()
        with self.assertRaises(AccessError):
            self.member.with_user(stranger).action_club_renew_calendar_token()
        with self.assertRaises(AccessError):
            self.member.with_user(stranger).read(["club_calendar_token"])
        # Club staff read it.
        viewer = new_test_user(
            self.env,
            login="feed_viewer",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
        )
        self.assertTrue(self.member.with_user(viewer).club_calendar_token)

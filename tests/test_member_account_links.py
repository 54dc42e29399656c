"""What the seed describes, made exact: the Booking # in the member's account is
the link to the booking, and the Log Off tab lists the member's check-ins of the
booking's day."""

from datetime import datetime

from lxml import etree

from odoo.tests import Form

from .common import ClubCase


class TestMemberAccountLink(ClubCase):
    def test_booking_number_is_the_link_that_opens_the_booking(self):
        booked = self.book(hours_ago=-2)
        done = self.book(hours_ago=30)
        done.log_booking("completed")
        view = self.env.ref("club_session_logoff.res_partner_view_form_club_account")
        arch = etree.fromstring(
            self.env["res.partner"].with_user(self.viewer).get_view(view.id)["arch"]
        )
        for tab in ("club_open_booking_ids", "club_booking_ids"):
            with self.subTest(tab=tab):
                rows = arch.xpath(f"//field[@name='{tab}']/list")[0]
                first = rows.xpath("./field[not(@column_invisible)]")[0]
                # The first column, Booking #, is Odoo's many2one link (a
                # readonly many2one cell renders as <a href="/odoo/club.booking/<id>">
                # and opens the record's form), and no icon button is left.
                self.assertEqual(first.get("name"), "booking_link_id")
                self.assertEqual(first.get("widget"), "many2one")
                self.assertEqual(first.get("string"), "Booking #")
                self.assertFalse(rows.xpath(".//button"))
        member = self.member.with_user(self.viewer)
        for booking in (booked, done):
            link = member.club_booking_ids.filtered(lambda b, bk=booking: b == bk)
            self.assertEqual(link.booking_link_id, booking)
            self.assertEqual(link.booking_link_id.display_name, booking.name)
            action = link.booking_link_id.get_formview_action()
            self.assertEqual(
                (action["res_model"], action["res_id"]), ("club.booking", booking.id)
            )
            self.assertEqual([mode for __, mode in action["views"]], ["form"])
            self.assertEqual(action.get("target", "current"), "current")
        self.assertEqual(member.club_open_booking_ids.booking_link_id, booked)


class TestDayCheckins(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.company.write(
            {"club_kiosk_minutes_before": 15, "club_kiosk_minutes_after": 10}
        )

    def checkin(self, at, source="kiosk", partner=None):
        return self.env["club.checkin"].create(
            {
                "partner_id": (partner or self.member).id,
                "checkin_time": at,
                "source": source,
            }
        )

    def test_check_ins_of_the_day_with_time_source_and_window(self):
        # 07:00 in Brussels (summer time): 05:00 UTC; the window is 06:45-07:10.
        booking = self.book(start=datetime(2026, 6, 10, 5, 0))
        self.checkin(datetime(2026, 6, 9, 21, 59))  # 23:59 the day before
        self.checkin(datetime(2026, 6, 10, 4, 20))  # 06:20, early
        self.checkin(datetime(2026, 6, 10, 4, 52))  # 06:52
        self.checkin(datetime(2026, 6, 10, 10, 0), source="desk")  # 12:00
        self.checkin(datetime(2026, 6, 10, 22, 0))  # 00:00 the day after
        self.checkin(datetime(2026, 6, 10, 4, 55), partner=self.other_member)
        self.assertEqual(
            booking.with_user(self.viewer).day_checkin_summary.splitlines(),
            [
                "06:20, Kiosk: before the window (06:45-07:10)",
                "06:52, Kiosk: within the window (06:45-07:10)",
                "12:00, Front Desk: after the window (06:45-07:10)",
            ],
        )
        self.assertTrue(booking.checked_in)
        self.assertEqual(booking.checked_in_at, datetime(2026, 6, 10, 4, 52))

    def test_early_arrival_is_not_just_not_checked_in(self):
        booking = self.book(start=datetime(2026, 1, 15, 17, 0))  # 18:00 local
        self.checkin(datetime(2026, 1, 15, 16, 30))  # 17:30, before 17:45
        self.assertFalse(booking.checked_in)
        self.assertEqual(
            booking.day_checkin_summary,
            "17:30, Kiosk: before the window (17:45-18:10)",
        )

    def test_no_check_in_that_day(self):
        booking = self.book(start=datetime(2026, 1, 15, 17, 0))
        self.assertEqual(booking.day_checkin_summary, "No check-in that day.")

    def test_shown_on_the_log_off_tab(self):
        booking = self.book(start=datetime(2026, 1, 15, 17, 0))
        self.checkin(datetime(2026, 1, 15, 16, 50))
        arch = etree.fromstring(
            self.env["club.booking"]
            .with_user(self.viewer)
            .get_view(self.env.ref("club_session_logoff.club_booking_view_form").id)[
                "arch"
            ]
        )
        validation = arch.xpath("//page[@name='log_off']//group[@name='validation']")[0]
        self.assertTrue(validation.xpath("./field[@name='day_checkin_summary']"))
        self.assertTrue(validation.xpath("./field[@name='checked_in_at']"))
        form = Form(booking.with_user(self.loggers["class_session"]))
        self.assertEqual(
            form.day_checkin_summary, "17:50, Kiosk: within the window (17:45-18:10)"
        )
        self.assertEqual(form.checked_in_at, "2026-01-15 16:50:00")

"""One club time zone (SPEC "One club time zone"): res.company._club_tz is the
company address's time zone, else UTC -- never a user's or a member's -- and
every club time uses it: kiosk, nightly job, session names, day grid, the
attendance report's weekday and hour, mails (which name the zone)."""

import importlib.util
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user

TOKYO = "Asia/Tokyo"
# Monday 2 March 2026, 23:30 UTC: Tuesday 08:30 in Tokyo.
START = datetime(2026, 3, 2, 23, 30)


def load_migration(name):
    path = f"{get_module_path('club_session_logoff')}/migrations/18.0.1.4.0/{name}"
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestOneClubTimeZone(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A club whose address has no time zone; its staff and members in Tokyo.
        cls.club = cls.env["res.company"].create({"name": "Zoneless Club"})
        cls.club.partner_id.tz = False
        cls.user = new_test_user(
            cls.env,
            login="zone_tokyo",
            groups="base.group_user,club_session_logoff.group_club_manager",
            company_id=cls.club.id,
            company_ids=[Command.set(cls.club.ids)],
            tz=TOKYO,
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Tokyo Member", "tz": TOKYO, "email": "tokyo@example.com"}
        )
        cls.offering = (
            cls.env["club.offering"]
            .with_company(cls.club)
            .create({"name": "Zone Spinning", "company_id": cls.club.id})
        )
        cls.session = (
            cls.env["club.session"]
            .with_company(cls.club)
            .create({"offering_id": cls.offering.id, "start": START})
        )
        cls.booking = (
            cls.env["club.booking"]
            .with_company(cls.club)
            .create({"partner_id": cls.member.id, "session_id": cls.session.id})
        )

    def test_the_club_zone_is_its_address_else_utc(self):
        self.assertEqual(self.club._club_tz().zone, "UTC")
        self.club.partner_id.tz = "America/New_York"
        self.assertEqual(self.club._club_tz().zone, "America/New_York")

    def test_every_club_time_is_in_the_clubs_zone(self):
        # Report buckets (stored on the booking, read by the report).
        self.assertEqual(
            (self.booking.start_weekday, self.booking.start_hour), ("1", 23)
        )
        report = self.env["club.attendance.report"].search(
            [("booking_id", "=", self.booking.id)]
        )
        self.assertEqual((report.weekday, report.hour), ("1", 23))
        # Session name.
        self.assertIn("Mon 23:30", self.session.name)
        # Day grid, for a user in Tokyo whose web client says Tokyo.
        Session = (
            self.env["club.session"]
            .with_user(self.user)
            .with_company(self.club)
            .with_context(tz=TOKYO)
        )
        grid = Session.get_grid_data("2026-03-02")
        self.assertEqual(grid["tz"], "UTC")
        self.assertEqual([s["id"] for s in grid["sessions"]], [self.session.id])
        self.assertEqual(grid["sessions"][0]["time"], "23:30")
        self.assertEqual(Session.get_grid_data("2026-03-03")["sessions"], [])
        # Kiosk: its day and the times it shows.
        kiosk = self.env["club.kiosk"]._for_company(self.club)
        with freeze_time("2026-03-02 23:40:00"):
            self.assertEqual(kiosk._today().isoformat(), "2026-03-02")
            self.assertIn("11:30", kiosk._booking_values(self.booking)["start"])
        # Nightly job: whole days of the club's calendar.
        self.assertEqual(
            self.club._club_unlogged_cutoff(datetime(2026, 3, 3, 1, 0), days=1),
            datetime(2026, 3, 3, 0, 0),
        )
        # Mails: the club's time, and the zone named.
        template = self.env.ref(
            "club_session_logoff.mail_template_club_waitlist_promoted"
        )
        subject = template._render_field("subject", self.booking.ids)[self.booking.id]
        self.assertIn("23:30 (UTC)", subject)
        body = template._render_field("body_html", self.booking.ids)[self.booking.id]
        self.assertIn("23:30", body)
        self.assertIn("(UTC)", body)

    def test_settings_warn_while_it_is_unset(self):
        for xmlid in (
            "club_session_logoff.res_config_settings_view_form_unlogged",
            "club_session_logoff.res_company_view_form_club_unlogged",
        ):
            arch = self.env.ref(xmlid).arch_db
            self.assertIn("time zone is not set", arch)
            self.assertNotIn("club_tz_fallback", arch)

    def test_upgrade_keeps_the_zone_a_club_worked_in(self):
        """18.0.1.4.0: a club without an address time zone worked in its first
        user's; it becomes its address's, and the stored weekday and hour
        follow it."""
        self.env.flush_all()
        load_migration("post-truth-tz.py").migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(self.club.partner_id.tz, TOKYO)
        self.assertEqual(
            (self.booking.start_weekday, self.booking.start_hour), ("2", 8)
        )

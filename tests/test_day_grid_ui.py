"""Bookings > Grid View in the browser: the day grid, its navigation, and the
roster it opens."""

from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDayGridUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The club, the browser and the user share a time zone (UTC), so the
        # browser's today is the club's.
        cls.env.company.partner_id.tz = "UTC"
        cls.user = new_test_user(
            cls.env,
            login="tour_grid",
            tz="UTC",
            groups="base.group_user,club_session_logoff.group_booking_user,"
            "club_session_logoff.group_logoff_class_session",
        )
        trainer = new_test_user(cls.env, login="tour_trainer", name="Tour Trainer")
        other = new_test_user(cls.env, login="tour_other", name="Tour Other Trainer")
        Offering = cls.env["club.offering"]
        spinning = Offering.create(
            {
                "name": "Tour Grid Spinning",
                "default_capacity": 12,
                "default_trainer_id": trainer.id,
            }
        )
        yoga = Offering.create(
            {"name": "Tour Grid Yoga", "default_trainer_id": trainer.id}
        )
        hiit = Offering.create(
            {"name": "Tour Grid HIIT", "default_trainer_id": other.id}
        )
        training = Offering.create(
            {"name": "Tour Grid Training", "offering_type": "service"}
        )
        member = cls.env["res.partner"].create({"name": "Tour Grid Member"})
        client = cls.env["res.partner"].create({"name": "Tour Grid Client"})
        now = fields.Datetime.now()
        midnight = datetime.combine(now.date(), time.min)
        # Started today whatever the time of the run: between midnight and now.
        started = midnight + (now - midnight) / 2
        Session = cls.env["club.session"]
        cls.grid_session = Session.create(
            {"offering_id": spinning.id, "start": started.replace(microsecond=0)}
        )
        cls.env["club.booking"].create(
            {"partner_id": member.id, "session_id": cls.grid_session.id}
        )
        cls.env["club.booking"].create(
            {
                "partner_id": client.id,
                "offering_id": training.id,
                "trainer_id": trainer.id,
                "start": started.replace(microsecond=0),
            }
        )
        tomorrow = midnight + timedelta(days=1, hours=9)
        Session.create(
            [
                {"offering_id": yoga.id, "start": tomorrow},
                {"offering_id": hiit.id, "start": tomorrow + timedelta(hours=2)},
            ]
        )

    def test_grid_view_roster_and_log_roster(self):
        self.start_tour(
            "/odoo/action-club_session_logoff.club_booking_action_log_sessions",
            "club_day_grid_tour",
            login="tour_grid",
        )
        self.assertEqual(self.grid_session.booking_ids.mapped("state"), ["no_show"])

    def test_grid_navigation(self):
        self.start_tour(
            "/odoo/action-club_session_logoff.club_session_action_day_grid",
            "club_day_grid_navigation_tour",
            login="tour_grid",
        )

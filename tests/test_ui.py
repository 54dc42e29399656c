from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLogOffUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        cls.logger = new_test_user(
            cls.env,
            login="tour_logger",
            groups="base.group_user,club_session_logoff.group_logoff_class_session",
        )
        offering = cls.env["club.offering"].create({"name": "Tour Spinning"})
        cls.member = cls.env["res.partner"].create({"name": "Tour Member"})
        cls.buddy = cls.env["res.partner"].create({"name": "Tour Buddy"})
        Booking = cls.env["club.booking"]
        cls.earlier = Booking.create(
            {
                "partner_id": cls.member.id,
                "offering_id": offering.id,
                "start": now - timedelta(days=3),
            }
        )
        cls.earlier.log_booking("completed")
        cls.booking = Booking.create(
            {
                "partner_id": cls.member.id,
                "offering_id": offering.id,
                "start": now - timedelta(hours=2),
            }
        )
        cls.buddy_booking = Booking.create(
            {
                "partner_id": cls.buddy.id,
                "offering_id": offering.id,
                "start": now - timedelta(hours=2),
            }
        )

    def test_log_off_tab(self):
        self.start_tour(
            "/odoo/action-club_session_logoff.club_booking_action_log_sessions",
            "club_log_off_tab_tour",
            login="tour_logger",
        )
        self.assertEqual(self.booking.state, "no_show")
        self.assertEqual(self.booking.log_note, "Called in sick too late")
        self.assertEqual(self.booking.log_user_id, self.logger)

    def test_bulk_log_from_the_list(self):
        self.start_tour(
            "/odoo/action-club_session_logoff.club_booking_action_log_sessions",
            "club_log_sessions_bulk_tour",
            login="tour_logger",
        )
        self.assertEqual(
            (self.booking | self.buddy_booking).mapped("state"),
            ["completed", "completed"],
        )

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUnloggedUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        cls.manager = new_test_user(
            cls.env,
            login="tour_club_manager",
            groups="base.group_user,club_session_logoff.group_club_manager",
        )
        cls.company = cls.manager.company_id
        cls.company.write({"club_unlogged_action": "complete", "club_unlogged_days": 3})
        offering = cls.env["club.offering"].create({"name": "Tour Pilates"})
        due_member = cls.env["res.partner"].create({"name": "Tour Due Member"})
        fresh_member = cls.env["res.partner"].create({"name": "Tour Fresh Member"})
        Booking = cls.env["club.booking"]
        cls.due = Booking.create(
            {
                "partner_id": due_member.id,
                "offering_id": offering.id,
                "start": now - timedelta(days=6),
            }
        )
        cls.fresh = Booking.create(
            {
                "partner_id": fresh_member.id,
                "offering_id": offering.id,
                "start": now - timedelta(hours=2),
            }
        )

    def test_will_be_auto_logged_filter(self):
        self.start_tour(
            "/odoo/action-club_session_logoff.club_booking_action_log_sessions",
            "club_will_be_auto_logged_tour",
            login="tour_club_manager",
        )

    def test_run_now_from_club_settings(self):
        self.start_tour(
            "/odoo/action-club_session_logoff.res_company_action_club_settings",
            "club_run_unlogged_now_tour",
            login="tour_club_manager",
        )
        self.assertTrue(self.company.club_credit_cleanup)
        self.assertEqual(self.due.state, "completed")
        self.assertEqual(self.due.log_source, "auto")
        self.assertEqual(self.due.log_user_id, self.manager)
        self.assertEqual(self.fresh.state, "booked")

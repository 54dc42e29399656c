"""Browser tours: the roster and Log Roster; the member account's booking link."""

import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSessionUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        cls.logger = new_test_user(
            cls.env,
            login="roster_logger",
            groups="base.group_user,club_session_logoff.group_logoff_class_session",
        )
        offering = cls.env["club.offering"].create({"name": "Roster Spinning"})
        cls.roster_session = cls.env["club.session"].create(
            {"offering_id": offering.id, "start": now - timedelta(minutes=20)}
        )
        cls.arrived, cls.excused, cls.absent = cls.env["club.booking"].create(
            [
                {
                    "partner_id": cls.env["res.partner"].create({"name": name}).id,
                    "session_id": cls.roster_session.id,
                }
                for name in ("Roster Arrived", "Roster Excused", "Roster Absent")
            ]
        )
        cls.env["club.checkin"].create(
            {"partner_id": cls.arrived.partner_id.id, "checkin_time": now}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Link Member", "club_member_ref": "M-LINK"}
        )
        cls.linked = cls.env["club.booking"].create(
            {
                "name": "BK-LINK-1",
                "partner_id": cls.member.id,
                "offering_id": offering.id,
                "start": now + timedelta(minutes=10),
            }
        )
        cls.env["club.checkin"].create(
            {"partner_id": cls.member.id, "checkin_time": now}
        )

    def test_roster_and_log_roster(self):
        self.start_tour(
            f"/odoo/action-club_session_logoff.club_session_action/{self.roster_session.id}",
            "club_session_roster_tour",
            login="roster_logger",
        )
        self.assertEqual(
            (self.arrived | self.excused | self.absent).mapped("state"),
            ["completed", "no_show", "no_show"],
        )
        self.assertEqual(self.arrived.log_user_id, self.logger)
        self.assertEqual(self.roster_session.state, "done")

    def test_booking_number_opens_the_booking(self):
        self.start_tour(
            f"/odoo/res.partner/{self.member.id}",
            "club_member_account_link_tour",
            login="roster_logger",
        )

    def test_log_roster_over_xmlrpc(self):
        uid = self.logger.id
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            "roster_logger",
            "club.session",
            "log_roster",
            [self.roster_session.ids],
            {"note": "Logged by a script"},
        )
        self.assertIs(result, True)
        bookings = self.arrived | self.excused | self.absent
        self.assertEqual(bookings.mapped("state"), ["completed", "no_show", "no_show"])
        self.assertEqual(set(bookings.mapped("log_note")), {"Logged by a script"})
        # A user without the class sessions' log-off permission is refused.
        viewer = new_test_user(
            self.env,
            login="roster_viewer",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
        )
        later = self.env["club.session"].create(
            {
                "offering_id": self.roster_session.offering_id.id,
                "start": self.roster_session.start - timedelta(days=1),
            }
        )
        booking = self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": later.id}
        )
        with (
            mute_logger("odoo.http"),
            self.assertRaisesRegex(xmlrpc.client.Fault, "not allowed to log off"),
        ):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                viewer.id,
                "roster_viewer",
                "club.session",
                "log_roster",
                [later.ids],
            )
        self.assertEqual(booking.state, "booked")

"""Shared set-up: a club with offerings, members and staff for each permission."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

# The category -> log-off permission mapping, written out here on purpose: an
# independent oracle of the addon's one rule (tools/groups.py, log_group_xmlid),
# so that a change of the rule shows up as a failing test.
CATEGORY_GROUPS = {
    "class_session": "club_session_logoff.group_logoff_class_session",
    "service_session": "club_session_logoff.group_logoff_service_session",
    "class_consult": "club_session_logoff.group_logoff_class_consult",
    "service_consult": "club_session_logoff.group_logoff_service_consult",
}


class ClubCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.now = fields.Datetime.now()
        cls.spinning = cls.env["club.offering"].create(
            {"name": "Spinning", "offering_type": "class", "duration": 1.0}
        )
        cls.yoga = cls.env["club.offering"].create(
            {"name": "Yoga", "offering_type": "class", "duration": 1.5}
        )
        cls.training = cls.env["club.offering"].create(
            {"name": "Personal Training", "offering_type": "service", "duration": 1.0}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Mia Member", "club_member_ref": "M-0001"}
        )
        cls.other_member = cls.env["res.partner"].create(
            {"name": "Otto Other", "club_member_ref": "M-0002"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="club_manager",
            groups="base.group_user,club_session_logoff.group_club_manager",
        )
        cls.viewer = new_test_user(
            cls.env,
            login="club_viewer",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
        )
        cls.desk = new_test_user(
            cls.env,
            login="club_desk",
            groups="base.group_user,club_session_logoff.group_booking_user",
        )
        cls.loggers = {
            category: new_test_user(
                cls.env, login=f"club_log_{category}", groups=f"base.group_user,{group}"
            )
            for category, group in CATEGORY_GROUPS.items()
        }

    @classmethod
    def book(cls, offering=None, partner=None, hours_ago=2, kind="session", **vals):
        """A booking that started ``hours_ago`` hours ago (negative: in the future)."""
        return cls.env["club.booking"].create(
            {
                "partner_id": (partner or cls.member).id,
                "offering_id": (offering or cls.spinning).id,
                "booking_kind": kind,
                "start": cls.now - timedelta(hours=hours_ago),
                **vals,
            }
        )

    @classmethod
    def credit(cls, partner=None, offering_type="class", paid=True, **vals):
        return cls.env["club.session.credit"].create(
            {
                "partner_id": (partner or cls.member).id,
                "offering_type": offering_type,
                "is_paid": paid,
                **vals,
            }
        )

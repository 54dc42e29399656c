"""Shared set-up of the member portal tests: a club with sessions to come and
members who are portal users of their own partner."""

from datetime import timedelta

from odoo.tests import new_test_user

from .common import ClubCase


class PortalCase(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "club_booking_open_days": 14,
                "club_max_open_bookings": 0,
                "club_portal_unpaid": False,
                "club_strike_count": 0,
                "club_forgive_count": 0,
                "club_penalty_grace_hours": 24,
            }
        )
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.mia = new_test_user(
            cls.env,
            login="mia_portal",
            groups="base.group_portal",
            partner_id=cls.member.id,
        )
        cls.otto = new_test_user(
            cls.env,
            login="otto_portal",
            groups="base.group_portal",
            partner_id=cls.other_member.id,
        )

    @classmethod
    def session_in(cls, delta, offering=None, capacity=10, **vals):
        return cls.env["club.session"].create(
            {
                "offering_id": (offering or cls.spinning).id,
                "start": cls.now + delta,
                "capacity": capacity,
                **vals,
            }
        )

    @classmethod
    def give_credit(cls, partner=None, count=1, **vals):
        return cls.env["club.session.credit"].create(
            [
                {
                    "partner_id": (partner or cls.member).id,
                    "offering_type": "class",
                    "is_paid": True,
                    **vals,
                }
                for _i in range(count)
            ]
        )

    @staticmethod
    def days(n):
        return timedelta(days=n)

    @staticmethod
    def hours(n):
        return timedelta(hours=n)

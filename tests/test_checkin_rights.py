"""Who records which check-in: the front desk checks members in now, at the
desk; kiosk check-ins come from the kiosk; corrections are for club managers."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError

from .common import ClubCase

NOW = datetime(2026, 3, 10, 14, 0, 0)


@freeze_time(NOW)
class TestCheckinRights(ClubCase):
    def desk_create(self, **vals):
        return (
            self.env["club.checkin"]
            .with_user(self.desk)
            .create({"partner_id": self.member.id, **vals})
        )

    def checkins(self):
        return self.env["club.checkin"].search([("partner_id", "=", self.member.id)])

    def test_desk_checks_in_now_at_the_desk(self):
        checkin = self.desk_create()
        self.assertEqual(checkin.source, "desk")
        self.assertEqual(checkin.checkin_time, NOW)
        self.assertEqual(checkin.user_id, self.desk)
        self.assertEqual(checkin.company_id, self.company)

    def test_a_form_default_time_becomes_now(self):
        """The check-in form sends the time it was opened: a desk check-in is
        recorded at the server's time all the same."""
        checkin = self.desk_create(
            source="desk",
            checkin_time=fields.Datetime.to_string(NOW - timedelta(minutes=2)),
            user_id=self.desk.id,
        )
        self.assertEqual(checkin.checkin_time, NOW)

    def test_desk_cannot_make_up_a_check_in(self):
        for what, vals in {
            "kiosk source": {"source": "kiosk"},
            "back-dated": {"checkin_time": NOW - timedelta(hours=3)},
            "back-dated, as text": {
                "checkin_time": fields.Datetime.to_string(NOW - timedelta(days=1))
            },
            "in the future": {"checkin_time": NOW + timedelta(hours=1)},
            "for another staff member": {"user_id": self.manager.id},
            "with kiosk details": {"kiosk_ip": "10.0.0.5"},
            "with repeated scans": {"scan_count": 5},
        }.items():
            with self.subTest(what), self.assertRaises(AccessError):
                self.desk_create(**vals)
        self.assertFalse(self.checkins())

    def test_desk_batch_is_refused_whole(self):
        with self.assertRaises(AccessError):
            self.env["club.checkin"].with_user(self.desk).create(
                [
                    {"partner_id": self.member.id},
                    {"partner_id": self.other_member.id, "source": "kiosk"},
                ]
            )
        self.assertFalse(
            self.env["club.checkin"].search(
                [("partner_id", "in", (self.member | self.other_member).ids)]
            )
        )

    def test_desk_cannot_correct_a_check_in(self):
        checkin = self.desk_create()
        with self.assertRaises(AccessError):
            checkin.with_user(self.desk).write(
                {"checkin_time": NOW - timedelta(hours=3)}
            )
        with self.assertRaises(AccessError):
            checkin.with_user(self.desk).unlink()
        self.assertEqual(checkin.checkin_time, NOW)

    def test_manager_records_and_corrects_any_check_in(self):
        earlier = NOW - timedelta(hours=3)
        checkin = (
            self.env["club.checkin"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.member.id,
                    "source": "kiosk",
                    "checkin_time": earlier,
                    "user_id": False,
                }
            )
        )
        self.assertEqual((checkin.source, checkin.checkin_time), ("kiosk", earlier))
        checkin.with_user(self.manager).write(
            {"source": "desk", "checkin_time": earlier - timedelta(hours=1)}
        )
        self.assertEqual(checkin.checkin_time, earlier - timedelta(hours=1))

    def test_desk_button_still_works(self):
        self.member.with_user(self.desk).action_club_checkin()
        checkin = self.checkins()
        self.assertEqual(
            (checkin.source, checkin.checkin_time, checkin.user_id),
            ("desk", NOW, self.desk),
        )

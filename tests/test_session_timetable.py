"""Timetable: Schedule Sessions on an offering creates the sessions of a weekly
pattern in the club's time zone, skips those that exist, and says how many."""

from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user

from .test_session import SessionCase

WIZARD = "club.session.schedule.wizard"


class TestTimetable(SessionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A club whose clocks change on 28 March 2027 (CET to CEST).
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.luca = new_test_user(cls.env, login="club_luca", name="Luca")

    def wizard(self, user=None, offering=None, **vals):
        values = {
            "offering_id": (offering or self.spinning).id,
            "mon": True,
            "wed": True,
            "time_of_day": 7.0,
            "date_from": date(2027, 3, 22),
            "date_to": date(2027, 4, 4),
            **vals,
        }
        return self.env[WIZARD].with_user(user or self.desk).create(values)

    def sessions(self, offering=None):
        return self.env["club.session"].search(
            [("offering_id", "=", (offering or self.spinning).id)], order="start"
        )

    def test_weekly_pattern_in_the_club_time_zone(self):
        action = self.wizard().action_schedule()
        sessions = self.sessions()
        # 07:00 in Brussels: 06:00 UTC in winter time, 05:00 UTC in summer time.
        self.assertEqual(
            sessions.mapped("start"),
            [
                datetime(2027, 3, 22, 6, 0),  # Monday
                datetime(2027, 3, 24, 6, 0),  # Wednesday
                datetime(2027, 3, 29, 5, 0),  # Monday, after the change
                datetime(2027, 3, 31, 5, 0),  # Wednesday
            ],
        )
        for session in sessions:
            self.assertEqual(session.trainer_id, self.marco, "offering's default")
            self.assertEqual(session.capacity, 20, "offering's default")
            self.assertEqual((session.stop - session.start).total_seconds(), 3600)
            self.assertEqual(session.state, "scheduled")
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "Spinning: 4 sessions created, 0 skipped", action["params"]["message"]
        )

    def test_time_with_minutes_and_a_trainer_and_capacity_of_its_own(self):
        self.wizard(
            time_of_day=18.5,
            mon=False,
            wed=False,
            sat=True,
            trainer_id=self.luca.id,
            capacity=8,
        ).action_schedule()
        sessions = self.sessions()
        self.assertEqual(
            sessions.mapped("start"),
            [datetime(2027, 3, 27, 17, 30), datetime(2027, 4, 3, 16, 30)],
        )
        self.assertEqual(sessions.trainer_id, self.luca)
        self.assertEqual(set(sessions.mapped("capacity")), {8})

    def test_skips_the_sessions_that_exist(self):
        # The same offering at the same start (even cancelled by the club) is
        # skipped; another time of the day, or another offering, is not.
        existing = self.session(start=datetime(2027, 3, 24, 6, 0))
        existing.sudo().is_cancelled = True
        other_time = self.session(start=datetime(2027, 3, 22, 17, 0))
        other_offering = self.session(
            offering=self.yoga, start=datetime(2027, 3, 29, 5, 0)
        )
        action = self.wizard().action_schedule()
        self.assertIn(
            "3 sessions created, 1 skipped (already scheduled)",
            action["params"]["message"],
        )
        sessions = self.sessions()
        self.assertEqual(len(sessions), 5)
        self.assertIn(existing, sessions)
        self.assertIn(other_time, sessions)
        self.assertEqual(len(sessions.filtered(lambda s: s.start == existing.start)), 1)
        self.assertEqual(self.sessions(self.yoga), other_offering)
        # Run again: everything exists.
        action = self.wizard().action_schedule()
        self.assertIn(
            "0 sessions created, 4 skipped (already scheduled)",
            action["params"]["message"],
        )
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(len(self.sessions()), 5)

    def test_a_year_every_day_in_batches_one_query_for_what_exists(self):
        self.session(start=datetime(2027, 1, 4, 6, 0))
        wizard = self.wizard(
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), True),
            date_from=date(2027, 1, 1),
            date_to=date(2027, 12, 31),
        )
        search_fetch = type(self.env["club.session"]).search_fetch
        with (
            patch(
                "odoo.addons.club_session_logoff.wizard.club_session_schedule_wizard.BATCH_SIZE",
                100,
            ),
            patch.object(
                type(self.env["club.session"]),
                "search_fetch",
                autospec=True,
                side_effect=search_fetch,
            ) as searched,
        ):
            sessions, skipped = wizard._schedule()
        self.assertEqual(searched.call_count, 1)
        self.assertEqual((len(sessions), skipped), (364, 1))
        self.assertEqual(len(self.sessions()), 365)
        # No "created" line per session in the chatter.
        self.assertFalse(sessions.message_ids)

    def test_invalid_patterns_are_refused_with_clear_errors(self):
        cases = [
            ({"date_from": date(2027, 4, 5)}, "first day must not be after the last"),
            ({"date_to": date(2029, 3, 22)}, "at most 2 years"),
            ({"mon": False, "wed": False}, "at least one day of the week"),
            ({"time_of_day": 24.0}, "within the day"),
            ({"time_of_day": -1.0}, "within the day"),
            ({"capacity": -3}, "number of seats"),
        ]
        for vals, message in cases:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.wizard(**vals).action_schedule()
        # Two years less a day is fine.
        self.wizard(
            mon=False, wed=False, sun=True, date_to=date(2029, 3, 21)
        ).action_schedule()
        self.assertEqual(len(self.sessions()), 104)
        self.assertEqual(self.sessions()[-1].start, datetime(2029, 3, 18, 6, 0))

    def test_an_archived_offering_is_refused(self):
        wizard = self.wizard()
        self.spinning.active = False
        with self.assertRaisesRegex(ValidationError, "archived"):
            wizard.action_schedule()
        self.assertFalse(self.sessions())

    def test_front_desk_only(self):
        for user in (self.viewer, self.loggers["class_session"]):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.spinning.with_user(user).action_schedule_sessions()
                with self.assertRaises(AccessError):
                    self.wizard(user=user)
                # A wizard made by someone else is refused all the same.
                wizard = self.wizard()
                with self.assertRaises(AccessError):
                    wizard.with_user(user).sudo(False).action_schedule()
                self.assertFalse(self.sessions())
        self.wizard(user=self.manager).action_schedule()
        self.assertEqual(len(self.sessions()), 4)

    def test_schedule_sessions_button_opens_the_wizard_with_the_offering(self):
        action = self.spinning.with_user(self.desk).action_schedule_sessions()
        self.assertEqual(action["res_model"], WIZARD)
        self.assertEqual(action["target"], "new")
        wizard = Form(
            self.env[WIZARD].with_user(self.desk).with_context(action["context"])
        )
        self.assertEqual(wizard.offering_id, self.spinning)
        self.assertEqual(wizard.trainer_id, self.marco)
        self.assertEqual(wizard.capacity, 20)
        self.assertEqual(wizard.tz, "Europe/Brussels")
        wizard.tue = True
        wizard.time_of_day = 12.25
        wizard.date_from = date(2027, 3, 1)
        wizard.date_to = date(2027, 3, 31)
        wizard.save().action_schedule()
        self.assertEqual(len(self.sessions()), 5)
        self.assertEqual(self.sessions()[0].start, datetime(2027, 3, 2, 11, 15))
        self.assertEqual(self.spinning.session_count, 5)
        shown = self.spinning.action_view_sessions()
        self.assertEqual(
            self.env["club.session"].search(shown["domain"]), self.sessions()
        )
        # The button is on the offering's form for front-desk staff only.
        view = self.env.ref("club_session_logoff.club_offering_view_form")
        for user, shown_to in ((self.desk, True), (self.viewer, False)):
            arch = self.env["club.offering"].with_user(user).get_view(view.id)["arch"]
            self.assertEqual("action_schedule_sessions" in arch, shown_to)

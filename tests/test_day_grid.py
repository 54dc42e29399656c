"""Bookings > Grid View, the day grid's one server call:
club.session.get_grid_data(day, offering_ids=None, trainer_ids=None)."""

import json
import xmlrpc.client
from datetime import date, datetime, time, timedelta

import pytz
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.club_session_logoff.models import club_demo

TOKYO = "Asia/Tokyo"  # UTC+9 all year: a local day is not the UTC day
# Now, for the whole class (set-up included): Friday 27 November 2026, 12:34 in
# Tokyo. No clock is read: the tests give the same answer at any time.
NOW = datetime(2026, 11, 27, 3, 34, 0)


class DayGridCase(TransactionCase):
    """Subclasses run frozen at NOW (``@freeze_time(NOW)`` on each: freezegun
    binds the set-up to the class it decorates)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A club of its own in Tokyo: the demo club's timetable stays out of
        # the grid, and the club's days are not UTC days.
        cls.company = cls.env["res.company"].create({"name": "Grid Club"})
        cls.company.partner_id.tz = TOKYO
        cls.other_company = cls.env.company

        def user(login, groups, name=None):
            return new_test_user(
                cls.env,
                login=login,
                name=name or login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz=TOKYO,
            )

        cls.viewer = user(
            "grid_viewer", "base.group_user,club_session_logoff.group_booking_viewer"
        )
        cls.tara = user("grid_tara", "base.group_user", name="Tara Grid")
        cls.marco = user("grid_marco", "base.group_user", name="Marco Grid")
        cls.portal = user("grid_portal", "base.group_portal")
        Offering = cls.env["club.offering"].with_company(cls.company)
        cls.spinning = Offering.create(
            {
                "name": "Grid Spinning",
                "duration": 1.0,
                "default_capacity": 2,
                "default_trainer_id": cls.tara.id,
                "company_id": cls.company.id,
            }
        )
        cls.yoga = Offering.create(
            {
                "name": "Grid Yoga",
                "duration": 1.5,
                "default_trainer_id": cls.marco.id,
                "company_id": cls.company.id,
            }
        )
        cls.training = Offering.create(
            {
                "name": "Grid Training",
                "offering_type": "service",
                "default_capacity": 1,
                "company_id": cls.company.id,
            }
        )
        cls.members = cls.env["res.partner"].create(
            [{"name": f"Grid Member {i}"} for i in range(3)]
        )
        cls.tz = pytz.timezone(TOKYO)
        cls.now = NOW
        cls.today = pytz.utc.localize(cls.now).astimezone(cls.tz).date()
        # Days with nothing started (ahead) and with everything over (back).
        cls.ahead = cls.today + timedelta(days=3)
        cls.back = cls.today - timedelta(days=3)

    @classmethod
    def at(cls, day, hour, minute=0):
        """``day`` at ``hour``:``minute`` in Tokyo, as naive UTC."""
        local = cls.tz.localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @classmethod
    def session(cls, day, hour, offering=None, minute=0, **vals):
        return (
            cls.env["club.session"]
            .with_company(cls.company)
            .create(
                {
                    "offering_id": (offering or cls.spinning).id,
                    "start": cls.at(day, hour, minute),
                    **vals,
                }
            )
        )

    @classmethod
    def book(cls, member=0, session=None, **vals):
        values = {"partner_id": cls.members[member].id, **vals}
        if session:
            values["session_id"] = session.id
        return cls.env["club.booking"].with_company(cls.company).create(values)

    @classmethod
    def lone(cls, day, hour, member=0, offering=None, trainer=None):
        """A one-to-one booking without a session."""
        return cls.book(
            member,
            offering_id=(offering or cls.training).id,
            start=cls.at(day, hour),
            trainer_id=(trainer or cls.marco).id,
        )

    def grid(self, day, user=None, **filters):
        Session = self.env["club.session"].with_user(user or self.viewer)
        return Session.get_grid_data(day.isoformat(), **filters)


@freeze_time(NOW)
class TestDayGrid(DayGridCase):
    def test_the_days_sessions_and_bookings_without_session(self):
        spin = self.session(self.ahead, 7)
        yoga = self.session(self.ahead, 18, self.yoga)
        in_class = self.book(0, spin)
        pt = self.lone(self.ahead, 10, member=1)
        # Other days, and a session whose bookings are not tiles of their own.
        self.session(self.ahead + timedelta(days=1), 7)
        self.lone(self.ahead - timedelta(days=1), 10)

        data = self.grid(self.ahead)

        self.assertEqual(data["day"], self.ahead.isoformat())
        self.assertEqual(data["tz"], TOKYO)
        self.assertEqual([s["id"] for s in data["sessions"]], [spin.id, yoga.id])
        self.assertEqual([b["id"] for b in data["bookings"]], [pt.id])
        self.assertNotIn(in_class.id, [b["id"] for b in data["bookings"]])
        first = data["sessions"][0]
        self.assertEqual(first["time"], "07:00")
        self.assertEqual((first["start_minutes"], first["stop_minutes"]), (420, 480))
        self.assertEqual(first["offering"], "Grid Spinning")
        self.assertEqual(first["trainer_id"], self.tara.id)
        self.assertEqual((first["seats_taken"], first["capacity"]), (1, 2))
        self.assertEqual(first["start"], fields.Datetime.to_string(spin.start))
        booking = data["bookings"][0]
        self.assertEqual(booking["member"], "Grid Member 1")
        self.assertEqual(booking["offering"], "Grid Training")
        self.assertEqual(booking["trainer_id"], self.marco.id)
        self.assertEqual(booking["time"], "10:00")
        # The columns: the day's trainers, by name.
        self.assertEqual(
            [t["name"] for t in data["trainers"]], ["Marco Grid", "Tara Grid"]
        )
        self.assertFalse(data["now_minutes"])  # not today

    def test_a_day_is_the_clubs_day(self):
        """Tokyo's 00:30 is the day before in UTC, its 23:30 the same day: both
        are on the club's day, and neither on the next or the day before."""
        early = self.session(self.ahead, 0, minute=30)
        late = self.session(self.ahead, 23, minute=30)
        self.assertEqual(early.start.date(), self.ahead - timedelta(days=1))

        self.assertEqual(
            [s["id"] for s in self.grid(self.ahead)["sessions"]], [early.id, late.id]
        )
        self.assertEqual(self.grid(self.ahead)["sessions"][1]["stop_minutes"], 1440)
        for other in (self.ahead - timedelta(days=1), self.ahead + timedelta(days=1)):
            self.assertEqual(self.grid(other)["sessions"], [])
        # A user whose web client is elsewhere sees the club's day and times.
        elsewhere = (
            self.env["club.session"]
            .with_user(self.viewer)
            .with_context(tz="UTC")
            .get_grid_data(self.ahead.isoformat())
        )
        self.assertEqual(elsewhere["tz"], TOKYO)
        self.assertEqual([s["id"] for s in elsewhere["sessions"]], [early.id, late.id])
        self.assertEqual(elsewhere["sessions"][0]["time"], "00:30")

    def test_today_has_the_time_now(self):
        data = self.grid(self.today)
        self.assertEqual(data["today"], "2026-11-27")
        self.assertEqual(data["now_minutes"], 12 * 60 + 34)
        self.assertFalse(self.grid(self.ahead)["now_minutes"])

    def test_filters_by_offering_and_trainer(self):
        spin = self.session(self.ahead, 7)
        yoga = self.session(self.ahead, 9, self.yoga)
        unassigned = self.session(self.ahead, 11, trainer_id=False)
        pt = self.lone(self.ahead, 10)

        data = self.grid(self.ahead, offering_ids=[self.yoga.id])
        self.assertEqual([s["id"] for s in data["sessions"]], [yoga.id])
        self.assertEqual(data["bookings"], [])
        self.assertEqual([t["id"] for t in data["trainers"]], [self.marco.id])
        # The choices are the day's, whatever is filtered.
        self.assertEqual(
            {c["id"] for c in data["offering_choices"]},
            {self.spinning.id, self.yoga.id, self.training.id},
        )
        self.assertEqual(
            {c["id"] for c in data["trainer_choices"]}, {self.tara.id, self.marco.id}
        )

        data = self.grid(self.ahead, trainer_ids=[self.marco.id])
        self.assertEqual([s["id"] for s in data["sessions"]], [yoga.id])
        self.assertEqual([b["id"] for b in data["bookings"]], [pt.id])

        data = self.grid(
            self.ahead, offering_ids=[self.spinning.id], trainer_ids=[self.tara.id]
        )
        self.assertEqual([s["id"] for s in data["sessions"]], [spin.id])

        # No filter: everything, sessions without trainer included.
        data = self.grid(self.ahead, offering_ids=[], trainer_ids=None)
        self.assertEqual(
            [s["id"] for s in data["sessions"]], [spin.id, yoga.id, unassigned.id]
        )
        self.assertIs(data["sessions"][2]["trainer_id"], False)

        # A filtered trainer with nothing that day still has a column.
        nobody = self.grid(self.ahead + timedelta(days=1), trainer_ids=[self.tara.id])
        self.assertEqual([t["id"] for t in nobody["trainers"]], [self.tara.id])
        self.assertEqual([c["id"] for c in nobody["trainer_choices"]], [self.tara.id])

    def test_tiles_are_coloured_by_state(self):
        # Ahead: seats open, full, cancelled; a booked one-to-one.
        open_ = self.session(self.ahead, 7)
        self.book(0, open_)
        full = self.session(self.ahead, 9)
        self.book(0, full)
        self.book(1, full)
        unlimited = self.session(self.ahead, 11, self.yoga)
        self.book(0, unlimited)
        cancelled = self.session(self.ahead, 13, is_cancelled=True)
        booked = self.lone(self.ahead, 15)
        # Back: to log, logged, over with nothing to log; one-to-ones.
        to_log = self.session(self.back, 7)
        self.book(0, to_log).log_booking("completed")
        self.book(1, to_log)
        logged = self.session(self.back, 9)
        self.book(0, logged).log_booking("no_show")
        empty = self.session(self.back, 11)
        lone_to_log = self.lone(self.back, 13)
        lone_logged = self.lone(self.back, 14)
        lone_logged.log_booking("completed")
        lone_cancelled = self.lone(self.back, 15)
        lone_cancelled.action_cancel()

        statuses = {}
        for day in (self.ahead, self.back):
            data = self.grid(day)
            for row in data["sessions"] + data["bookings"]:
                statuses[row["id"], "seats_taken" in row] = row
        expected = {
            (open_, True): "open",
            (unlimited, True): "open",
            (full, True): "full",
            (cancelled, True): "cancelled",
            (booked, False): "booked",
            (to_log, True): "to_log",
            (logged, True): "logged",
            (empty, True): "logged",
            (lone_to_log, False): "to_log",
            (lone_logged, False): "logged",
            (lone_cancelled, False): "cancelled",
        }
        for (record, is_session), status in expected.items():
            with self.subTest(record=record.display_name, status=status):
                row = statuses[record.id, is_session]
                self.assertEqual(row["status"], status)
        self.assertEqual(statuses[logged.id, True]["state"], "done")

        legend = self.grid(self.ahead)["statuses"]
        self.assertEqual(
            [s["key"] for s in legend],
            ["open", "full", "booked", "to_log", "logged", "cancelled"],
        )
        classes = [s["color_class"] for s in legend]
        self.assertEqual(len(set(classes)), len(classes))
        self.assertEqual(legend[3]["status_label"], "To log")
        self.assertEqual(statuses[full.id, True]["color_class"], classes[1])

    def test_the_answer_is_plain_data(self):
        """Whitelisted values only: JSON and XML-RPC (which has no None) carry it."""
        self.book(0, self.session(self.ahead, 7, trainer_id=False))
        self.lone(self.ahead, 10)
        data = self.grid(self.ahead)
        json.dumps(data)
        xmlrpc.client.dumps((data,), allow_none=False)
        self.assertEqual(
            set(data["sessions"][0]),
            {
                "id",
                "name",
                "offering",
                "offering_id",
                "trainer_id",
                "capacity",
                "seats_taken",
                "seats_available",
                "waitlist_count",
                "state",
                "start",
                "stop",
                "time",
                "start_minutes",
                "stop_minutes",
                "status",
                "status_label",
                "color_class",
            },
        )

    def test_arguments_are_checked(self):
        Session = self.env["club.session"].with_user(self.viewer)
        for day in (
            "2026/11/27",
            "2026-13-01",
            "2026-02-30",
            "27-11-2026",
            "2026-11-27T00:00:00",
            "",
            20261127,
            None,
            date(2026, 11, 27),
        ):
            with self.subTest(day=day), self.assertRaises(UserError) as refused:
                Session.get_grid_data(day)
            self.assertIn("YYYY-MM-DD", str(refused.exception))
        for ids in ("1", 5, [0], [-3], [True], ["7"], [1.0], {"id": 1}, [[1]], [2**31]):
            for name in ("offering_ids", "trainer_ids"):
                with self.subTest(**{name: ids}), self.assertRaises(UserError) as err:
                    Session.get_grid_data("2026-11-27", **{name: ids})
                self.assertIn("positive whole numbers", str(err.exception))
        # Tuples, duplicates and unknown ids are fine (nothing matches those).
        data = Session.get_grid_data("2026-11-27", offering_ids=(9_999_999, 9_999_999))
        self.assertEqual(data["sessions"], [])
        self.assertEqual(data["offering_choices"], [])


@freeze_time(NOW)
class TestDayGridAccess(DayGridCase):
    def test_other_companies_are_not_shown(self):
        mine = self.session(self.ahead, 7)
        theirs_offering = self.env["club.offering"].create(
            {"name": "Other Club Spinning", "company_id": self.other_company.id}
        )
        theirs = self.env["club.session"].create(
            {"offering_id": theirs_offering.id, "start": self.at(self.ahead, 8)}
        )
        theirs_lone = self.env["club.booking"].create(
            {
                "partner_id": self.members[0].id,
                "offering_id": theirs_offering.id,
                "start": self.at(self.ahead, 9),
                "trainer_id": self.tara.id,
            }
        )
        data = self.grid(self.ahead)
        self.assertEqual([s["id"] for s in data["sessions"]], [mine.id])
        self.assertEqual(data["bookings"], [])
        self.assertNotIn(
            theirs_offering.id, [c["id"] for c in data["offering_choices"]]
        )
        # Asking for the other club's offering by id shows nothing either.
        data = self.grid(self.ahead, offering_ids=[theirs_offering.id])
        self.assertEqual((data["sessions"], data["bookings"]), ([], []))
        self.assertEqual(
            [c["id"] for c in data["offering_choices"]], [self.spinning.id]
        )
        # A user of both clubs sees both.
        self.viewer.company_ids = [Command.link(self.other_company.id)]
        both = (
            self.env["club.session"]
            .with_user(self.viewer)
            .with_context(allowed_company_ids=[self.company.id, self.other_company.id])
            .get_grid_data(self.ahead.isoformat())
        )
        # (with the demo club's sessions of that day, in the other company)
        self.assertLessEqual({mine.id, theirs.id}, {s["id"] for s in both["sessions"]})
        self.assertIn(theirs_lone.id, [b["id"] for b in both["bookings"]])

    def test_viewers_may_portal_and_public_users_may_not(self):
        self.session(self.ahead, 7)
        self.assertEqual(len(self.grid(self.ahead)["sessions"]), 1)
        public = self.env.ref("base.public_user")
        for user in (self.portal, public):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.grid(self.ahead, user=user)
        # An employee without any club permission neither.
        with self.assertRaises(AccessError):
            self.grid(self.ahead, user=self.tara)

    def test_a_few_queries_whatever_the_day_holds(self):
        """No query per session or booking: a busy day costs what a quiet one does."""
        quiet, busy = self.ahead, self.ahead + timedelta(days=1)
        for day, count in ((quiet, 1), (busy, 6)):
            for i in range(count):
                session = self.session(day, 6 + i, trainer_id=self.tara.id)
                self.book(i % 3, session)
                self.lone(day, 6 + i, member=i % 3, trainer=self.marco)

        def queries(day):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.grid(day)
            return self.env.cr.sql_log_count - before

        # Access rights and rules in their caches, as in a running server.
        queries(busy)
        queries(quiet)
        self.assertEqual(queries(busy), queries(quiet))
        self.assertLessEqual(queries(busy), 14)


class TestGridViewMenu(TransactionCase):
    def test_grid_view_opens_the_day_grid(self):
        menu = self.env.ref("club_session_logoff.menu_club_grid_view")
        action = self.env.ref("club_session_logoff.club_session_action_day_grid")
        self.assertEqual(menu.action, action)
        self.assertEqual(action.tag, "club_session_day_grid")
        # Week and month: the calendar of sessions; the bookings' calendar stays
        # a view of All Bookings.
        calendar = self.env.ref("club_session_logoff.club_session_action_calendar")
        self.assertEqual(calendar.res_model, "club.session")
        self.assertEqual(calendar.view_mode.split(",")[0], "calendar")
        bookings = self.env.ref("club_session_logoff.club_booking_action")
        self.assertIn("calendar", bookings.view_mode)


class TestDemoTimetable(TransactionCase):
    """The demo club's sessions, two months back and two weeks ahead
    (club.demo._timetable), as `make test` installs them."""

    def setUp(self):
        super().setUp()
        self.spinning = self.env.ref(
            "club_session_logoff.offering_spinning", raise_if_not_found=False
        )
        if not self.spinning:
            self.skipTest("installed without demo data")
        # The demo's own "now": when it was installed (its sessions' creation),
        # not today: a database installed on another day gives the same answer.
        self.installed_at = min(
            self.env["club.session"]
            .search([("offering_id", "=", self.spinning.id)])
            .mapped("create_date")
        )

    def test_two_months_back_two_weeks_ahead(self):
        Session = self.env["club.session"]
        tz = self.env.company._club_tz()
        today = pytz.utc.localize(self.installed_at).astimezone(tz).date()
        offerings = self.env["club.offering"].browse(
            self.env.ref(f"club_session_logoff.offering_{name}").id
            for name in ("spinning", "yoga", "hiit", "stretch", "personal_training")
        )
        sessions = Session.search([("offering_id", "in", offerings.ids)])
        days = {pytz.utc.localize(s.start).astimezone(tz).date() for s in sessions}
        self.assertLessEqual(min(days), today - timedelta(days=59))
        self.assertGreaterEqual(max(days), today + timedelta(days=12))
        spinning = sessions.filtered(lambda s: s.offering_id == self.spinning)
        self.assertEqual(
            {
                pytz.utc.localize(s.start).astimezone(tz).strftime("%H:%M")
                for s in spinning
            }
            - {"09:00"},
            {"07:00", "18:00"},
        )
        # Classes with capacities, some full; personal training of one seat; a
        # class without trainer; one cancelled.
        self.assertTrue(all(s.capacity for s in sessions))
        self.assertTrue(sessions.filtered(lambda s: s.seats_taken == s.capacity))
        # Some full sessions to come have a waitlist.
        waiting = sessions.filtered("waitlist_count")
        self.assertTrue(waiting)
        self.assertTrue(all(s.seats_taken == s.capacity for s in waiting))
        training = self.env.ref("club_session_logoff.offering_personal_training")
        self.assertEqual(
            set(
                sessions.filtered(lambda s: s.offering_id == training).mapped(
                    "capacity"
                )
            ),
            {1},
        )
        self.assertTrue(sessions.filtered(lambda s: not s.trainer_id))
        self.assertEqual(len(sessions.filtered("is_cancelled")), 1)

    def test_past_bookings_are_logged_by_their_trainer(self):
        Booking = self.env["club.booking"]
        tara = self.env.ref("club_session_logoff.user_trainer_tara")
        old = Booking.search(
            [
                ("session_id.offering_id", "=", self.spinning.id),
                ("start", "<", self.installed_at - timedelta(days=3)),
            ]
        )
        self.assertTrue(old)
        self.assertEqual(set(old.mapped("state")) - {"completed", "no_show"}, set())
        self.assertIn("no_show", old.mapped("state"))
        self.assertIn(tara, old.log_user_id)
        self.assertEqual(set(old.mapped("log_source")), {"staff"})
        # Recent ones wait in Log Sessions; one-to-one bookings have no session.
        self.assertTrue(
            Booking.search_count([("to_log", "=", True), ("session_id", "!=", False)])
        )
        self.assertTrue(
            Booking.search_count(
                [
                    ("session_id", "=", False),
                    ("offering_id.offering_type", "=", "service"),
                ]
            )
        )

    def test_waitlists_only_for_sessions_to_come_at_any_hour(self):
        # The demo is installed at any hour: a full session of today that has
        # started has closed its waitlist, so the demo must not ask for a seat
        # in it (installing at 17:00 UTC on a Friday failed so once); and a
        # full session to come has one, whatever the day and hour (Day Grid
        # and roster screens show it).
        Plan = club_demo.Plan
        members = list(self.env["club.demo"]._members().values())
        pt_clients = members[:4]
        tz = self.env.company._club_tz()
        monday = date(2026, 11, 23)
        for day in (monday + timedelta(days=n) for n in range(7)):
            for hhmm in ("06:00", "09:05", "12:30", "18:05", "19:30", "23:30"):
                local = tz.localize(datetime.combine(day, time.fromisoformat(hhmm)))
                now = local.astimezone(pytz.utc).replace(tzinfo=None)
                with self.subTest(day=day.strftime("%A"), at=hhmm), freeze_time(now):
                    plan = Plan(self.env, members, pt_clients)
                    for offset in range(0, 3):
                        plan.day(offset)
                    self.assertTrue(plan.waitlist)
                    starts = [plan.sessions[i]["start"] for i, _m in plan.waitlist]
                    self.assertGreater(min(starts), now)

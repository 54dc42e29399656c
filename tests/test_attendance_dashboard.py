"""Dashboards > Club > Club Attendance: what its file reads exists and can be
grouped and summed; who may open it; and, in a browser, the numbers it shows on a
small known data set (static/tests/tours/attendance_dashboard_tour.js)."""

import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.spreadsheet.utils.validate_data import fields_in_spreadsheet

REPORT = "club.attendance.report"
DASHBOARD = "club_session_logoff.spreadsheet_dashboard_club_attendance"
GROUP = "club_session_logoff.spreadsheet_dashboard_group_club"


class TestAttendanceDashboardFile(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(DASHBOARD)
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        cls.fields = cls.env[REPORT].fields_get(
            attributes=["type", "groupable", "aggregator", "relation"]
        )

    def assert_groupable(self, group_by):
        for spec in group_by:
            name, _sep, granularity = spec.partition(":")
            self.assertIn(name, self.fields, f"{spec}: no such field")
            self.assertTrue(self.fields[name]["groupable"], f"{spec}: not groupable")
            if granularity:
                self.assertIn(self.fields[name]["type"], ("date", "datetime"), spec)

    def assert_aggregatable(self, measure):
        self.assertIn(measure, self.fields, f"{measure}: no such field")
        self.assertTrue(self.fields[measure]["aggregator"], f"{measure}: no aggregate")

    def test_odoo_validation(self):
        # Odoo's own check of dashboard files (fields, models and menus they
        # name), which it runs only in test mode: run it here.
        self.dashboard._check_spreadsheet_data()
        self.assertEqual(set(fields_in_spreadsheet(self.data)), {REPORT})
        self.assertEqual(self.dashboard.main_data_model_ids.model, REPORT)

    def test_pivots_read(self):
        pivots = self.data["pivots"].values()
        self.assertEqual(len(pivots), 4)
        for pivot in pivots:
            self.assertEqual(pivot["model"], REPORT)
            rows = [row["fieldName"] for row in pivot["rows"] + pivot["columns"]]
            self.assert_groupable(rows)
            measures = [measure["fieldName"] for measure in pivot["measures"]]
            for measure in measures:
                self.assert_aggregatable(measure)
            if pivot["sortedColumn"]:
                self.assertIn(pivot["sortedColumn"]["measure"], measures)
            # What the spreadsheet asks the server for, as it asks it.
            self.env[REPORT].read_group(
                pivot["domain"], measures, rows, lazy=False, limit=10
            )

    def test_charts_read(self):
        charts = [
            figure["data"]
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]
        self.assertEqual(
            [chart["metaData"]["measure"] for chart in charts],
            ["booking_count", "no_show_rate"],
        )
        for chart in charts:
            meta = chart["metaData"]
            self.assertEqual(meta["resModel"], REPORT)
            self.assertEqual(meta["groupBy"][0], "date:week")
            self.assert_groupable(meta["groupBy"])
            self.assert_aggregatable(meta["measure"])
            self.env[REPORT].read_group(
                chart["searchParams"]["domain"],
                [meta["measure"]],
                meta["groupBy"],
                lazy=False,
            )

    def test_global_filters_match(self):
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        self.assertEqual(
            sorted(f["label"] for f in filters.values()),
            ["Offering", "Period", "Trainer"],
        )
        period = next(f for f in filters.values() if f["type"] == "date")
        self.assertEqual(period["rangeType"], "relative")
        self.assertEqual(period["defaultValue"], "last_month")  # the last 30 days
        matchings = [pivot["fieldMatching"] for pivot in self.data["pivots"].values()]
        matchings += [
            figure["data"]["fieldMatching"]
            for figure in self.data["sheets"][0]["figures"]
            if "fieldMatching" in figure["data"]
        ]
        for matching in matchings:
            # Every pivot and chart follows every filter.
            self.assertEqual(matching.keys(), filters.keys())
            for filter_id, match in matching.items():
                field = self.fields[match["chain"]]
                self.assertEqual(field["type"], match["type"])
                if filters[filter_id]["type"] == "relation":
                    self.assertEqual(field["relation"], filters[filter_id]["modelName"])
        # The previous period: the same pivot, the date filter one period back.
        current, previous = self.data["pivots"]["1"], self.data["pivots"]["2"]
        self.assertEqual(current["measures"], previous["measures"])
        self.assertEqual(current["fieldMatching"][period["id"]]["offset"], 0)
        self.assertEqual(previous["fieldMatching"][period["id"]]["offset"], -1)

    def test_scorecards_compare_with_previous_period(self):
        cards = {
            figure["data"]["title"]["text"]: figure["data"]
            for figure in self.data["sheets"][0]["figures"]
            if figure["data"]["type"] == "scorecard"
        }
        self.assertEqual(
            list(cards),
            [
                "Bookings",
                "Completion Rate",
                "No-Show Rate",
                "Late Cancels",
                "Penalties Invoiced",
            ],
        )
        cells = self.data["sheets"][1]["cells"]
        for card in cards.values():
            self.assertEqual(card["baselineDescr"], "since last period")
            row = card["keyValue"].removeprefix("Data!D")
            self.assertEqual(card["baseline"], f"Data!E{row}")
        for row in range(2, 11):
            # The previous period's column: the same formula on the previous
            # period's pivot.
            current, previous = cells[f"B{row}"]["content"], cells[f"C{row}"]["content"]
            self.assertEqual(
                current.replace("B", "C").replace("PIVOT.VALUE(1,", "PIVOT.VALUE(2,"),
                previous,
            )
        # The no-show rate is the report's measure (the true rate), shown when
        # the period has a decided booking.
        self.assertEqual(
            cells["B9"]["content"], '=IF(B3+B4,PIVOT.VALUE(1,"no_show_rate"),"")'
        )


class TestAttendanceDashboardAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(DASHBOARD)
        cls.manager = new_test_user(
            cls.env,
            login="dash_access_manager",
            groups="base.group_user,club_session_logoff.group_club_manager",
        )
        cls.viewer = new_test_user(
            cls.env,
            login="dash_access_viewer",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
        )
        cls.plain = new_test_user(
            cls.env, login="dash_access_plain", groups="base.group_user"
        )

    def visible_groups(self, user):
        # What the Dashboards app lists (spreadsheet_dashboard's dashboard_loader):
        # the sections with a published dashboard the user may read.
        return (
            self.env["spreadsheet.dashboard.group"]
            .with_user(user)
            .search([("published_dashboard_ids", "!=", False)])
            .filtered("published_dashboard_ids")
        )

    def test_same_groups_as_the_attendance_menu(self):
        menu = self.env.ref("club_session_logoff.menu_club_attendance_report")
        root = self.env.ref("club_session_logoff.menu_club_root")
        self.assertFalse(menu.groups_id)  # Club's own: club viewers and up
        self.assertEqual(self.dashboard.group_ids, root.groups_id)
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(self.dashboard.dashboard_group_id, self.env.ref(GROUP))

    def test_club_staff_open_it(self):
        for user in (self.manager, self.viewer):
            dashboard = self.dashboard.with_user(user)
            self.assertIn(dashboard, dashboard.search([]))
            self.assertIn(self.env.ref(GROUP), self.visible_groups(user))
            snapshot = dashboard.get_readonly_dashboard()["snapshot"]
            self.assertEqual(snapshot["pivots"]["1"]["model"], REPORT)
            # ... and may read what it reads.
            self.env[REPORT].with_user(user).read_group([], ["booking_count"], [])

    def test_others_do_not_see_it(self):
        dashboard = self.dashboard.with_user(self.plain)
        self.assertNotIn(dashboard, dashboard.search([]))
        self.assertNotIn(self.env.ref(GROUP), self.visible_groups(self.plain))
        with self.assertRaises(AccessError):
            dashboard.check_access("read")
        # Odoo's get_readonly_dashboard checks nothing itself: the file is an
        # attachment of the dashboard, which they may not read either.
        self.assertFalse(dashboard.spreadsheet_data)


@tagged("post_install", "-at_install")
class TestAttendanceDashboardUi(HttpCase):
    """A club of its own (the demo club's bookings stay out of the numbers), with
    bookings of the last 30 days and of the 30 days before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.club = cls.env["res.company"].create({"name": "Dashboard Club"})
        cls.manager = new_test_user(
            cls.env,
            login="dash_club_manager",
            groups="base.group_user,club_session_logoff.group_club_manager",
            company_id=cls.club.id,
            company_ids=[Command.set(cls.club.ids)],
        )
        cls.tara = new_test_user(cls.env, login="dash_tara", name="Dash Tara")
        cls.marco = new_test_user(cls.env, login="dash_marco", name="Dash Marco")
        Offering = cls.env["club.offering"].with_company(cls.club)
        cls.spin, cls.yoga = (
            Offering.create(
                {
                    "name": name,
                    "offering_type": "class",
                    "duration": 1.0,
                    "company_id": cls.club.id,
                }
            )
            for name in ("Dash Spinning", "Dash Yoga")
        )
        cls.member = cls.env["res.partner"].create({"name": "Dash Member"})
        now = fields.Datetime.now()
        # (offering, trainer, days ago, state).
        data = (
            # The last 30 days: 10 bookings, 6 completed, 2 no-shows, 1 late
            # cancel, 1 still open. Completion 6 / 9, no-show rate 2 / 8.
            # Spinning: 2 no-shows out of 5 expected (40 %); Yoga: 0 out of 3.
            ("spin", "tara", 2, "completed"),
            ("spin", "tara", 2, "no_show"),
            ("spin", "tara", 3, "no_show"),
            ("spin", "tara", 10, "completed"),
            ("spin", "tara", 12, "late_cancel"),
            ("spin", "tara", 15, "completed"),
            ("yoga", "marco", 3, "completed"),
            ("yoga", "marco", 11, "completed"),
            ("yoga", "marco", 14, "completed"),
            ("yoga", "marco", 16, "booked"),
            # The 30 days before: 5 bookings, 4 completed, 1 no-show.
            ("spin", "tara", 40, "completed"),
            ("spin", "tara", 42, "no_show"),
            ("yoga", "marco", 45, "completed"),
            ("yoga", "marco", 50, "completed"),
            ("yoga", "marco", 52, "completed"),
        )
        Booking = cls.env["club.booking"].with_company(cls.club)
        bookings = Booking.create(
            [
                {
                    "partner_id": cls.member.id,
                    "offering_id": getattr(cls, offering).id,
                    "trainer_id": getattr(cls, trainer).id,
                    "start": now - timedelta(days=days),
                }
                for offering, trainer, days, _state in data
            ]
        )
        cls.env.flush_all()
        # The outcomes' rules (credits, penalties) are tested elsewhere: here
        # only the states the report reads matter.
        for booking, (*_rest, state) in zip(bookings, data, strict=True):
            cls.env.cr.execute(
                SQL(
                    "UPDATE club_booking SET state = %s WHERE id = %s",
                    state,
                    booking.id,
                )
            )
        # The first no-show's penalty was invoiced.
        penalty = (
            cls.env["club.penalty"]
            .sudo()
            .create(
                {
                    "partner_id": cls.member.id,
                    "booking_id": bookings[1].id,
                    "kind": "no_show",
                    "amount": 15.0,
                    "company_id": cls.club.id,
                }
            )
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL("UPDATE club_penalty SET state = 'invoiced' WHERE id = %s", penalty.id)
        )
        cls.env.invalidate_all()

    def test_dashboard_shows_the_club_figures(self):
        self.start_tour(
            "/odoo/dashboards",
            "club_attendance_dashboard_tour",
            login=self.manager.login,
        )

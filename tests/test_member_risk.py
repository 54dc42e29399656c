"""Members at risk (club.member.risk): who is on the list at its edges, each club's
own settings and rows, Schedule a Call, and the member form's attendance at a
glance."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

# Monday 16 March 2026, noon UTC. With the default settings (4 visits in 60 days,
# none in the last 21), in a club on UTC: the absence window starts at midnight
# 21 days ago, the regular window 60 days before that.
NOW = datetime(2026, 3, 16, 12, 0)
ABSENT_FROM = datetime(2026, 2, 23, 0, 0)
REGULAR_FROM = datetime(2025, 12, 25, 0, 0)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


class RiskCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Clubs of their own: the demo club's members stay out of the lists.
        cls.club = cls.env["res.company"].create({"name": "Risk Club"})
        cls.other_club = cls.env["res.company"].create({"name": "Risk Other Club"})
        (cls.club | cls.other_club).partner_id.tz = "UTC"
        cls.spin = cls.offering(cls.club, "Risk Spinning")
        cls.other_spin = cls.offering(cls.other_club, "Elsewhere Spinning")
        cls.viewer = new_test_user(
            cls.env,
            login="risk_viewer",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
            company_id=cls.club.id,
            company_ids=[Command.set(cls.club.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="risk_manager",
            groups="base.group_user,club_session_logoff.group_club_manager",
            company_id=cls.club.id,
            company_ids=[Command.set((cls.club | cls.other_club).ids)],
        )
        cls.regular_visits = [
            REGULAR_FROM + 5 * DAY,
            REGULAR_FROM + 20 * DAY,
            ABSENT_FROM - 20 * DAY,
            ABSENT_FROM - 10 * DAY,
        ]

    @classmethod
    def offering(cls, club, name):
        return (
            cls.env["club.offering"]
            .with_company(club)
            .create(
                {
                    "name": name,
                    "offering_type": "class",
                    "duration": 1.0,
                    "company_id": club.id,
                }
            )
        )

    @classmethod
    def new_member(cls, name):
        cls.members_made = getattr(cls, "members_made", 0) + 1
        ref = f"RISK-{cls.members_made}"
        return cls.env["res.partner"].create(
            {
                "name": name,
                "club_member_ref": ref,
                "phone": "+1 555-0100",
                "email": f"{name.split()[0].lower()}@example.com",
            }
        )

    @classmethod
    def bookings(cls, partner, starts, state="completed", offering=None):
        """Bookings of ``partner`` at these starts, in ``state``. The outcomes'
        rules (credits, penalties) are tested elsewhere: only the state the list
        reads matters here."""
        offering = offering or cls.spin
        bookings = (
            cls.env["club.booking"]
            .with_company(offering.company_id)
            .create(
                [
                    {"partner_id": partner.id, "offering_id": offering.id, "start": s}
                    for s in starts
                ]
            )
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE club_booking SET state = %s WHERE id IN %s",
                state,
                tuple(bookings.ids),
            )
        )
        bookings.invalidate_recordset(["state"])
        return bookings


@freeze_time(NOW)
class TestMemberRisk(RiskCase):
    def at_risk(self, user=None, club=None):
        """The rows of the list as ``user`` sees them (the superuser in both
        clubs by default), of ``club`` if given, by member."""
        if user:
            risk = self.env["club.member.risk"].with_user(user)
        else:
            risk = self.env["club.member.risk"].with_context(
                allowed_company_ids=(self.club | self.other_club).ids
            )
        domain = [("company_id", "=", club.id)] if club else []
        return {row.partner_id: row for row in risk.search(domain)}

    # ------------------------------------------------------------------
    # Who is at risk
    # ------------------------------------------------------------------
    def test_exactly_the_minimum_of_visits_is_at_risk(self):
        regular = self.new_member("Rita Regular")
        self.bookings(regular, self.regular_visits)
        almost = self.new_member("Alma Almost")
        self.bookings(almost, self.regular_visits[1:])
        rows = self.at_risk(club=self.club)
        self.assertIn(regular, rows)
        self.assertNotIn(almost, rows, "3 visits: not a regular member")
        row = rows[regular]
        self.assertEqual(row.visit_count, 4)
        self.assertEqual(row.last_visit, ABSENT_FROM - 10 * DAY)
        self.assertEqual(row.company_id, self.club)
        self.assertEqual(row.phone, "+1 555-0100")
        self.assertEqual(row.email, "rita@example.com")
        # A click on the row opens the member.
        self.assertEqual(row.action_open_member()["res_id"], regular.id)

    def test_the_windows_edges(self):
        # A visit at midnight 21 days ago is in the absence window: the member
        # came in the last 21 days.
        came_on_day = self.new_member("Ben Boundary")
        self.bookings(came_on_day, self.regular_visits[1:] + [ABSENT_FROM])
        # One second earlier it is the regular window's last visit.
        came_before = self.new_member("Bea Before")
        self.bookings(came_before, self.regular_visits[1:] + [ABSENT_FROM - SECOND])
        # The regular window starts at midnight 81 days ago: a visit then counts,
        # one a second earlier does not.
        first_day = self.new_member("Fay First")
        self.bookings(first_day, [REGULAR_FROM] + self.regular_visits[1:])
        too_early = self.new_member("Ted Tooearly")
        self.bookings(too_early, [REGULAR_FROM - SECOND] + self.regular_visits[1:])
        rows = self.at_risk(club=self.club)
        self.assertNotIn(came_on_day, rows)
        self.assertIn(came_before, rows)
        self.assertEqual(rows[came_before].last_visit, ABSENT_FROM - SECOND)
        self.assertIn(first_day, rows)
        self.assertNotIn(too_early, rows)

    def test_a_recent_visit_removes_the_member(self):
        regular = self.new_member("Rob Returns")
        self.bookings(regular, self.regular_visits)
        self.assertIn(regular, self.at_risk(club=self.club))
        self.bookings(regular, [NOW - 2 * DAY])
        self.assertNotIn(regular, self.at_risk(club=self.club))

    def test_time_passing(self):
        regular = self.new_member("Tim Time")
        self.bookings(regular, self.regular_visits)
        # 19 days after the last visit: not yet missing for 21 days.
        with freeze_time(self.regular_visits[-1] + 19 * DAY):
            self.assertNotIn(regular, self.at_risk(club=self.club))
        self.assertIn(regular, self.at_risk(club=self.club))
        # Months later the visits left the regular window.
        with freeze_time(NOW + 60 * DAY):
            self.assertNotIn(regular, self.at_risk(club=self.club))

    def test_only_completed_bookings_are_visits(self):
        member = self.new_member("Nina Noshow")
        self.bookings(member, self.regular_visits[1:])
        for state in ("no_show", "late_cancel", "cancelled", "booked"):
            self.bookings(member, [ABSENT_FROM - 3 * DAY], state=state)
        self.assertNotIn(member, self.at_risk(club=self.club), "3 visits only")
        # Not coming to a booking in the last 21 days is not a visit either.
        regular = self.new_member("Nick Noshow")
        self.bookings(regular, self.regular_visits)
        self.bookings(regular, [ABSENT_FROM - 2 * DAY], state="no_show")
        self.bookings(regular, [NOW - 3 * DAY, NOW - DAY], state="no_show")
        self.bookings(regular, [NOW - 2 * DAY], state="late_cancel")
        self.bookings(regular, [NOW + DAY], state="booked")
        rows = self.at_risk(club=self.club)
        self.assertIn(regular, rows)
        self.assertEqual(rows[regular].visit_count, 4)
        # No-shows of both windows; not those before them.
        self.bookings(regular, [REGULAR_FROM - DAY], state="no_show")
        self.assertEqual(self.at_risk(club=self.club)[regular].no_show_count, 3)

    def test_archived_members_are_left_out(self):
        regular = self.new_member("Ann Archived")
        self.bookings(regular, self.regular_visits)
        regular.active = False
        self.assertNotIn(regular, self.at_risk(club=self.club))

    def test_credits_left(self):
        regular = self.new_member("Carl Credits")
        self.bookings(regular, self.regular_visits)
        Credit = self.env["club.session.credit"]
        # Two free credits, one expired (not yet marked so by the nightly job),
        # one held by a booking to come, one used, one of the other club.
        Credit.create(
            [
                {"partner_id": regular.id, "company_id": self.club.id},
                {"partner_id": regular.id, "company_id": self.club.id},
                {
                    "partner_id": regular.id,
                    "company_id": self.club.id,
                    "expiry_date": date(2026, 3, 15),
                },
                {"partner_id": regular.id, "company_id": self.other_club.id},
            ]
        )
        Credit.create({"partner_id": regular.id, "company_id": self.club.id})
        to_come = (
            self.env["club.booking"]
            .with_company(self.club)
            .create(
                {
                    "partner_id": regular.id,
                    "offering_id": self.spin.id,
                    "start": NOW + 3 * DAY,
                }
            )
        )
        self.assertTrue(to_come.credit_id, "the booking to come holds a credit")
        self.assertEqual(self.at_risk(club=self.club)[regular].credit_count, 2)

    def test_club_time_zone(self):
        """Days are the club's days: in New York the absence window starts at
        midnight there, 05:00 UTC."""
        regular = self.new_member("Nora York")
        late_evening = ABSENT_FROM + timedelta(hours=3)  # 22:00 the day before
        self.bookings(regular, self.regular_visits[1:] + [late_evening])
        self.assertNotIn(regular, self.at_risk(club=self.club))
        self.club.partner_id.tz = "America/New_York"
        self.assertIn(regular, self.at_risk(club=self.club))

    # ------------------------------------------------------------------
    # Each club: its settings, its rows
    # ------------------------------------------------------------------
    def test_each_club_applies_its_own_settings(self):
        member = self.new_member("Sam Twoclubs")
        # Here: 3 visits, not regular by the defaults.
        self.bookings(member, self.regular_visits[1:])
        # There: one visit 10 days ago.
        self.bookings(member, [NOW - 10 * DAY], offering=self.other_spin)
        self.assertFalse(self.at_risk(club=self.club))
        self.assertFalse(self.at_risk(club=self.other_club))
        # The other club: 1 visit in 30 days makes a regular, 7 days away a risk.
        self.other_club.write(
            {
                "club_risk_min_visits": 1,
                "club_risk_regular_days": 30,
                "club_risk_absent_days": 7,
            }
        )
        there = self.at_risk(club=self.other_club)
        self.assertEqual(list(there), [member])
        self.assertEqual(there[member].visit_count, 1)
        self.assertFalse(self.at_risk(club=self.club), "its settings stay its own")
        # Here: 3 visits now make a regular; the other club's visit is not one.
        self.club.club_risk_min_visits = 3
        here = self.at_risk(club=self.club)
        self.assertEqual(here[member].visit_count, 3)
        self.assertEqual(here[member].last_visit, ABSENT_FROM - 10 * DAY)

    def test_company_rule(self):
        here = self.new_member("Hal Here")
        self.bookings(here, self.regular_visits)
        there = self.new_member("Tess There")
        self.bookings(there, self.regular_visits, offering=self.other_spin)
        self.assertEqual(set(self.at_risk(self.viewer)), {here})
        self.assertEqual(set(self.at_risk(self.manager)), {here, there})
        # The manager working in the other club only: its rows only.
        risk = self.env["club.member.risk"].with_user(self.manager)
        rows = risk.with_context(allowed_company_ids=self.other_club.ids).search([])
        self.assertEqual(rows.partner_id, there)
        plain = new_test_user(self.env, login="risk_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["club.member.risk"].with_user(plain).search([])

    def test_settings_bounds_and_club_managers(self):
        company = self.club.with_user(self.manager)
        company.write(
            {
                "club_risk_min_visits": 8,
                "club_risk_regular_days": 90,
                "club_risk_absent_days": 14,
            }
        )
        self.assertEqual(self.club.club_risk_min_visits, 8)
        for name, value in (
            ("club_risk_min_visits", 0),
            ("club_risk_min_visits", 101),
            ("club_risk_regular_days", 0),
            ("club_risk_regular_days", 366),
            ("club_risk_absent_days", 0),
            ("club_risk_absent_days", 366),
        ):
            with (
                self.subTest(name=name, value=value),
                self.assertRaisesRegex(ValidationError, "must be between"),
            ):
                company.write({name: value})
        # Only the clubs one works for.
        lone = self.env["res.company"].create({"name": "Risk Lone Club"})
        with self.assertRaises(AccessError):
            lone.with_user(self.manager).write({"club_risk_absent_days": 10})
        for view in (
            "club_session_logoff.res_company_view_form_club",
            "base.res_config_settings_view_form",
        ):
            model = "res.company" if "company" in view else "res.config.settings"
            arch = self.env[model].get_view(self.env.ref(view).id, "form")["arch"]
            self.assertIn('name="club_risk_settings"', arch)
            self.assertIn('name="club_risk_absent_days"', arch)

    # ------------------------------------------------------------------
    # Schedule a Call
    # ------------------------------------------------------------------
    def call_activities(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("mail.mail_activity_data_call").id,
                ),
            ]
        )

    def test_schedule_a_call(self):
        rita = self.new_member("Rita Call")
        self.bookings(rita, self.regular_visits)
        ralf = self.new_member("Ralf Call")
        self.bookings(ralf, self.regular_visits[:3])
        self.club.club_risk_min_visits = 3
        rows = self.env["club.member.risk"].with_user(self.viewer).search([])
        self.assertEqual(rows.partner_id, rita | ralf)
        self.assertFalse(any(rows.mapped("call_scheduled")))
        result = rows.action_schedule_call()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("2 call(s) scheduled", result["params"]["message"])
        activities = self.call_activities(rita | ralf)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.viewer)
        self.assertEqual(set(activities.mapped("date_deadline")), {NOW.date()})
        rita_call = activities.filtered(lambda a: a.res_id == rita.id)
        self.assertEqual(
            rita_call.summary, "Member at risk: last visit on 02/13/2026 at Risk Club"
        )
        rows.invalidate_recordset(["call_scheduled"])
        self.assertTrue(all(rows.mapped("call_scheduled")))
        self.assertEqual(
            rows.search([("call_scheduled", "=", False)]).partner_id.ids, []
        )
        # Again: nothing twice.
        result = rows.action_schedule_call()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn(
            "You already have a call planned with", result["params"]["message"]
        )
        self.assertIn("Rita Call", result["params"]["message"])
        self.assertEqual(len(self.call_activities(rita | ralf)), 2)
        # Another user's call on the member is not the viewer's: the manager
        # gets one too.
        self.env["club.member.risk"].with_user(self.manager).search(
            [("partner_id", "=", rita.id)]
        ).action_schedule_call()
        self.assertEqual(self.call_activities(rita).user_id, self.viewer | self.manager)

    def test_schedule_a_call_leaves_out_who_is_not_at_risk_here(self):
        back = self.new_member("Bob Back")
        self.bookings(back, self.regular_visits)
        stays = self.new_member("Sue Stays")
        self.bookings(stays, self.regular_visits)
        there = self.new_member("Tom There")
        self.bookings(there, self.regular_visits, offering=self.other_spin)
        Risk = self.env["club.member.risk"]
        rows = Risk.with_user(self.manager).search([])
        self.assertEqual(rows.partner_id, back | stays | there)
        # Bob came back since the list was read; the viewer works here only.
        self.bookings(back, [NOW - DAY])
        result = rows.with_user(self.viewer).action_schedule_call()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("1 call(s) scheduled", result["params"]["message"])
        self.assertIn(
            "2 selected member(s) are no longer at risk in your clubs",
            result["params"]["message"],
        )
        self.assertEqual(self.call_activities(back | stays | there).res_id, stays.id)
        # Nothing left to call: refused.
        with self.assertRaisesRegex(UserError, "no call was scheduled"):
            rows.filtered(lambda r: r.partner_id == there).with_user(
                self.viewer
            ).action_schedule_call()

    def test_schedule_a_call_needs_club_access(self):
        regular = self.new_member("Pia Plain")
        self.bookings(regular, self.regular_visits)
        row = self.env["club.member.risk"].with_user(self.viewer).search([])
        plain = new_test_user(
            self.env,
            login="risk_plain_caller",
            groups="base.group_user,base.group_partner_manager",
            company_id=self.club.id,
            company_ids=[Command.set(self.club.ids)],
        )
        with self.assertRaises(AccessError):
            row.with_user(plain).action_schedule_call()
        self.assertFalse(self.call_activities(regular))


@freeze_time(NOW)
class TestMemberAttendance(RiskCase):
    """The member form's attendance at a glance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.new_member("Gina Glance")
        cls.bookings(cls.member, [NOW - 89 * DAY, NOW - 30 * DAY, NOW - 2 * DAY])
        cls.bookings(cls.member, [NOW - 91 * DAY])  # before the 90 days
        cls.bookings(cls.member, [NOW - 20 * DAY, NOW - 5 * DAY], state="no_show")
        cls.bookings(cls.member, [NOW - 3 * DAY], state="late_cancel")
        cls.bookings(cls.member, [NOW - 4 * DAY], state="cancelled")
        cls.bookings(cls.member, [NOW + DAY], state="booked")
        # The other club's visits are not the viewer's to see.
        cls.bookings(cls.member, [NOW - DAY, NOW - 6 * DAY], offering=cls.other_spin)
        cls.others = cls.env["res.partner"].create(
            [{"name": f"Glance {i}", "club_member_ref": f"G-{i}"} for i in range(5)]
        )
        for partner in cls.others:
            cls.bookings(partner, [NOW - 10 * DAY])

    def test_numbers_of_the_last_90_days(self):
        member = self.member.with_user(self.viewer)
        self.assertEqual(member.club_attendance_completed, 3)
        self.assertEqual(member.club_attendance_no_show, 2)
        self.assertEqual(member.club_attendance_late_cancel, 1)
        self.assertEqual(member.club_last_visit, NOW - 2 * DAY)
        # In both clubs (a user of both, both selected).
        both = self.member.with_context(
            allowed_company_ids=(self.club | self.other_club).ids
        )
        self.assertEqual(both.club_attendance_completed, 5)
        self.assertEqual(both.club_last_visit, NOW - DAY)

    def test_computed_in_batch(self):
        def queries(partners):
            partners.invalidate_recordset()
            before = self.env.cr.sql_log_count
            partners.mapped("club_attendance_completed")
            return self.env.cr.sql_log_count - before

        viewer_env = self.env(user=self.viewer)
        queries(self.others[1:2].with_env(viewer_env))  # the rules, the groups...
        one = queries(self.others[:1].with_env(viewer_env))
        six = queries((self.others | self.member).with_env(viewer_env))
        self.assertEqual(one, six)
        self.assertEqual(
            (self.others | self.member)
            .with_env(viewer_env)
            .mapped("club_attendance_completed"),
            [1, 1, 1, 1, 1, 3],
        )

    def test_club_users_only(self):
        plain = new_test_user(self.env, login="glance_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.member.with_user(plain).read(["club_attendance_completed"])
        form = self.env.ref("base.view_partner_form")
        arch = (
            self.env["res.partner"].with_user(plain).get_view(form.id, "form")["arch"]
        )
        self.assertNotIn("club_attendance_completed", arch)
        arch = (
            self.env["res.partner"].with_user(self.viewer).get_view(form.id, "form")
        )["arch"]
        self.assertIn('name="club_attendance_completed"', arch)
        self.assertIn('name="club_last_visit"', arch)

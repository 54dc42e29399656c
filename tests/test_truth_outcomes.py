"""What "logged" means, once: the outcome table's attributes (is_logged,
attended, missed, in_no_show_rate, strike, holds_seat, reported) give every set
of states the addon reads. A late cancel is logged (its credit lost, its date,
user and source written) everywhere: the booking, the member's form, the
session's state, the day grid's tile, the report, Members at Risk."""

from datetime import datetime, timedelta

import pytz
from freezegun import freeze_time
from lxml import etree

from odoo.tools.safe_eval import safe_eval

from odoo.addons.club_session_logoff.models import club_booking_outcomes as table
from odoo.addons.club_session_logoff.models.club_attendance_report import (
    RATE_STATES,
    REPORT_STATES,
)
from odoo.addons.club_session_logoff.models.club_member_risk import COUNTED_STATES
from odoo.addons.club_session_logoff.models.res_partner import ATTENDANCE_STATES

from .common import ClubCase
from .test_member_risk import ABSENT_FROM, RiskCase
from .test_member_risk import NOW as RISK_NOW

NOW = datetime(2026, 3, 10, 12, 0, 0)


def search_filter(env, view_xmlid, name):
    """The domain of the filter ``name`` of a search view, as the web client
    evaluates it."""
    arch = env.ref(view_xmlid).arch_db
    node = etree.fromstring(arch).find(f".//filter[@name='{name}']")
    return safe_eval(node.get("domain"), {})


class TestTheTable(ClubCase):
    def test_every_state_set_comes_from_the_table(self):
        self.assertEqual(table.LOGGED_STATES, ("completed", "no_show", "late_cancel"))
        self.assertEqual(ATTENDANCE_STATES, table.LOGGED_STATES)
        self.assertEqual(COUNTED_STATES, table.LOGGED_STATES)
        self.assertEqual(RATE_STATES, ("completed", "no_show"))
        self.assertEqual(table.MISSED_STATES, ("no_show",))
        self.assertEqual(table.STRIKE_STATES, ("no_show",))
        self.assertNotIn("waitlisted", REPORT_STATES)
        self.assertEqual(
            set(REPORT_STATES), set(table.OUTCOME_BY_STATE) - {"waitlisted"}
        )

    def test_the_log_wizard_offers_what_staff_log(self):
        wizard = self.env["club.booking.log.wizard"]
        self.assertEqual(
            [value for value, _label in wizard._fields["status"].selection],
            [o.state for o in table.OUTCOMES if o.logged_by_staff],
        )


@freeze_time(NOW)
class TestALateCancelIsLogged(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spinning.late_cancel_hours = 24
        cls.training.late_cancel_hours = 24

    def late_cancel(self, offering=None, **vals):
        """A booking of ``offering`` two hours ahead, late-cancelled."""
        offering = offering or self.spinning
        self.credit(offering_type=offering.offering_type)
        values = {"partner_id": self.member.id, **vals}
        if "session_id" not in vals:
            values.update(offering_id=offering.id, start=NOW + timedelta(hours=2))
        booking = self.env["club.booking"].create(values)
        booking.with_user(self.desk).cancel_booking()
        self.assertEqual(booking.state, "late_cancel")
        return booking

    def test_the_booking_and_its_filters(self):
        late = self.late_cancel()
        cancelled = self.book(hours_ago=-48)
        cancelled.with_user(self.desk).cancel_booking()
        self.assertEqual(cancelled.state, "cancelled")
        self.assertTrue(late.is_logged)
        self.assertFalse(cancelled.is_logged)
        Booking = self.env["club.booking"]
        logged = search_filter(
            self.env, "club_session_logoff.club_booking_view_search", "logged"
        )
        found = Booking.search(logged + [("id", "in", (late | cancelled).ids)])
        self.assertEqual(found, late)

    def test_a_session_is_done_when_it_took_place_and_nothing_is_left(self):
        session = self.env["club.session"].create(
            {"offering_id": self.spinning.id, "start": NOW + timedelta(hours=2)}
        )
        self.late_cancel(session_id=session.id)
        # Late cancels alone: the session is still to come and takes bookings.
        self.assertEqual(session.state, "scheduled")
        self.credit()
        other = self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": session.id}
        )
        self.assertEqual(other.state, "booked")
        self.assertEqual(session.state, "scheduled")
        with freeze_time(NOW + timedelta(hours=3)):
            other.with_user(self.manager).log_booking("completed")
        # It took place, the late cancel is logged too: nothing is left to log.
        self.assertEqual(session.state, "done")

    def test_the_day_grid_shows_a_logged_tile(self):
        late = self.late_cancel(self.training, trainer_id=self.manager.id)
        tz = self.env.company._club_tz()
        day = pytz.utc.localize(late.start).astimezone(tz).date()
        data = self.env["club.session"].get_grid_data(day.isoformat())
        tile = next(b for b in data["bookings"] if b["id"] == late.id)
        self.assertEqual(tile["status"], "logged")

    def test_the_report_counts_it_logged(self):
        late = self.late_cancel()
        logged = search_filter(
            self.env,
            "club_session_logoff.club_attendance_report_view_search",
            "filter_decided",
        )
        rows = self.env["club.attendance.report"].search(
            logged + [("booking_id", "=", late.id)]
        )
        self.assertEqual(len(rows), 1)
        self.assertTrue(rows.is_logged)
        # Not a no-show, nor in the rate's denominator.
        self.assertEqual(rows.no_show_count, 0)
        self.assertFalse(rows.no_show_rate)


@freeze_time(RISK_NOW)
class TestMembersAtRiskCountLateCancels(RiskCase):
    def test_late_cancels_are_counted_as_on_the_member_form(self):
        member = self.new_member("Lara Late")
        self.bookings(member, self.regular_visits)
        self.bookings(member, [ABSENT_FROM + timedelta(days=2)], state="late_cancel")
        self.bookings(member, [ABSENT_FROM + timedelta(days=3)], state="no_show")
        row = (
            self.env["club.member.risk"]
            .with_context(allowed_company_ids=self.club.ids)
            .search([("partner_id", "=", member.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.visit_count, row.no_show_count, row.late_cancel_count), (4, 1, 1)
        )
        member.invalidate_recordset()
        self.assertEqual(member.club_attendance_late_cancel, row.late_cancel_count)

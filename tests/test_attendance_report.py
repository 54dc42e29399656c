"""The attendance analysis (club.attendance.report): its counts and its no-show rate on
a small known data set, grouped by offering, trainer and month; what it leaves out;
who may read it."""

from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tools import SQL

from .common import ClubCase

JAN = datetime(2026, 1, 14, 18, 0)
FEB = datetime(2026, 2, 11, 9, 0)

# (offering, trainer, month, state) of every booking of the data set.
DATA = (
    # Spinning with Tara: January 3 completed + 1 no-show (25 %), February 1 no-show,
    # 1 cancelled, 1 late cancel (100 %: cancellations are not in the denominator).
    ("spin", "tara", JAN, "completed"),
    ("spin", "tara", JAN, "completed"),
    ("spin", "tara", JAN, "completed"),
    ("spin", "tara", JAN, "no_show"),
    ("spin", "tara", FEB, "no_show"),
    ("spin", "tara", FEB, "cancelled"),
    ("spin", "tara", FEB, "late_cancel"),
    # Yoga with Marco: January 1 completed, 1 no-show, 1 still booked; February 1
    # completed taught by Tara.
    ("yoga", "marco", JAN, "completed"),
    ("yoga", "marco", JAN, "no_show"),
    ("yoga", "marco", JAN, "booked"),
    ("yoga", "tara", FEB, "completed"),
    # Asked for a full session: never held a seat, not in the report.
    ("spin", "tara", JAN, "waitlisted"),
)

MEASURES = [
    "booking_count:sum",
    "completed_count:sum",
    "no_show_count:sum",
    "late_cancel_count:sum",
    "cancelled_count:sum",
    "no_show_rate:avg",
    "penalty_amount:sum",
]


class TestAttendanceReport(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A club of its own: the demo club's bookings stay out of the numbers.
        cls.club = cls.env["res.company"].create({"name": "Report Club"})
        cls.other_club = cls.env["res.company"].create({"name": "Report Other Club"})
        cls.tara = new_test_user(cls.env, login="report_tara", name="Tara Report")
        cls.marco = new_test_user(cls.env, login="report_marco", name="Marco Report")
        offering = cls.env["club.offering"].with_company(cls.club)
        cls.spin = offering.create(
            {
                "name": "Report Spinning",
                "offering_type": "class",
                "duration": 1.0,
                "company_id": cls.club.id,
            }
        )
        cls.yoga = offering.create(
            {
                "name": "Report Yoga",
                "offering_type": "class",
                "duration": 1.0,
                "company_id": cls.club.id,
            }
        )
        cls.bookings = cls.env["club.booking"]
        for offering_name, trainer, start, state in DATA:
            booking = cls.make_booking(
                getattr(cls, offering_name), getattr(cls, trainer), start
            )
            cls.set_state(booking, state)
            cls.bookings |= booking
        # The no-show of February is charged and invoiced; a pending penalty of
        # January's no-show is not (yet) an amount invoiced.
        no_shows = cls.bookings.filtered(lambda b: b.state == "no_show")
        spin_feb = no_shows.filtered(
            lambda b: b.offering_id == cls.spin and b.start == FEB
        )
        spin_jan = no_shows.filtered(
            lambda b: b.offering_id == cls.spin and b.start == JAN
        )
        cls.penalty(spin_feb, 12.5, "invoiced")
        cls.penalty(spin_jan, 7.0, "pending")
        # Another club's booking, on the same day.
        other_offering = offering.create(
            {
                "name": "Elsewhere Spinning",
                "offering_type": "class",
                "duration": 1.0,
                "company_id": cls.other_club.id,
            }
        )
        cls.other_booking = cls.make_booking(other_offering, cls.tara, JAN)
        cls.set_state(cls.other_booking, "no_show")
        cls.env.flush_all()

    @classmethod
    def make_booking(cls, offering, trainer, start):
        return (
            cls.env["club.booking"]
            .with_company(offering.company_id)
            .create(
                {
                    "partner_id": cls.member.id,
                    "offering_id": offering.id,
                    "trainer_id": trainer.id,
                    "start": start,
                }
            )
        )

    @classmethod
    def set_state(cls, booking, state):
        # The outcomes' rules (credits, penalties) are tested elsewhere: here only
        # the state the report reads matters.
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL("UPDATE club_booking SET state = %s WHERE id = %s", state, booking.id)
        )
        booking.invalidate_recordset(["state"])

    @classmethod
    def penalty(cls, booking, amount, state):
        penalty = (
            cls.env["club.penalty"]
            .sudo()
            .create(
                {
                    "partner_id": booking.partner_id.id,
                    "booking_id": booking.id,
                    "kind": "no_show",
                    "amount": amount,
                    "company_id": booking.company_id.id,
                }
            )
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL("UPDATE club_penalty SET state = %s WHERE id = %s", state, penalty.id)
        )
        penalty.invalidate_recordset(["state"])

    def groups(self, groupby, report=None, domain=None):
        report = report or self.env["club.attendance.report"]
        rows = report._read_group(
            domain or [("company_id", "=", self.club.id)], groupby, MEASURES
        )
        return {
            tuple(row[: len(groupby)]): dict(
                zip(MEASURES, row[len(groupby) :], strict=True)
            )
            for row in rows
        }

    def test_by_offering_true_rate(self):
        by_offering = self.groups(["offering_id"])
        spin = by_offering[(self.spin,)]
        self.assertEqual(spin["booking_count:sum"], 7)  # the waitlisted one is out
        self.assertEqual(spin["completed_count:sum"], 3)
        self.assertEqual(spin["no_show_count:sum"], 2)
        self.assertEqual(spin["late_cancel_count:sum"], 1)
        self.assertEqual(spin["cancelled_count:sum"], 1)
        # 2 no-shows out of 5 bookings the member was expected at: 40 %, not the
        # average of January's 25 % and February's 100 % (62.5 %).
        self.assertAlmostEqual(spin["no_show_rate:avg"], 40.0)
        self.assertEqual(spin["penalty_amount:sum"], 12.5)
        yoga = by_offering[(self.yoga,)]
        self.assertEqual(yoga["booking_count:sum"], 4)
        self.assertEqual(yoga["completed_count:sum"], 2)
        self.assertEqual(yoga["no_show_count:sum"], 1)
        # The open booking is not decided: 1 out of 3.
        self.assertAlmostEqual(yoga["no_show_rate:avg"], 100 / 3)
        self.assertEqual(yoga["penalty_amount:sum"], 0)

    def test_by_month(self):
        by_month = self.groups(["date:month"])
        self.assertEqual(len(by_month), 2)
        jan, feb = (by_month[key] for key in sorted(by_month))
        self.assertEqual(jan["booking_count:sum"], 7)
        self.assertEqual(jan["no_show_count:sum"], 2)
        # 2 out of 6 decided (4 + 2 completed, the open one not counted).
        self.assertAlmostEqual(jan["no_show_rate:avg"], 2 / 6 * 100)
        self.assertEqual(feb["booking_count:sum"], 4)
        # February: Spinning's no-show and Yoga's completion; the cancellations
        # are not in the denominator.
        self.assertAlmostEqual(feb["no_show_rate:avg"], 50.0)

    def test_by_offering_and_month(self):
        cells = self.groups(["offering_id", "date:month"])
        rates = {
            (offering.name, month.month): values["no_show_rate:avg"]
            for (offering, month), values in cells.items()
        }
        self.assertEqual(
            rates,
            {
                ("Report Spinning", 1): 25.0,
                ("Report Spinning", 2): 100.0,
                ("Report Yoga", 1): 50.0,
                ("Report Yoga", 2): 0.0,
            },
        )

    def test_by_trainer(self):
        by_trainer = self.groups(["trainer_id"])
        tara = by_trainer[(self.tara,)]
        self.assertEqual(tara["booking_count:sum"], 8)
        self.assertEqual(tara["completed_count:sum"], 4)
        self.assertEqual(tara["no_show_count:sum"], 2)
        # 2 out of 6; by offering her rates would be 40 % and 0 %.
        self.assertAlmostEqual(tara["no_show_rate:avg"], 2 / 6 * 100)
        marco = by_trainer[(self.marco,)]
        self.assertEqual(marco["booking_count:sum"], 3)
        self.assertAlmostEqual(marco["no_show_rate:avg"], 50.0)

    def test_waitlisted_left_out(self):
        waitlisted = self.bookings.filtered(lambda b: b.state == "waitlisted")
        self.assertEqual(len(waitlisted), 1)
        report = self.env["club.attendance.report"]
        self.assertFalse(report.search([("booking_id", "in", waitlisted.ids)]))
        self.assertEqual(
            report.search_count([("booking_id", "in", self.bookings.ids)]),
            len(self.bookings) - 1,
        )

    def test_weekday_and_hour_in_club_time_zone(self):
        self.club.partner_id.tz = "America/New_York"
        self.env.flush_all()
        row = self.env["club.attendance.report"].search(
            [("booking_id", "=", self.bookings[0].id)]
        )
        # Wednesday 14 January 2026, 18:00 UTC = 13:00 in New York.
        self.assertEqual(row.weekday, "3")
        self.assertEqual(row.hour, 13)

    def test_weekday_and_hour_follow_the_start_and_the_club(self):
        booking = self.bookings.filtered(lambda b: b.state == "booked")[:1]
        self.assertTrue(booking)
        report = self.env["club.attendance.report"]
        # Saturday 17 January 2026, 07:30 UTC.
        booking.start = datetime(2026, 1, 17, 7, 30)
        row = report.search([("booking_id", "=", booking.id)])
        self.assertEqual((row.weekday, row.hour), ("6", 7))
        # The club moves to Tokyo (UTC+9): the same start is 16:30 there.
        self.club.partner_id.tz = "Asia/Tokyo"
        report.invalidate_model()  # the view's rows, read above, are cached
        row = report.search([("booking_id", "=", booking.id)])
        self.assertEqual((row.weekday, row.hour), ("6", 16))

    def test_company_rule(self):
        viewer = new_test_user(
            self.env,
            login="report_viewer",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
            company_id=self.club.id,
            company_ids=[Command.set(self.club.ids)],
        )
        report = self.env["club.attendance.report"].with_user(viewer)
        seen = report.search(
            [("booking_id", "in", (self.bookings | self.other_booking).ids)]
        )
        self.assertEqual(
            seen.booking_id, self.bookings.filtered(lambda b: b.state != "waitlisted")
        )
        self.assertEqual(
            self.groups(["offering_id"], report=report, domain=[]).keys(),
            {(self.spin,), (self.yoga,)},
        )

    def test_plain_user_has_no_access(self):
        plain = new_test_user(self.env, login="report_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["club.attendance.report"].with_user(plain).search([])

"""One usable-credit rule (club.session.credit USABLE_CREDIT, as a domain and
as SQL) and one check-in window and attendance evidence (club.booking): the
member form, Members at Risk, the kiosk, Log Roster and the nightly job read
the same definitions."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tools import SQL

from odoo.addons.club_session_logoff.models.club_session_credit import (
    FREE_CREDIT_INDEX,
    USABLE_CREDIT,
)

from .common import ClubCase

NOW = datetime(2026, 3, 10, 12, 0, 0)


@freeze_time(NOW)
class TestFreeCredits(ClubCase):
    def test_an_expired_available_credit_is_not_free(self):
        self.credit(expiry_date=NOW.date() - timedelta(days=1))
        fresh = self.credit(expiry_date=NOW.date())
        self.credit()  # never expires
        self.member.invalidate_recordset()
        self.assertEqual(self.member.club_available_credit_count, 2)
        Credit = self.env["club.session.credit"]
        free = Credit.search(
            [("partner_id", "=", self.member.id), ("is_free", "=", True)]
        )
        self.assertEqual(len(free), 2)
        self.assertIn(fresh, free)
        # The SQL of the same rule agrees with the domain.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM club_session_credit c WHERE c.partner_id = %s "
                "AND %s",
                self.member.id,
                Credit._usable_sql("c", NOW.date(), free=True),
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 2)

    def test_one_declaration(self):
        self.assertEqual([rule[0] for rule in USABLE_CREDIT], ["state", "expiry_date"])

    def test_the_free_credits_index_is_built_from_the_rule(self):
        """The partial index of free credits (Members at Risk's credit count,
        the allocation) has the rule's fixed terms as its predicate, so
        PostgreSQL may read it for the rule's SQL: the plan of the free credits
        of a member uses it once sequential scans are ruled out (as with
        years of used credits)."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            [FREE_CREDIT_INDEX],
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("(partner_id, company_id)", definition)
        self.assertIn("'available'", definition)
        self.assertIn("booking_id IS NULL", definition)
        Credit = self.env["club.session.credit"]
        # (SET LOCAL lasts as long as the test class's transaction: put back.)
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        try:
            self.env.cr.execute(
                SQL(
                    "EXPLAIN SELECT c.partner_id, count(*) FROM club_session_credit c"
                    " WHERE c.company_id = %s AND %s GROUP BY c.partner_id",
                    self.company.id,
                    Credit._usable_sql("c", NOW.date(), free=True),
                )
            )
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("SET LOCAL enable_seqscan = on")
        self.assertIn(FREE_CREDIT_INDEX, plan)


@freeze_time(NOW)
class TestOneCheckInWindow(ClubCase):
    def test_the_window_is_the_same_in_sql_python_and_the_kiosk(self):
        # Stored before the bounds existed: beyond the bound of a day, it is a
        # day everywhere.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_company SET club_kiosk_minutes_before = 5000, "
            "club_kiosk_minutes_after = 60 WHERE id = %s",
            [self.company.id],
        )
        self.company.invalidate_recordset()
        booking = self.book(hours_ago=0)  # starts now
        self.env["club.checkin"].create(
            {
                "partner_id": self.member.id,
                "checkin_time": NOW + timedelta(minutes=10),
                "source": "desk",
            }
        )
        opens, closes = booking._checkin_window()
        self.assertEqual(
            (opens, closes), (NOW - timedelta(days=1), NOW + timedelta(minutes=60))
        )
        booking.invalidate_recordset()
        self.assertTrue(booking.checked_in)
        self.assertEqual(booking._attendance_evidence(), {booking.id: "checked_in"})
        earliest, latest = booking._starts_in_window_of(
            NOW + timedelta(minutes=10), self.company
        )
        self.assertTrue(earliest <= booking.start <= latest)
        self.assertIn("within the window", booking.day_checkin_summary)

    def test_log_roster_reads_the_evidence_the_job_reads(self):
        session = self.env["club.session"].create(
            {"offering_id": self.spinning.id, "start": NOW - timedelta(hours=1)}
        )
        came = self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": session.id}
        )
        stayed = self.env["club.booking"].create(
            {"partner_id": self.other_member.id, "session_id": session.id}
        )
        self.env["club.checkin"].create(
            {
                "partner_id": self.member.id,
                "checkin_time": NOW - timedelta(hours=1, minutes=5),
                "source": "desk",
            }
        )
        evidence = (came | stayed)._attendance_evidence()
        completed, no_show = self.env["club.session"]._roster_evidence(came | stayed)
        self.assertEqual(completed, came)
        self.assertEqual(no_show, stayed)
        self.assertEqual(evidence, {came.id: "checked_in", stayed.id: False})

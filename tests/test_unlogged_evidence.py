"""The third rule for unlogged bookings: log them by check-in evidence
(``club_unlogged_action = evidence``)."""

from freezegun import freeze_time

from odoo import Command

from .test_unlogged import UnloggedCase, utc


@freeze_time("2026-03-10 08:00:00")
class TestEvidenceRule(UnloggedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"club_kiosk_minutes_before": 60, "club_kiosk_minutes_after": 30}
        )

    def check_in(self, local, partner=None, company=None):
        return self.env["club.checkin"].create(
            {
                "partner_id": (partner or self.member).id,
                "company_id": (company or self.company).id,
                "checkin_time": utc(local),
                "source": "kiosk",
            }
        )

    def test_checked_in_within_the_window_is_completed_else_no_show(self):
        self.set_policy("evidence", 3)
        # One booking a day (at 18:00 local), so that no check-in counts for two.
        credits = [self.credit() for _i in range(3)]
        in_first_minute = self.book_at("2026-03-01 18:00")
        self.check_in("2026-03-01 17:00")  # 60 minutes before: in
        too_early = self.book_at("2026-03-02 18:00")
        self.check_in("2026-03-02 16:59")  # 61 minutes before: out
        nothing = self.book_at("2026-03-05 18:00")
        in_last_minute = self.book_at("2026-03-03 18:00")
        self.check_in("2026-03-03 18:30")  # 30 minutes after: in
        too_late = self.book_at("2026-03-04 18:00")
        self.check_in("2026-03-04 18:31")  # 31 minutes after: out
        not_due = self.book_at("2026-03-08 18:00")
        credits = dict(zip((in_first_minute, too_early, nothing), credits, strict=True))
        for booking, credit in credits.items():
            self.assertEqual(booking.credit_id, credit)

        summary = self.run_cron()

        self.assertEqual(summary["completed"], 2)
        self.assertEqual(summary["no_show"], 3)
        self.assertIn("no-shows: 3", self.company.club_unlogged_last_summary)
        for booking in in_first_minute | in_last_minute:
            self.assertEqual(booking.state, "completed")
            self.assertEqual(booking.log_source, "auto")
            self.assertIn(
                "checked in within the booking's time window", booking.log_note
            )
            self.assertIn("check-in evidence", self.log_lines(booking).body)
        for booking in too_early | too_late | nothing:
            self.assertEqual(booking.state, "no_show")
            self.assertIn(
                "neither checked in within the booking's time window nor confirmed",
                booking.log_note,
            )
        self.assertEqual(credits[in_first_minute].state, "used")
        self.assertEqual(credits[too_early].state, "lost")
        self.assertEqual(credits[nothing].state, "lost")
        self.assertEqual(not_due.state, "booked")

    def test_confirmed_at_the_kiosk_is_completed(self):
        self.set_policy("evidence", 3)
        confirmed = self.book_at("2026-03-05 18:00")
        # Confirmed at the kiosk, but the club does not log on confirmation.
        confirmed.sudo().write(
            {"kiosk_confirmed": True, "kiosk_confirm_date": utc("2026-03-05 17:50")}
        )
        both = self.book_at("2026-03-06 18:00")
        both.sudo().kiosk_confirmed = True
        self.check_in("2026-03-06 17:50")

        self.run_cron()

        self.assertEqual((confirmed | both).mapped("state"), ["completed"] * 2)
        for booking in confirmed | both:
            self.assertIn(
                "confirmed the booking at the check-in kiosk", booking.log_note
            )

    def test_only_the_clubs_own_check_ins_count(self):
        other_club = self.env["res.company"].create({"name": "Other Evidence Club"})
        self.set_policy("evidence", 3)
        booking = self.book_at("2026-03-05 18:00")
        self.check_in("2026-03-05 17:55", company=other_club)
        self.check_in("2026-03-05 17:55", partner=self.other_member)

        self.run_cron()

        self.assertEqual(booking.state, "no_show")

    def test_the_evidence_of_a_batch_is_one_query(self):
        self.set_policy("evidence", 3)
        bookings = self.Booking
        for day in range(1, 7):
            bookings |= self.book_at(f"2026-03-0{day} 18:00")
            self.check_in(f"2026-03-0{day} 17:45")
        Booking = type(self.Booking)
        calls = []
        evidence = Booking._attendance_evidence

        def counted(records, *args, **kwargs):
            calls.append(len(records))
            return evidence(records, *args, **kwargs)

        self.patch(Booking, "_attendance_evidence", counted)
        self.run_cron()
        self.assertEqual(calls, [6])
        self.assertEqual(set(bookings.mapped("state")), {"completed"})

    def test_will_be_logged_as_shows_the_outcome_each_booking_will_get(self):
        self.set_policy("evidence", 3)
        self.cron.nextcall = utc("2026-03-11 04:00")
        came = self.book_at("2026-03-07 10:00")
        self.check_in("2026-03-07 09:50")
        confirmed = self.book_at("2026-03-07 12:00", partner=self.other_member)
        confirmed.sudo().kiosk_confirmed = True
        missed = self.book_at("2026-03-08 10:00")
        later = self.book_at("2026-03-09 10:00")
        mine = [("partner_id", "in", (self.member | self.other_member).ids)]

        due = self.Booking.search([("auto_log_due", "=", True), *mine])
        self.assertEqual(due, came | confirmed | missed)
        self.assertEqual(
            [b.auto_log_status for b in (came, confirmed, missed)],
            ["completed", "completed", "no_show"],
        )
        self.assertFalse(later.auto_log_due)
        self.assertEqual(later.auto_log_status, "no_show")

        # Log Sessions shows the column.
        arch = self.Booking.with_user(self.loggers["class_session"]).get_view(
            self.env.ref("club_session_logoff.club_booking_view_list_log").id, "list"
        )["arch"]
        self.assertIn('name="auto_log_status"', arch)

        self.set_policy("complete", 3)
        self.assertEqual(missed.auto_log_status, "completed")
        self.set_policy("cancel", 3)
        self.assertEqual(missed.auto_log_status, "cancelled")
        self.set_policy("none")
        self.assertFalse(missed.auto_log_status)
        missed.log_booking("completed")
        self.set_policy("evidence", 3)
        self.assertFalse(missed.auto_log_status)

    def test_club_managers_choose_the_evidence_rule(self):
        self.manager.write({"company_ids": [Command.link(self.company.id)]})
        self.company.with_user(self.manager).write({"club_unlogged_action": "evidence"})
        self.assertEqual(self.company.club_unlogged_action, "evidence")
        for model in ("res.company", "res.config.settings"):
            selection = self.env[model].fields_get(["club_unlogged_action"])[
                "club_unlogged_action"
            ]["selection"]
            self.assertIn(("evidence", "Log by check-in evidence"), selection)

    def test_its_no_shows_count_as_strikes(self):
        self.set_policy(
            "evidence",
            3,
            club_strike_count=2,
            club_strike_days=30,
            club_strike_block_days=7,
        )
        self.member.email = "mia@example.com"
        self.book_at("2026-03-05 18:00")
        self.book_at("2026-03-06 18:00")
        self.book_at("2026-03-06 18:00", partner=self.other_member)

        self.run_cron()

        # Blocked until 7 days after the run's day, in Brussels, at this club
        # (a block is the club's).
        member = self.member.with_company(self.company)
        self.assertEqual(str(member.club_blocked_until), "2026-03-17")
        self.assertFalse(
            self.other_member.with_company(self.company).club_blocked_until
        )

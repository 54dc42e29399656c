"""Automatic log-off of unlogged bookings and the session-credit clean-up
(the scheduled action ``ir_cron_unlogged_bookings``)."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

import pytz
from freezegun import freeze_time
from psycopg2 import errors

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from .batch_commits import KilledRun, SimulatedCommitsMixin  # noqa: F401
from .common import ClubCase

UNLOGGED = "odoo.addons.club_session_logoff.models.club_unlogged_job"
# The batches, retries and commits the scheduled actions share (club.batch.job).
BATCH_JOB = "odoo.addons.club_session_logoff.models.club_batch_job"
NEW_YORK = "America/New_York"
BRUSSELS = "Europe/Brussels"


def utc(local, tz=BRUSSELS):
    """Naive UTC of a local wall-clock time ``YYYY-MM-DD HH:MM``."""
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M")
    return pytz.timezone(tz).localize(moment).astimezone(pytz.utc).replace(tzinfo=None)


class UnloggedCase(SimulatedCommitsMixin, ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Booking = cls.env["club.booking"]
        cls.cron = cls.env.ref("club_session_logoff.ir_cron_unlogged_bookings")
        # A club of its own, in Brussels: the demo club's bookings and credits
        # stay out of the figures.
        cls.company = cls.env["res.company"].create({"name": "Unlogged Test Club"})
        cls.company.partner_id.tz = BRUSSELS
        offerings = cls.env["club.offering"].create(
            [
                {"name": name, "offering_type": kind, "duration": hours}
                | {"company_id": cls.company.id}
                for name, kind, hours in (
                    ("Spinning", "class", 1.0),
                    ("Yoga", "class", 1.5),
                    ("Personal Training", "service", 1.0),
                    ("Core 15", "class", 0.25),
                )
            ]
        )
        cls.spinning, cls.yoga, cls.training, cls.short = offerings
        staff = cls.manager | cls.viewer | cls.desk
        for user in cls.loggers.values():
            staff |= user
        staff.write({"company_ids": [Command.link(cls.company.id)]})

    @classmethod
    def credit(cls, partner=None, offering_type="class", paid=True, **vals):
        return super().credit(
            partner, offering_type, paid, **{"company_id": cls.company.id, **vals}
        )

    def setUp(self):
        super().setUp()
        self.simulate_batch_commits("club.unlogged.job")

    def set_policy(self, action, days=3, company=None, **vals):
        (company or self.company).write(
            {"club_unlogged_action": action, "club_unlogged_days": days, **vals}
        )

    def book_at(self, local, offering=None, partner=None, tz=BRUSSELS, **vals):
        return self.Booking.create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": (offering or self.spinning).id,
                "start": utc(local, tz),
                **vals,
            }
        )

    def run_cron(self):
        return self.Booking._cron_process_unlogged_bookings()

    def log_lines(self, record):
        return record.message_ids.filtered(lambda m: "Logged as" in (m.body or ""))


class TestAutoLogOff(UnloggedCase):
    @freeze_time("2026-03-10 08:00:00")
    def test_complete_after_n_days(self):
        self.set_policy("complete", 3)
        credit = self.credit()
        due = self.book_at("2026-03-06 18:00")
        last_due_day = self.book_at("2026-03-07 22:00", partner=self.other_member)
        not_yet = self.book_at("2026-03-08 00:30")
        future = self.book_at("2026-03-11 10:00")
        self.assertEqual(due.credit_id, credit)

        summary = self.run_cron()

        self.assertEqual(summary["completed"], 2)
        for booking in due | last_due_day:
            self.assertEqual(booking.state, "completed")
            self.assertEqual(booking.log_source, "auto")
            self.assertEqual(booking.log_user_id, self.env.user)
            self.assertIn(
                "log unlogged bookings as completed after 3 days", booking.log_note
            )
            line = self.log_lines(booking)
            self.assertEqual(len(line), 1)
            self.assertIn("Automatic", line.body)
            self.assertIn("after 3 days", line.body)
        self.assertEqual(credit.state, "used")
        self.assertEqual(due.credit_id, credit)
        self.assertIn("Session credit #%s used" % credit.id, self.log_lines(due).body)
        self.assertEqual((not_yet | future).mapped("state"), ["booked", "booked"])

    @freeze_time("2026-03-10 08:00:00")
    def test_cancel_after_n_days_gives_the_credit_back(self):
        self.set_policy("cancel", 2)
        credit = self.credit()
        booking = self.book_at("2026-03-08 07:00")
        kept = self.book_at("2026-03-09 07:00", partner=self.other_member)
        self.assertEqual(booking.credit_id, credit)

        summary = self.run_cron()

        self.assertEqual(summary["cancelled"], 1)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.log_source, "auto")
        self.assertIn("cancel unlogged bookings after 2 days", booking.log_note)
        self.assertFalse(booking.credit_id)
        self.assertEqual(credit.state, "available")
        self.assertFalse(credit.booking_id)
        self.assertIn(
            "Session credit #%s given back to the member" % credit.id,
            self.log_lines(booking).body,
        )
        self.assertEqual(kept.state, "booked")
        # The credit is the member's again, for the next booking.
        self.assertEqual(self.book_at("2026-03-12 10:00").credit_id, credit)

    @freeze_time("2026-03-10 08:00:00")
    def test_leave_them_unlogged(self):
        self.set_policy("none", 1)
        booking = self.book_at("2026-02-01 10:00")
        summary = self.run_cron()
        self.assertEqual(booking.state, "booked")
        self.assertEqual(summary["completed"] + summary["cancelled"], 0)

    def test_days_are_whole_local_days_from_the_start(self):
        cases = {
            # N: (due, not due) at 2026-03-10 12:00 Brussels
            7: ("2026-03-03 23:59", "2026-03-04 00:00"),
            1: ("2026-03-09 23:00", "2026-03-10 09:00"),
            0: ("2026-03-10 10:00", "2026-03-10 11:50"),  # the latter still runs
        }
        with freeze_time(utc("2026-03-10 12:00")):
            for days, (due_at, kept_at) in cases.items():
                with self.subTest(days=days):
                    self.set_policy("complete", days)
                    partner = self.env["res.partner"].create({"name": f"N={days}"})
                    due = self.book_at(due_at, partner=partner)
                    kept = self.book_at(kept_at, partner=partner)
                    self.run_cron()
                    self.assertEqual(due.state, "completed")
                    self.assertEqual(kept.state, "booked")

    def test_time_zone_boundary_booking_at_half_past_eleven(self):
        """A booking at 23:30 local belongs to its local day, whatever the UTC
        date says, on both sides of Greenwich."""
        self.set_policy("complete", 1)
        for tz in (NEW_YORK, BRUSSELS):
            with self.subTest(tz=tz):
                self.company.partner_id.tz = tz
                partner = self.env["res.partner"].create({"name": f"Late {tz}"})
                booking = self.book_at(
                    "2026-03-02 23:30", offering=self.short, partner=partner, tz=tz
                )
                with freeze_time(utc("2026-03-02 23:59", tz)):
                    self.run_cron()
                    self.assertEqual(booking.state, "booked")
                with freeze_time(utc("2026-03-03 00:10", tz)):
                    self.run_cron()
                    self.assertEqual(booking.state, "completed")

    def test_company_time_zone_fallbacks(self):
        club = self.env["res.company"].create({"name": "Club Zone"})
        self.assertEqual(club._club_tz().zone, "UTC")
        new_test_user(
            self.env,
            login="zone_user",
            company_id=club.id,
            company_ids=[(6, 0, club.ids)],
            tz="Asia/Tokyo",
        )
        # A user's time zone is the user's, never the club's.
        self.assertEqual(club._club_tz().zone, "UTC")
        club.partner_id.tz = NEW_YORK
        self.assertEqual(club._club_tz().zone, NEW_YORK)

    @freeze_time("2026-03-10 08:00:00")
    def test_each_company_with_its_own_settings(self):
        club_b = self.env["res.company"].create({"name": "Club B"})
        club_b.partner_id.tz = NEW_YORK
        club_c = self.env["res.company"].create({"name": "Club C"})
        self.set_policy("complete", 3)
        self.set_policy("cancel", 1, company=club_b)
        self.set_policy("none", 1, company=club_c)
        spin_b = self.env["club.offering"].create(
            {"name": "Spin B", "company_id": club_b.id}
        )
        spin_c = self.env["club.offering"].create(
            {"name": "Spin C", "company_id": club_c.id}
        )
        credit_b = self.credit(company_id=club_b.id)
        a_old = self.book_at("2026-03-05 10:00")
        a_recent = self.book_at("2026-03-08 10:00")
        b_recent = self.book_at("2026-03-08 10:00", offering=spin_b, tz=NEW_YORK)
        c_old = self.book_at("2026-03-01 10:00", offering=spin_c)
        self.assertEqual(b_recent.company_id, club_b)
        self.assertEqual(b_recent.credit_id, credit_b)

        self.run_cron()

        self.assertEqual(a_old.state, "completed")
        self.assertEqual(a_recent.state, "booked")
        self.assertEqual(b_recent.state, "cancelled")
        self.assertEqual(credit_b.state, "available")
        self.assertFalse(credit_b.booking_id)
        self.assertEqual(c_old.state, "booked")
        self.assertIn("Completed: 1,", self.company.club_unlogged_last_summary)
        self.assertIn("cancelled: 1,", club_b.club_unlogged_last_summary)
        self.assertIn("Completed: 0, cancelled: 0", club_c.club_unlogged_last_summary)

    @freeze_time("2026-03-10 08:00:00")
    def test_bookings_logged_by_staff_are_left_alone(self):
        self.set_policy("complete", 1)
        credit = self.credit()
        booking = self.book_at("2026-03-05 10:00")
        booking.with_user(self.manager).log_booking("no_show", "Called in sick")
        self.run_cron()
        self.assertEqual(booking.state, "no_show")
        self.assertEqual(booking.log_source, "staff")
        self.assertEqual(booking.log_note, "Called in sick")
        self.assertEqual(credit.state, "lost")
        self.assertEqual(len(self.log_lines(booking)), 1)

    @freeze_time("2026-03-10 08:00:00")
    def test_running_twice_changes_nothing_more(self):
        self.set_policy("complete", 1, club_credit_cleanup=True)
        credits = self.credit() | self.credit()
        bookings = self.book_at("2026-03-05 10:00") | self.book_at("2026-03-06 10:00")
        first = self.run_cron()
        messages = self.env["mail.message"].search_count([("model", "like", "club.")])
        second = self.run_cron()
        self.assertEqual(first["completed"], 2)
        for key in ("completed", "cancelled", "credits_assigned", "credits_expired"):
            self.assertEqual(second[key], 0, key)
        self.assertEqual(
            self.env["mail.message"].search_count([("model", "like", "club.")]),
            messages,
        )
        self.assertEqual(set(bookings.mapped("state")), {"completed"})
        self.assertEqual(bookings.credit_id, credits)
        self.assertEqual(set(credits.mapped("state")), {"used"})
        for booking in bookings:
            self.assertEqual(len(self.log_lines(booking)), 1)

    @freeze_time("2026-03-10 08:00:00")
    def test_a_crash_between_batches_loses_nothing_and_the_next_run_finishes(self):
        self.set_policy("complete", 1)
        members = self.env["res.partner"].create(
            [{"name": f"Crash {i}"} for i in range(5)]
        )
        credits = self.env["club.session.credit"]
        bookings = self.Booking
        for index, member in enumerate(members):
            credits |= self.credit(partner=member)
            bookings |= self.book_at(f"2026-03-0{index + 1} 10:00", partner=member)
        self.durable = self.env.cr.savepoint()
        self.crash_at = 2  # the first batch is committed, the second one is not

        # Not self.assertRaises: its own savepoint would end with the batch's.
        with patch(f"{UNLOGGED}.BATCH_SIZE", 2):
            try:
                self.env["club.unlogged.job"]._run(self.company)
            except KilledRun:
                pass
            else:
                self.fail("the run should have been killed")
        self.durable.rollback()
        self.env.invalidate_all()
        self.assertEqual(bookings.mapped("state"), ["completed"] * 2 + ["booked"] * 3)
        self.assertEqual(credits.mapped("state"), ["used"] * 2 + ["available"] * 3)

        self.crash_at = None
        with patch(f"{UNLOGGED}.BATCH_SIZE", 2):
            summary = self.env["club.unlogged.job"]._run(self.company)
        self.assertEqual(summary["completed"], 3)
        self.assertEqual(set(bookings.mapped("state")), {"completed"})
        for booking, credit in zip(bookings, credits, strict=True):
            self.assertEqual(booking.credit_id, credit)
            self.assertEqual(credit.state, "used")
            self.assertEqual(len(self.log_lines(booking)), 1)

    def test_time_budget_leaves_the_rest_for_the_next_run(self):
        # Real time: the budget is measured with time.monotonic().
        self.set_policy("complete", 1)
        bookings = self.book(hours_ago=24 * 5) | self.book(hours_ago=24 * 6)
        summary = self.env["club.unlogged.job"]._run(self.company, time_budget=1e-9)
        self.assertEqual(summary["remaining"], 2)
        self.assertEqual(set(bookings.mapped("state")), {"booked"})
        self.assertIn(
            "Left for the next run, which comes soon: 2",
            self.company.club_unlogged_last_summary,
        )
        # The cron hears about it, and so runs again soon.
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        with patch.object(
            type(self.env["club.unlogged.job"]), "_time_budget", lambda self: 1e-9
        ):
            self.Booking.with_context(
                ir_cron_progress_id=progress.id
            )._cron_process_unlogged_bookings()
        self.assertGreaterEqual(progress.remaining, 2)  # and the demo club's
        self.assertEqual(progress.done, 0)

    def test_a_batch_meeting_a_concurrent_update_starts_again(self):
        attempts = []

        def batch():
            attempts.append(len(attempts))
            if len(attempts) < 3:
                raise errors.SerializationFailure("concurrent update")
            return {"completed": 7}, False

        # A real run rolls back to start the batch on a new snapshot; the test
        # cursor refuses that, and there is nothing to undo here.
        self.patch(self.env.cr, "rollback", lambda: None)
        with patch(f"{BATCH_JOB}.time.sleep"):
            self.assertEqual(
                self.env["club.unlogged.job"]._retrying(batch),
                ({"completed": 7}, False),
            )
            self.assertEqual(len(attempts), 3)
            attempts.clear()
            with (
                patch(f"{BATCH_JOB}.MAX_ATTEMPTS", 2),
                self.assertRaises(errors.SerializationFailure),
            ):
                self.env["club.unlogged.job"]._retrying(batch)

    def test_scheduled_action_is_daily_and_editable(self):
        self.assertTrue(self.cron.active)
        self.assertEqual(
            (self.cron.interval_number, self.cron.interval_type), (1, "days")
        )
        self.assertEqual(self.cron.model_id.model, "club.booking")
        self.assertIn("_cron_process_unlogged_bookings()", self.cron.code)
        with freeze_time("2026-03-10 08:00:00"):
            self.set_policy("complete", 1)
            booking = self.book_at("2026-03-05 10:00")
            self.cron.method_direct_trigger()
            self.assertEqual(booking.state, "completed")


class TestCreditCleanUp(UnloggedCase):
    def completed_without_credit(self, local, partner=None, offering=None):
        booking = self.book_at(local, partner=partner, offering=offering)
        booking.log_booking("completed")
        self.assertFalse(booking.credit_id)
        return booking

    @freeze_time("2026-03-10 08:00:00")
    def test_completed_bookings_take_the_members_free_credits(self):
        self.set_policy("none")
        older = self.completed_without_credit("2026-03-02 10:00")
        newer = self.completed_without_credit("2026-03-03 10:00")
        service = self.completed_without_credit(
            "2026-03-04 10:00", offering=self.training
        )
        # Unpaid credits bought since (a paid one would pay a booking at once),
        # and credits the clean-up must not take.
        credit = self.credit(paid=False)
        self.credit(paid=False, expiry_date=date(2026, 3, 9))
        self.credit(paid=False, partner=self.other_member)
        self.credit(paid=False, offering_id=self.yoga.id)

        self.run_cron()
        self.assertFalse(older.credit_id, "the clean-up is off")

        self.company.club_credit_cleanup = True
        summary = self.env["club.unlogged.job"]._run(self.company)

        self.assertEqual(summary["credits_assigned"], 1)
        self.assertEqual(older.credit_id, credit, "the oldest booking is paid first")
        self.assertEqual(credit.state, "used")
        self.assertFalse(newer.credit_id)
        self.assertFalse(service.credit_id)
        self.assertEqual(summary["without_credit"], 2)
        self.assertIn(
            "Credit clean-up: session credit #%s now pays" % credit.id,
            older.message_ids[0].body,
        )
        self.assertIn(
            "Completed bookings still without a session credit: 2",
            self.company.club_unlogged_last_summary,
        )

    @freeze_time("2026-03-10 08:00:00")
    def test_stronger_option_frees_credits_of_future_bookings(self):
        self.set_policy("none", club_credit_cleanup=True)
        near_credit, far_credit = self.credit(), self.credit()
        near = self.book_at("2026-03-12 10:00")
        far = self.book_at("2026-03-20 10:00")
        self.assertEqual((near.credit_id, far.credit_id), (near_credit, far_credit))
        completed = self.completed_without_credit("2026-03-02 10:00")

        self.run_cron()
        self.assertFalse(completed.credit_id, "the stronger option is off")
        self.assertEqual(far.state, "booked")

        self.company.club_credit_cleanup_future = True
        summary = self.run_cron()

        self.assertEqual(summary["future_cancelled"], 1)
        self.assertEqual(summary["credits_assigned"], 1)
        self.assertEqual(far.state, "cancelled")
        self.assertEqual(far.log_note, "Cancelled by admin (credit clean-up)")
        self.assertEqual(far.log_source, "auto")
        self.assertIn("Cancelled by admin (credit clean-up)", far.message_ids[0].body)
        self.assertFalse(far.credit_id)
        self.assertEqual(completed.credit_id, far_credit)
        self.assertTrue(completed.is_paid)
        self.assertEqual(far_credit.state, "used")
        self.assertIn(far.name, completed.message_ids[0].body)
        self.assertEqual(near.state, "booked")
        self.assertEqual(near.credit_id, near_credit)
        # Nothing left to do: the next run cancels nothing more.
        self.assertEqual(self.run_cron()["future_cancelled"], 0)
        self.assertEqual(near.state, "booked")

    @freeze_time("2026-03-10 08:00:00")
    def test_credits_past_their_expiry_date_expire(self):
        self.set_policy("none")
        with freeze_time("2026-02-27 12:00:00"):
            used = self.credit(expiry_date=date(2026, 3, 1), partner=self.other_member)
            used_booking = self.book_at("2026-02-27 10:00", partner=self.other_member)
            self.assertEqual(used_booking.credit_id, used)
            used_booking.log_booking("completed")
        past = self.credit(expiry_date=date(2026, 3, 9))
        today = self.credit(expiry_date=date(2026, 3, 10), partner=self.other_member)
        reserved = self.credit(
            expiry_date=date(2026, 3, 12),
            partner=self.env["res.partner"].create({"name": "R"}),
        )
        reserving = self.book_at("2026-03-11 10:00", partner=reserved.partner_id)
        self.assertEqual(reserving.credit_id, reserved)

        with freeze_time("2026-03-13 08:00:00"):
            summary = self.run_cron()

        self.assertEqual(past.state, "expired")
        self.assertIn("Expired", past.message_ids[0].body)
        self.assertEqual(today.state, "expired")
        self.assertEqual(used.state, "used")
        self.assertEqual(reserved.state, "available", "an open booking holds it")
        self.assertEqual(summary["credits_expired"], 2)


class TestWillBeAutoLogged(UnloggedCase):
    @freeze_time("2026-03-10 08:00:00")
    def test_filter_shows_what_the_next_run_will_log(self):
        self.set_policy("complete", 3)
        self.cron.nextcall = utc("2026-03-11 04:00")
        due_now = self.book_at("2026-03-07 10:00")
        due_tonight = self.book_at("2026-03-08 14:00")
        later = self.book_at("2026-03-09 10:00")
        logged = self.book_at("2026-03-01 10:00")
        logged.log_booking("completed")
        mine = [("partner_id", "=", self.member.id)]

        found = self.Booking.search([("auto_log_due", "=", True), *mine])
        self.assertEqual(found, due_now | due_tonight)
        self.assertEqual(
            self.Booking.search([("auto_log_due", "=", False), *mine]), later | logged
        )
        self.assertTrue(due_tonight.auto_log_due)
        self.assertEqual(due_tonight.auto_log_date, utc("2026-03-11 00:00"))
        self.assertFalse(later.auto_log_due)
        self.assertFalse(logged.auto_log_date)

        # Staff see it in Log Sessions, and log one by hand first.
        arch = self.Booking.with_user(self.loggers["class_session"]).get_view(
            view_type="search"
        )["arch"]
        self.assertIn('name="auto_log_due"', arch)
        due_tonight.with_user(self.loggers["class_session"]).log_booking("no_show")
        self.assertEqual(
            self.Booking.search([("auto_log_due", "=", True), *mine]), due_now
        )

        self.set_policy("none")
        self.assertFalse(self.Booking.search([("auto_log_due", "=", True), *mine]))
        self.set_policy("cancel", 3)
        self.cron.active = False
        self.assertFalse(self.Booking.search([("auto_log_due", "=", True), *mine]))

    def test_filter_refuses_other_searches(self):
        with self.assertRaises(UserError):
            self.Booking.search([("auto_log_due", "in", [True])])


class TestRunNow(UnloggedCase):
    @freeze_time("2026-03-10 08:00:00")
    def test_run_now_from_settings_shows_a_summary(self):
        admin = new_test_user(
            self.env,
            login="club_admin",
            groups="base.group_system,club_session_logoff.group_club_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.set_policy("complete", 1)
        booking = self.book_at("2026-03-05 10:00")
        settings = self.env["res.config.settings"].with_user(admin).create({})
        self.assertEqual(settings.company_id, self.company)

        action = settings.action_club_run_unlogged()

        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_user_id, admin)
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Completed: 1, cancelled: 0", action["params"]["message"])
        self.assertEqual(self.company.club_unlogged_last_run, fields.Datetime.now())

    @freeze_time("2026-03-10 08:00:00")
    def test_club_managers_configure_and_run_it_from_club_settings(self):
        """Club managers without Odoo administration rights: Club > Configuration
        > Settings, then Run Now."""
        manager = self.manager.with_company(self.company)
        completed = self.book_at("2026-03-02 10:00")
        completed.log_booking("completed")
        credit = self.credit(paid=False)
        with Form(
            self.company.with_user(manager),
            "club_session_logoff.res_company_view_form_club",
        ) as form:
            form.club_credit_cleanup = True
            form.club_tz = NEW_YORK
        self.assertTrue(self.company.club_credit_cleanup)
        self.assertEqual(self.company.partner_id.tz, NEW_YORK)

        action = self.company.with_user(manager).action_club_run_unlogged()

        self.assertEqual(completed.credit_id, credit)
        self.assertIn("credits assigned: 1", action["params"]["message"])
        other_club = self.env["res.company"].create({"name": "Not Mine"})
        with self.assertRaises(AccessError):
            other_club.with_user(manager).action_club_run_unlogged()
        with self.assertRaises(AccessError):
            self.company.with_user(self.desk).action_club_run_unlogged()

    def test_run_now_is_for_club_managers(self):
        system_only = new_test_user(
            self.env, login="sys_only", groups="base.group_system"
        )
        settings = self.env["res.config.settings"].with_user(system_only).create({})
        with self.assertRaises(AccessError):
            settings.action_club_run_unlogged()


class TestBulkChatter(UnloggedCase):
    def test_bulk_notes_match_odoos_own(self):
        from odoo.addons.club_session_logoff.tools.bulk_chatter import (
            ORM_LIMIT,
            log_notes,
        )

        bookings = self.Booking.create(
            [
                {
                    "partner_id": self.member.id,
                    "offering_id": self.spinning.id,
                    "start": self.now - timedelta(days=1, minutes=i),
                }
                for i in range(ORM_LIMIT + 1)
            ]
        )
        template = "Note <b>%(what)s</b> for %(who)s"
        notes = {
            b.id: (template, {"what": "<script>x</script>", "who": b.name})
            for b in bookings
        }
        author = self.manager.partner_id.id
        log_notes(bookings[:1], notes, author_id=author)  # the ORM's _message_log_batch
        log_notes(bookings[1:], notes, author_id=author)  # one INSERT
        by_orm = bookings[0].message_ids[0]
        by_sql = bookings[1].message_ids[0]
        fields_to_compare = [
            "model",
            "author_id",
            "email_from",
            "reply_to",
            "message_type",
            "subtype_id",
            "is_internal",
            "record_name",
            "email_add_signature",
            "record_company_id",
        ]
        for name in fields_to_compare:
            self.assertEqual(by_sql[name], by_orm[name], name)
        self.assertEqual(
            str(by_sql.body).replace(bookings[1].name, "X"),
            str(by_orm.body).replace(bookings[0].name, "X"),
        )
        self.assertNotIn("<script>", str(by_sql.body))
        self.assertEqual(
            len(bookings[1:].message_ids.filtered(lambda m: "Note" in m.body)),
            ORM_LIMIT,
        )

"""One club's settings cannot stop the others: the numeric settings have bounds,
and what uses them (the scheduled action for unlogged bookings, the Will Be
Auto-Logged filter and column, the kiosk) handles each company on its own, also
with values stored before the bounds existed (written here with raw SQL)."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form
from odoo.tools import SQL

from .common import ClubCase
from .test_unlogged import BRUSSELS, UNLOGGED, UnloggedCase, utc


def store_raw(company, **values):
    """Write settings the way rows written before the bounds hold them."""
    for name, value in values.items():
        table = "res_partner" if name == "tz" else "res_company"
        record = company.partner_id if name == "tz" else company
        company.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE id = %s",
                SQL.identifier(table),
                SQL.identifier(name),
                value,
                record.id,
            )
        )
    company.env.invalidate_all()


class TestSettingBounds(ClubCase):
    CASES = (
        ("club_unlogged_days", 1_000_000, 365),
        ("club_unlogged_days", 366, 0),
        ("club_kiosk_minutes_before", 1441, 1440),
        ("club_kiosk_minutes_after", 2e9, 0),
    )

    def test_club_managers_narrow_write_is_bounded(self):
        """Club managers write the settings through a whitelisted company write
        (as superuser): the bounds hold there too."""
        company = self.company.with_user(self.manager)
        for name, bad, good in self.CASES:
            with self.subTest(name=name, value=bad):
                with self.assertRaises(ValidationError) as refused:
                    company.write({name: bad})
                self.assertIn("must be between 0 and", str(refused.exception))
                self.assertIn(self.company._fields[name].string, str(refused.exception))
                company.write({name: good})
                self.assertEqual(self.company[name], good)

    def test_club_settings_form_is_bounded(self):
        with self.assertRaises(ValidationError):
            with Form(
                self.company.with_user(self.manager),
                view="club_session_logoff.res_company_view_form_club",
            ) as form:
                form.club_unlogged_action = "complete"
                form.club_unlogged_days = 1_000_000
        self.assertNotEqual(self.company.club_unlogged_days, 1_000_000)

    def test_odoo_settings_are_bounded(self):
        for name, bad, _good in self.CASES:
            with self.subTest(name=name), self.assertRaises(ValidationError):
                settings = Form(self.env["res.config.settings"])
                settings.club_unlogged_action = "complete"
                setattr(settings, name, bad)
                settings.save().execute()
            self.assertNotEqual(self.company[name], bad)

    def test_the_forms_say_the_bounds(self):
        for name, text in (
            ("club_unlogged_days", "0 to 365"),
            ("club_kiosk_minutes_before", "0 to 1440"),
            ("club_kiosk_minutes_after", "0 to 1440"),
        ):
            self.assertIn(text, self.company._fields[name].help)
        arch = self.env.ref("club_session_logoff.res_config_settings_view_form").arch
        self.assertIn("0 to 1440 minutes", arch)
        self.assertIn("days (0 to 365)", arch)


class TestOneClubCannotStopTheOthers(UnloggedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # First in the companies' order: the clubs after it must be processed.
        cls.broken = cls.env["res.company"].create(
            {"name": "AAA Broken Club", "sequence": 0}
        )
        cls.broken.partner_id.tz = BRUSSELS
        cls.broken_spinning = cls.env["club.offering"].create(
            {"name": "Broken Spinning", "company_id": cls.broken.id}
        )
        cls.manager.write({"company_ids": [Command.link(cls.broken.id)]})
        for company in cls.broken | cls.company:
            company.write({"club_unlogged_action": "complete", "club_unlogged_days": 1})

    BREAKAGES = {
        "days out of range": {"club_unlogged_days": 1_000_000},
        "unknown time zone": {"tz": "Mars/Olympus_Mons"},
    }

    @freeze_time("2026-03-10 08:00:00")
    def test_scheduled_action_goes_on_after_a_club_with_bad_settings(self):
        for label, values in self.BREAKAGES.items():
            with self.subTest(label), self.env.cr.savepoint() as savepoint:
                good = self.book_at("2026-03-05 10:00")
                bad = self.book_at("2026-03-05 10:00", offering=self.broken_spinning)
                store_raw(self.broken, **values)

                with self.assertLogs(UNLOGGED, "ERROR") as logs:
                    summary = self.run_cron()

                self.assertEqual(good.state, "completed")
                self.assertEqual(good.log_source, "auto")
                self.assertEqual(bad.state, "booked")
                self.assertEqual(summary["failed"], 1)
                self.assertEqual(len(logs.records), 1)
                self.assertIn("AAA Broken Club", logs.output[0])
                self.assertIn("Completed: 1,", self.company.club_unlogged_last_summary)
                failure = self.broken.club_unlogged_last_summary
                self.assertIn("The run failed", failure)
                self.assertEqual(
                    self.broken.club_unlogged_last_run, datetime(2026, 3, 10, 8, 0)
                )
                if label == "days out of range":
                    self.assertIn("between 0 and 365, not 1000000", failure)
                    self.assertIn("between 0 and 365", logs.output[0])
                else:
                    self.assertIn("Mars/Olympus_Mons", failure)
                savepoint.rollback()

    @freeze_time("2026-03-10 08:00:00")
    def test_a_failing_batch_is_rolled_back_and_the_next_club_runs(self):
        members = (self.member, self.other_member)
        credits = [self.credit(partner=m, company_id=self.broken.id) for m in members]
        first, second = (
            self.book_at(day, offering=self.broken_spinning, partner=member)
            for day, member in zip(
                ("2026-03-04 10:00", "2026-03-05 10:00"), members, strict=True
            )
        )
        self.assertEqual([first.credit_id, second.credit_id], credits)
        good = self.book_at("2026-03-05 10:00")
        booking_class = type(self.Booking)
        original = booking_class._apply_outcome
        broken_batches = []

        def apply_outcome(records, status, **kwargs):
            result = original(records, status, **kwargs)
            if records.company_id == self.broken:
                broken_batches.append(records)
                if len(broken_batches) == 2:
                    raise RuntimeError("disk full")
            return result

        with (
            patch.object(booking_class, "_apply_outcome", apply_outcome),
            patch(f"{UNLOGGED}.BATCH_SIZE", 1),
            self.assertLogs(UNLOGGED, "ERROR") as logs,
        ):
            summary = self.env["club.unlogged.job"]._run(self.broken | self.company)

        self.env.invalidate_all()
        # The batch done before the failure stays; the one under way is undone,
        # its credit and chatter included.
        self.assertEqual(first.state, "completed")
        self.assertEqual(credits[0].state, "used")
        self.assertEqual(second.state, "booked")
        self.assertFalse(second.log_date)
        self.assertEqual(credits[1].state, "available")
        self.assertFalse(self.log_lines(second))
        # The next club was processed.
        self.assertEqual(good.state, "completed")
        self.assertEqual(summary["failed"], 1)
        self.assertEqual(summary["completed"], 2)
        self.assertIn("AAA Broken Club", logs.output[0])
        self.assertIn("RuntimeError: disk full", logs.output[0])
        failure = self.broken.club_unlogged_last_summary
        self.assertIn("RuntimeError: disk full", failure)
        self.assertIn("Done before the failure: Completed: 1,", failure)
        self.assertIn("Completed: 1,", self.company.club_unlogged_last_summary)

    @freeze_time("2026-03-10 08:00:00")
    def test_run_now_says_the_club_failed(self):
        store_raw(self.broken, club_unlogged_days=400)
        with self.assertLogs(UNLOGGED, "ERROR"):
            action = self.broken.with_user(self.manager).action_club_run_unlogged()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("between 0 and 365, not 400", action["params"]["message"])

    @freeze_time("2026-03-10 08:00:00")
    def test_will_be_auto_logged_leaves_only_the_broken_club_out(self):
        self.cron.nextcall = utc("2026-03-11 04:00")
        for label, values in self.BREAKAGES.items():
            with self.subTest(label), self.env.cr.savepoint() as savepoint:
                good = self.book_at("2026-03-05 10:00")
                bad = self.book_at("2026-03-05 10:00", offering=self.broken_spinning)
                ours = [("id", "in", (good | bad).ids)]
                self.assertEqual(
                    self.Booking.search([("auto_log_due", "=", True), *ours]),
                    good | bad,
                )
                store_raw(self.broken, **values)

                for user in (self.env.user, self.manager):
                    Booking = self.Booking.with_user(user).with_context(
                        allowed_company_ids=(self.company | self.broken).ids
                    )
                    self.assertEqual(
                        Booking.search([("auto_log_due", "=", True), *ours]), good
                    )
                    self.assertEqual(
                        Booking.search([("auto_log_due", "=", False), *ours]), bad
                    )
                    rows = Booking.browse((good | bad).ids)
                    self.assertEqual(rows.mapped("auto_log_due"), [True, False])
                    self.assertEqual(
                        rows.mapped("auto_log_date"), [utc("2026-03-06 00:00"), False]
                    )
                savepoint.rollback()


@freeze_time("2026-03-10 14:00:00")
class TestKioskWindowOutOfRange(ClubCase):
    """``club_kiosk_minutes_after = 2e9`` made the club's kiosk answer a
    traceback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = BRUSSELS
        cls.company.club_kiosk_show_bookings = True

    def booking_at(self, start):
        return self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "offering_id": self.spinning.id,
                "start": start,
            }
        )

    def test_kiosk_lists_bookings_within_the_bounds(self):
        now = datetime(2026, 3, 10, 14, 0)
        started = self.booking_at(now - timedelta(hours=2))
        store_raw(
            self.company,
            club_kiosk_minutes_before=2_000_000_000,
            club_kiosk_minutes_after=2_000_000_000,
        )
        kiosk = self.env["club.kiosk"]._for_company(self.company)
        self.assertEqual(kiosk._shown_bookings(self.member), started)
        values = kiosk._visit_values(self.member, started)
        self.assertEqual(values["status"], "ok")
        self.assertEqual(values["bookings"][0]["id"], started.id)

    def test_checked_in_uses_the_window_within_the_bounds(self):
        now = datetime(2026, 3, 10, 14, 0)
        booking = self.booking_at(now + timedelta(days=3))
        store_raw(self.company, club_kiosk_minutes_before=2_000_000_000)
        self.env["club.checkin"].create(
            {"partner_id": self.member.id, "checkin_time": now, "source": "desk"}
        )
        # Three days before the start: outside a window of one day at most.
        self.assertFalse(booking.checked_in)
        near = self.booking_at(now + timedelta(hours=20))
        self.assertTrue(near.checked_in)

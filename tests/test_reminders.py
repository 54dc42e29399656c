"""Reminders (club.reminder.rule, the scheduled action ir_cron_club_reminders):
every club's 24-hour rule, on time, never twice, never for a booking cancelled,
waitlisted or made after the rule's moment, batched through the mail queue."""

import importlib.util
import os
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.club_session_logoff.models import club_reminder_job

from .batch_commits import KilledRun, SimulatedCommitsMixin
from .test_session import SessionCase

CRON = "club_session_logoff.ir_cron_club_reminders"
# A session on Monday 7 December 2026 at 18:00 UTC (19:00 in Brussels).
START = datetime(2026, 12, 7, 18, 0)
BOOKED_AT = datetime(2026, 12, 1, 9, 0)


class ReminderCase(SimulatedCommitsMixin, SessionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.write(
            {
                "tz": "Europe/Brussels",
                "street": "1 Rue du Club",
                "city": "Brussels",
                "email": "club@example.com",
            }
        )
        cls.member.email = "mia@example.com"
        cls.other_member.email = "otto@example.com"
        cls.rule = cls.env["club.reminder.rule"].search(
            [("company_id", "=", cls.company.id)]
        )
        cls.rule.ensure_one()
        # Other companies' and the demo's bookings are not this test's business.
        cls.env["club.booking"].search(
            [("state", "=", "booked"), ("start", ">", BOOKED_AT)]
        ).write({"state": "cancelled"})

    def setUp(self):
        super().setUp()
        self.simulate_batch_commits("club.reminder.job")

    def booked(self, partner=None, start=START, at=BOOKED_AT, **vals):
        """A booking into a session at ``start``, made at ``at``."""
        with freeze_time(at):
            session = self.env["club.session"].create(
                {"offering_id": self.spinning.id, "start": start, **vals}
            )
            booking = self.env["club.booking"].create(
                {"partner_id": (partner or self.member).id, "session_id": session.id}
            )
        # The ORM stamps create_date with the transaction's time, which
        # freeze_time does not move.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE club_booking SET create_date = %s WHERE id = %s", at, booking.id
            )
        )
        booking.invalidate_recordset(["create_date"])
        return booking

    def run_job(self, at):
        with freeze_time(at):
            return self.env["club.reminder.job"]._run(companies=self.company)

    def reminders(self, booking):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "club.booking"),
                ("res_id", "=", booking.id),
                ("subject", "like", "Reminder:"),
            ]
        )

    def sent(self, booking):
        return self.env["club.reminder.sent"].search([("booking_id", "=", booking.id)])


@tagged("post_install", "-at_install")
class TestReminderRules(ReminderCase):
    def test_every_company_has_a_24_hour_rule(self):
        self.assertEqual(self.rule.hours_before, 24)
        company = self.env["res.company"].create({"name": "Second Club"})
        rule = self.env["club.reminder.rule"].search([("company_id", "=", company.id)])
        self.assertEqual(rule.hours_before, 24)
        # Idempotent: a company with a rule gets no second one.
        self.env["res.company"].browse()._club_init_reminder_rules()
        self.assertEqual(
            self.env["club.reminder.rule"].search_count(
                [("company_id", "in", (company | self.company).ids)]
            ),
            2,
        )

    def test_migration_gives_upgraded_companies_their_rule(self):
        path = os.path.join(
            os.path.dirname(club_reminder_job.__file__),
            "..",
            "migrations",
            "18.0.1.4.0",
            "post-reminders-rules.py",
        )
        spec = importlib.util.spec_from_file_location("post_reminders_rules", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        second = self.env["res.company"].create({"name": "Upgraded Club"})
        Rule = self.env["club.reminder.rule"].with_context(active_test=False)
        Rule.search([]).unlink()
        two_hours = Rule.create({"company_id": second.id, "hours_before": 2})
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        rules = Rule.search([])
        for company in self.env["res.company"].search([]):
            mine = rules.filtered(lambda r, c=company: r.company_id == c)
            expected = two_hours if company == second else mine
            self.assertEqual(mine, expected)
            self.assertEqual(len(mine), 1, company.name)
        self.assertEqual(
            rules.filtered(lambda r: r.company_id == self.company).hours_before, 24
        )

    def test_hours_before_bounds(self):
        for hours in (0, 337, -3):
            with self.subTest(hours=hours), self.assertRaises(ValidationError):
                self.env["club.reminder.rule"].create({"hours_before": hours})
            with self.subTest(hours=hours), self.assertRaises(ValidationError):
                self.rule.write({"hours_before": hours})
        for hours in (1, 336):
            self.env["club.reminder.rule"].create({"hours_before": hours})

    def test_staff_read_managers_write(self):
        rule = self.rule.with_user(self.desk)
        self.assertEqual(rule.hours_before, 24)
        with self.assertRaises(AccessError):
            rule.write({"hours_before": 2})
        self.rule.with_user(self.manager).write({"hours_before": 2})
        self.assertEqual(self.rule.hours_before, 2)


@tagged("post_install", "-at_install")
class TestReminders(ReminderCase):
    def test_sent_on_time(self):
        booking = self.booked()
        moment = START - timedelta(hours=24)
        self.run_job(moment - timedelta(minutes=1))
        self.assertFalse(self.reminders(booking))
        summary = self.run_job(moment)
        self.assertEqual(summary["mailed"], 1)
        mail = self.reminders(booking)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")  # queued, not sent inline
        self.assertEqual(mail.recipient_ids, self.member)
        self.assertTrue(self.sent(booking).mailed)

    def test_never_twice(self):
        booking = self.booked()
        moment = START - timedelta(hours=24)
        self.run_job(moment)
        self.run_job(moment + timedelta(minutes=5))
        self.run_job(moment + timedelta(hours=3))
        self.assertEqual(len(self.reminders(booking)), 1)
        self.assertEqual(len(self.sent(booking)), 1)

    def test_pair_recorded_by_another_run_is_not_mailed(self):
        """Another run committed the (booking, rule) row first: this run's
        insert conflicts and queues nothing (ON CONFLICT DO NOTHING)."""
        booking = self.booked()
        self.env.cr.execute(
            SQL(
                "INSERT INTO club_reminder_sent (booking_id, rule_id, mailed) "
                "VALUES (%s, %s, true)",
                booking.id,
                self.rule.id,
            )
        )
        with freeze_time(START - timedelta(hours=20)):
            recorded, mailed = self.env["club.reminder.job"]._remind(
                [(booking.id, self.rule.id, 24)], fields.Datetime.now()
            )
        self.assertEqual((recorded, mailed), (0, 0))
        self.assertFalse(self.reminders(booking))

    def test_crash_and_rerun_none_twice_none_lost(self):
        members = self.env["res.partner"].create(
            [{"name": f"Member {i}", "email": f"m{i}@example.com"} for i in range(5)]
        )
        bookings = self.env["club.booking"]
        for member in members:
            bookings |= self.booked(partner=member)
        self.patch(club_reminder_job, "BATCH_REMINDERS", 2)
        self.durable = self.env.cr.savepoint()
        self.crash_at = 2
        # Not self.assertRaises: its own savepoint would end with the batch's.
        try:
            self.run_job(START - timedelta(hours=23))
        except KilledRun:
            pass
        else:
            self.fail("the run should have been killed")
        self.durable.rollback()
        self.env.invalidate_all()
        # The first batch (2 bookings) is committed, the second was lost.
        self.assertEqual(
            self.env["club.reminder.sent"].search_count(
                [("booking_id", "in", bookings.ids)]
            ),
            2,
        )
        self.assertEqual(
            len(
                self.env["mail.mail"].search(
                    [
                        ("model", "=", "club.booking"),
                        ("res_id", "in", bookings.ids),
                        ("subject", "like", "Reminder:"),
                    ]
                )
            ),
            2,
        )
        self.crash_at = None
        self.run_job(START - timedelta(hours=22))
        for booking in bookings:
            self.assertEqual(len(self.reminders(booking)), 1, booking.partner_id.name)
            self.assertEqual(len(self.sent(booking)), 1)

    def test_time_budget_leaves_the_rest_to_the_next_run(self):
        booking = self.booked()
        Job = type(self.env["club.reminder.job"])
        run_batches = Job._run_batches
        # The deadline passed before the first batch (freeze_time stops the
        # clock the deadline is read on).
        self.patch(Job, "_run_batches", lambda job, batch, deadline, done: True)
        summary = self.run_job(START - timedelta(hours=23))
        self.assertEqual((summary["mailed"], summary["remaining"]), (0, 1))
        self.patch(Job, "_run_batches", run_batches)
        self.run_job(START - timedelta(hours=23))
        self.assertEqual(len(self.reminders(booking)), 1)

    def test_not_after_cancel(self):
        booking = self.booked()
        with freeze_time(START - timedelta(hours=30)):
            booking.with_user(self.desk).cancel_booking()
        self.run_job(START - timedelta(hours=23))
        self.assertFalse(self.reminders(booking))
        self.assertFalse(self.sent(booking))

    def test_not_for_waitlisted(self):
        first = self.booked(capacity=1)
        with freeze_time(BOOKED_AT):
            waiting = self.env["club.booking"].create(
                {
                    "partner_id": self.other_member.id,
                    "session_id": first.session_id.id,
                    "state": "waitlisted",
                }
            )
        self.run_job(START - timedelta(hours=23))
        self.assertEqual(len(self.reminders(first)), 1)
        self.assertFalse(self.reminders(waiting))
        self.assertFalse(self.sent(waiting))

    def test_not_for_booking_made_after_the_moment(self):
        booking = self.booked(at=START - timedelta(hours=5))
        self.run_job(START - timedelta(hours=4))
        self.assertFalse(self.reminders(booking))
        # Nor later: it never becomes due for this rule.
        self.run_job(START - timedelta(minutes=30))
        self.assertFalse(self.reminders(booking))

    def test_not_once_started(self):
        booking = self.booked()
        self.run_job(START + timedelta(minutes=1))
        self.assertFalse(self.reminders(booking))

    def test_two_rules_due_at_once_one_mail(self):
        two_hours = self.env["club.reminder.rule"].create({"hours_before": 2})
        booking = self.booked()
        # The action did not run between the two moments: one mail, the
        # nearest rule's; both are recorded.
        self.run_job(START - timedelta(hours=1))
        self.assertEqual(len(self.reminders(booking)), 1)
        sent = self.sent(booking)
        self.assertEqual(set(sent.rule_id.ids), {self.rule.id, two_hours.id})
        self.assertEqual(sent.filtered("mailed").rule_id, two_hours)

    def test_each_rule_on_time(self):
        self.env["club.reminder.rule"].create({"hours_before": 2})
        booking = self.booked()
        self.run_job(START - timedelta(hours=24))
        self.run_job(START - timedelta(hours=3))
        self.assertEqual(len(self.reminders(booking)), 1)
        self.run_job(START - timedelta(hours=2))
        self.assertEqual(len(self.reminders(booking)), 2)

    def test_archived_rule_sends_nothing(self):
        self.rule.active = False
        booking = self.booked()
        self.run_job(START - timedelta(hours=23))
        self.assertFalse(self.reminders(booking))

    def test_member_without_email(self):
        self.member.email = False
        booking = self.booked()
        self.run_job(START - timedelta(hours=23))
        self.assertFalse(self.reminders(booking))
        self.assertFalse(self.sent(booking).mailed)
        self.assertEqual(len(self.sent(booking)), 1)


@tagged("post_install", "-at_install")
class TestReminderSchedule(ReminderCase):
    def triggers(self, after):
        cron = self.env.ref(CRON)
        return self.env["ir.cron.trigger"].search(
            [("cron_id", "=", cron.id), ("call_at", ">=", after)]
        )

    def test_a_new_booking_plans_its_reminder(self):
        self.booked()
        moments = self.triggers(BOOKED_AT).mapped("call_at")
        self.assertIn(START - timedelta(hours=24), moments)

    def test_a_run_plans_the_next_reminder(self):
        self.booked()
        later = self.booked(start=START + timedelta(days=2))
        self.env["ir.cron.trigger"].search([]).unlink()
        with freeze_time(START - timedelta(hours=24)):
            self.env["club.reminder.job"]._run(companies=self.company)
            moment = self.env["club.reminder.job"]._plan_next_run()
        self.assertEqual(moment, later.start - timedelta(hours=24))
        self.assertEqual(
            self.triggers(START - timedelta(days=1)).mapped("call_at"),
            [moment + timedelta(seconds=1)],
        )

    def test_the_cron_runs_daily_as_a_safety_net(self):
        cron = self.env.ref(CRON)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertTrue(cron.active)

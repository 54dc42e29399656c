"""The scheduled action ``ir_cron_club_reminders``: members are e-mailed about
their booked sessions as each club's reminder rules say (club.reminder.rule).

A reminder is due when its moment (the booking's start minus the rule's hours)
has come, the booking is still booked and has not started, and it was made
before that moment. A batch takes due (booking, rule) pairs, their bookings
locked (``FOR UPDATE SKIP LOCKED``: two runs at once share them), inserts one
``club.reminder.sent`` row per pair (``ON CONFLICT DO NOTHING`` on its unique
key) and queues the mails (Odoo's mail queue, ``mail.mail``) in the same
transaction, then commits: a killed run loses at most the batch under way (rows
and mails together) and the next run sends it; a pair once committed is never
mailed again. When several rules of one booking are due at once (the action did
not run for a while), only the nearest to the start is mailed.

After each run the action plans its next run at the next reminder's moment
(``ir.cron._trigger(at=...)``, as Odoo's calendar alarms do); bookings made or
promoted plan theirs too (models/club_booking_reminder.py); the daily run is a
safety net. Batches, retries, commits and the time budget: ``club.batch.job``.
"""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .club_booking_calendar import REMINDER_TEMPLATE
from .club_reminder_rule import REMINDERS_CRON

_logger = logging.getLogger(__name__)

# Reminders per batch (one transaction): rows, mails and their .ics files.
BATCH_REMINDERS = 500


# Due (booking, rule) pairs of a company.
DUE_SQL = """
    SELECT b.id, r.id, r.hours_before
      FROM club_reminder_rule r
      JOIN club_booking b
        ON b.company_id = r.company_id
       AND b.state = 'booked'
       AND b.start > %(now)s
       AND b.start <= %(now)s + make_interval(hours => r.hours_before)
       AND b.create_date <= b.start - make_interval(hours => r.hours_before)
     WHERE r.company_id = %(company)s
       AND r.active
       AND NOT EXISTS (
           SELECT 1 FROM club_reminder_sent s
            WHERE s.booking_id = b.id AND s.rule_id = r.id
       )
"""
# A batch of them, their bookings locked: two runs at once share them.
DUE_BATCH_SQL = (
    DUE_SQL
    + """
     ORDER BY b.start, b.id, r.hours_before
     LIMIT %(limit)s
       FOR UPDATE OF b SKIP LOCKED
"""
)


class ClubReminderJob(models.AbstractModel):
    _name = "club.reminder.job"
    _inherit = "club.batch.job"
    _description = "Booking Reminders"

    @api.model
    def _run_cron(self):
        """Send what is due, tell the cron what a time budget left over (it
        runs again soon), and plan the next run at the next reminder's moment."""
        summary = self._run()
        self.env["ir.cron"]._notify_progress(
            done=summary["mailed"], remaining=summary["remaining"]
        )
        self._plan_next_run()
        return summary

    @api.model
    def _run(self, companies=None, time_budget=None):
        """Queue the reminders due now of ``companies`` (default: every company
        with an active rule). A company whose run fails is logged and left for
        the next run (the batch under way is rolled back); the others go on.

        :return: ``reminded`` (pairs recorded), ``mailed`` (mails queued),
            ``remaining`` (left by the time budget) and ``failed`` (companies)
        """
        now = fields.Datetime.now()
        if companies is None:
            companies = (
                self.env["club.reminder.rule"]
                .sudo()
                .search([("active", "=", True)])
                .company_id.sorted("id")
            )
        budget = self._time_budget() if time_budget is None else time_budget
        deadline = time.monotonic() + budget if budget else None
        summary = {"reminded": 0, "mailed": 0, "remaining": 0, "failed": 0}
        for company in companies:
            counts = {}
            try:
                self._run_company(company, now, deadline, counts)
            except Exception:  # pylint: disable=broad-except
                # Whatever went wrong with one club, the others are reminded.
                summary["failed"] += 1
                _logger.exception(
                    "Reminders of %s (company %s) failed, the batch under way was "
                    "rolled back",
                    company.name,
                    company.id,
                )
            for key, value in counts.items():
                summary[key] += value
        return summary

    def _run_company(self, company, now, deadline, counts):
        job = self._for_company(company, company._club_tz())
        params = {"now": now, "company": company.id, "limit": BATCH_REMINDERS}

        def batch():
            job.env["club.booking"].flush_model()
            job.env.cr.execute(SQL(DUE_BATCH_SQL, **params), log_exceptions=False)
            due = job.env.cr.fetchall()
            if not due:
                return {}, False
            reminded, mailed = job._remind(due, now)
            counts = {"reminded": reminded, "mailed": mailed}
            return counts, len(due) == BATCH_REMINDERS

        interrupted = job._run_batches(batch, deadline, counts)
        if interrupted:
            job.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM (%s) due",
                    SQL(DUE_SQL, now=now, company=company.id),
                )
            )
            counts["remaining"] = job.env.cr.fetchone()[0]
            _logger.info(
                "Reminders of %s: time budget spent, the next run goes on",
                company.name,
            )

    def _remind(self, due, now):
        """Record the due (booking, rule, hours) pairs, then queue one mail per
        booking whose pairs this transaction recorded (a pair another run
        recorded first is left to it).

        :return: (pairs recorded, mails queued)
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                "INSERT INTO club_reminder_sent (booking_id, rule_id, sent_at, mailed) "
                "SELECT booking_id, rule_id, %s, false "
                "FROM unnest(%s::int[], %s::int[]) AS due(booking_id, rule_id) "
                "ON CONFLICT (booking_id, rule_id) DO NOTHING "
                "RETURNING booking_id, rule_id",
                now,
                [row[0] for row in due],
                [row[1] for row in due],
            ),
            log_exceptions=False,
        )
        recorded = set(cr.fetchall())
        hours = {(booking, rule): h for booking, rule, h in due}
        # One mail per booking: the rule nearest to the start.
        nearest = {}
        for booking_id, rule_id in recorded:
            best = nearest.get(booking_id)
            if best is None or hours[booking_id, rule_id] < hours[booking_id, best]:
                nearest[booking_id] = rule_id
        bookings = self.env["club.booking"].browse(sorted(nearest))
        # What a cancel would cost is read now, not from an earlier cache.
        bookings.invalidate_recordset(["club_cancel_text"])
        mailed = bookings._send_member_mail(REMINDER_TEMPLATE)
        if mailed:
            cr.execute(
                SQL(
                    "UPDATE club_reminder_sent SET mailed = true "
                    "FROM unnest(%s::int[], %s::int[]) AS m(booking_id, rule_id) "
                    "WHERE club_reminder_sent.booking_id = m.booking_id "
                    "AND club_reminder_sent.rule_id = m.rule_id",
                    mailed.ids,
                    [nearest[booking_id] for booking_id in mailed.ids],
                )
            )
        self.env.flush_all()
        # Prefetched values of thousands of bookings are not kept batch after batch.
        self.env.invalidate_all()
        return len(recorded), len(mailed)

    @api.model
    def _next_moment(self, now=None):
        """The next moment a reminder falls due after ``now``: the earliest
        start minus hours of each active rule among booked bookings, or None."""
        now = now or fields.Datetime.now()
        self.env["club.booking"].flush_model(["state", "start", "company_id"])
        self.env["club.reminder.rule"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT min(n.at)
                  FROM club_reminder_rule r,
                       LATERAL (
                           SELECT b.start - make_interval(hours => r.hours_before) AS at
                             FROM club_booking b
                            WHERE b.state = 'booked'
                              AND b.company_id = r.company_id
                              AND b.start > %(now)s
                                          + make_interval(hours => r.hours_before)
                            ORDER BY b.start
                            LIMIT 1
                       ) n
                 WHERE r.active
                """,
                now=now,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _plan_next_run(self):
        """Run again at the next reminder's moment."""
        moment = self._next_moment()
        cron = self.env.ref(REMINDERS_CRON, raise_if_not_found=False)
        if moment and cron:
            cron.sudo()._trigger(at=moment + timedelta(seconds=1))
        return moment

"""Automatic log-off of bookings left unlogged, and the session-credit clean-up.

The seed's "Setup > Scheduling > General Settings > Unlogged Bookings": each
company logs as completed, or cancels, the bookings nobody logged within N whole
days of their start, counted in the company's time zone. The same scheduled
action gives completed bookings without a credit the member's free credits,
frees credits of future bookings when the company asks for it, and expires the
free credits past their expiry date.

It works in batches of one transaction each: a killed run loses at most the
batch under way and the next run finishes the job. Rows are taken with
``FOR UPDATE SKIP LOCKED``: two runs at once share the work instead of doing it
twice, a booking staff are logging right now is left to them, and only rows
still in the expected state are touched.
"""

import logging
import time

import pytz
from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, config, create_index

from ..tools.bulk_chatter import log_notes

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# A batch that met a concurrent update (REPEATABLE READ) starts again this many
# times, in a new transaction, before the run gives up. Expected when two runs
# share the work: the rows one commits are still "booked" in the other's snapshot.
# Their queries do not log the failure (log_exceptions=False): it is handled.
MAX_ATTEMPTS = 10
SUMMARY_KEYS = (
    "completed",
    "cancelled",
    "credits_assigned",
    "future_cancelled",
    "credits_expired",
    "without_credit",
    "remaining",
)


class ClubBooking(models.Model):
    _inherit = "club.booking"

    auto_log_date = fields.Datetime(
        string="Auto-Logged From",
        compute="_compute_auto_log",
        help="From this moment the scheduled action for unlogged bookings logs or "
        "cancels this booking, if nobody logged it before "
        "(Settings > Club > Unlogged Bookings).",
    )
    auto_log_due = fields.Boolean(
        string="Will Be Auto-Logged",
        compute="_compute_auto_log",
        search="_search_auto_log_due",
        help="The next run of the scheduled action will log or cancel this booking: "
        "log it by hand first to record what really happened.",
    )

    def init(self):
        res = super().init()
        # The credit clean-up looks for completed bookings without a credit
        # every night, among years of paid ones.
        create_index(
            self.env.cr,
            "club_booking_completed_uncredited_idx",
            self._table,
            ["start", "id"],
            where="state = 'completed' AND credit_id IS NULL",
        )
        return res

    # ------------------------------------------------------------------
    # What the next run will do ("Will Be Auto-Logged" in Log Sessions)
    # ------------------------------------------------------------------
    @api.model
    def _club_next_auto_run(self):
        """When the scheduled action runs next (naive UTC); None when it is off."""
        cron = self.env.ref(
            "club_session_logoff.ir_cron_unlogged_bookings", raise_if_not_found=False
        )
        cron = cron and cron.sudo()
        if not cron or not cron.active:
            return None
        return max(cron.nextcall, fields.Datetime.now())

    @api.depends(
        "state",
        "start",
        "stop",
        "company_id.club_unlogged_action",
        "company_id.club_unlogged_days",
    )
    def _compute_auto_log(self):
        next_run = self._club_next_auto_run()
        zones = {}
        for booking in self:
            company = booking.company_id
            booking.auto_log_date = False
            booking.auto_log_due = False
            if (
                booking.state != "booked"
                or not booking.start
                or company.club_unlogged_action in (False, "none")
            ):
                continue
            if company not in zones:
                zones[company] = company._club_unlogged_tz()
            if not zones[company]:
                continue  # the scheduled action leaves this club out too
            try:
                due_from = max(
                    company._club_unlogged_due_from(booking.start, zones[company]),
                    booking.stop or booking.start,
                )
            except OverflowError:
                continue  # a start in year 9999: never due
            booking.auto_log_date = due_from
            booking.auto_log_due = bool(next_run) and due_from <= next_run

    def _search_auto_log_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on Will Be Auto-Logged."))
        at = self._club_next_auto_run()
        per_company = []
        if at:
            companies = (
                self.env["res.company"]
                .sudo()
                .search([("club_unlogged_action", "!=", "none")])
            )
            for company in companies:
                tz = company._club_unlogged_tz()
                if tz:  # else the scheduled action leaves this club out too
                    cutoff = company._club_unlogged_cutoff(at, tz)
                    per_company.append(
                        [("company_id", "=", company.id), ("start", "<", cutoff)]
                    )
        if per_company:
            domain = expression.AND(
                [
                    [("state", "=", "booked"), ("stop", "<=", at)],
                    expression.OR(per_company),
                ]
            )
        else:
            domain = expression.FALSE_DOMAIN
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    # ------------------------------------------------------------------
    # The scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_process_unlogged_bookings(self):
        """Scheduled action ``ir_cron_unlogged_bookings``: every company, each
        with its own settings. Commits after each batch (``_club_commit_batch``);
        what a time budget leaves over is reported to the cron, which runs again
        soon to finish it.

        :return: the summary of ``_club_process_unlogged``
        """
        companies = self.env["res.company"].sudo().search([])
        summary = self._club_process_unlogged(companies)
        done = sum(summary[key] for key in SUMMARY_KEYS[:5])
        self.env["ir.cron"]._notify_progress(done=done, remaining=summary["remaining"])
        return summary

    @api.model
    def _club_process_unlogged(self, companies, time_budget=None):
        """Auto log-off, credit clean-up and credit expiry for ``companies``, as
        their settings say, by the current user (source ``auto``).

        Each company on its own: when a company's run fails (its settings, its
        data), the batch under way is rolled back (earlier batches are complete
        and committed), the failure is logged with the company's name and shown
        in its last-run summary, and the other companies are processed. The run
        itself does not fail: a failing scheduled action would be deactivated by
        Odoo in the end, for every club.

        :param time_budget: seconds after which no new batch starts (default:
            half the real-time limit of a worker); what is left is counted in
            ``remaining``
        :return: counts by ``SUMMARY_KEYS``, and ``failed``: the number of
            companies whose run failed
        """
        user = self.env.user
        budget = self._club_time_budget() if time_budget is None else time_budget
        deadline = time.monotonic() + budget if budget else None
        summary = dict.fromkeys(SUMMARY_KEYS, 0)
        summary["failed"] = 0
        for company in companies:
            counts = dict.fromkeys(SUMMARY_KEYS, 0)
            try:
                self._club_process_company(company, user, deadline, counts)
            except Exception as error:  # pylint: disable=broad-except
                # Whatever went wrong with one club, the others are processed.
                summary["failed"] += 1
                self._club_company_failed(company, error, counts)
            for key in SUMMARY_KEYS:
                summary[key] += counts[key]
        return summary

    @api.model
    def _club_time_budget(self):
        """Half the real-time limit Odoo puts on a worker (cron or HTTP), so that a
        run stops between batches well before it would be killed."""
        limit = config["limit_time_real_cron"]
        if self.env.context.get("cron_id") is None or limit is None or limit < 0:
            limit = config["limit_time_real"]
        return limit / 2 if limit and limit > 0 else None

    def _club_process_company(self, company, user, deadline, counts):
        """One company's run, with its own settings, language and time zone;
        ``counts`` (by ``SUMMARY_KEYS``) grows with each committed batch."""
        # In a savepoint, like every batch: whatever fails leaves the
        # transaction ready for the next company.
        with self.env.cr.savepoint():
            # A value out of range (stored before the bounds existed) fails
            # this company's run, saying which.
            company._club_check_unlogged_days()
            tz = company._club_tz()
            runner = self._club_runner(company, tz)
            now = fields.Datetime.now()
            today = pytz.utc.localize(now).astimezone(tz).date()
            steps = []
            action = company.club_unlogged_action
            if action in ("complete", "cancel"):
                step = runner._club_auto_log_step(
                    company, user, now, tz, action, company.club_unlogged_days
                )
                steps.append(("auto", step))
            if company.club_credit_cleanup:
                steps.append(
                    ("cleanup", runner._club_cleanup_step(company, user, today))
                )
                if company.club_credit_cleanup_future:
                    steps.append(
                        ("future", runner._club_future_step(company, user, now, today))
                    )
            credits = runner.env["club.session.credit"]
            steps.append(("expire", credits._club_expire_step(company, today)))
        for name, (batch, remaining) in steps:
            _done, interrupted = runner._club_run_batches(batch, deadline, counts)
            if interrupted:
                with self.env.cr.savepoint():
                    counts["remaining"] += remaining()
                _logger.info(
                    "Unlogged bookings of %s: time budget spent during %s, "
                    "the next run goes on",
                    company.name,
                    name,
                )

        def write_summary():
            # Two runs at once both write it: the later one retries.
            counts["without_credit"] = runner._club_count_without_credit(company)
            company.sudo().write(
                {
                    "club_unlogged_last_run": now,
                    "club_unlogged_last_summary": runner._club_summary_text(counts),
                }
            )
            return {}, False

        runner._club_retrying(write_summary)
        runner._club_commit_batch()
        return counts

    def _club_runner(self, company, tz):
        """This model as superuser in ``company``, its language and time zone."""
        lang = company.partner_id.lang or self.env.lang
        return self.sudo().with_company(company).with_context(tz=tz.zone, lang=lang)

    def _club_company_failed(self, company, error, counts):
        """Log a company's failed run and say it in the company's last-run
        summary (the batch under way was rolled back already)."""
        if isinstance(error, UserError):
            reason = error.args[0]
        else:
            reason = f"{type(error).__name__}: {error}"
        _logger.error(
            "Unlogged bookings of %s (company %s): the run failed, the batch under "
            "way was rolled back: %s",
            company.name,
            company.id,
            reason,
            exc_info=not isinstance(error, UserError),
        )
        runner = self._club_runner(company, pytz.utc)
        text = runner.env._(
            "The run failed (the batch under way was undone; the next run tries "
            "again): %(reason)s",
            reason=reason,
        )
        if any(counts.values()):
            text += " " + runner.env._("Done before the failure:") + " "
            text += runner._club_summary_text(counts)

        def write_summary():
            company.sudo().write(
                {
                    "club_unlogged_last_run": fields.Datetime.now(),
                    "club_unlogged_last_summary": text,
                }
            )
            return {}, False

        self._club_retrying(write_summary)
        self._club_commit_batch()

    def _club_run_batches(self, batch, deadline, done=None):
        """Call ``batch()`` until it reports nothing left, one transaction each.

        :param done: counts to add to, batch by batch: what was committed is
            counted even when a later batch fails
        :return: (counts done, whether the deadline stopped it)
        """
        done = {} if done is None else done
        while True:
            if deadline and time.monotonic() > deadline:
                return done, True
            counts, more = self._club_retrying(batch)
            self._club_commit_batch()
            for key, value in counts.items():
                done[key] = done.get(key, 0) + value
            if not more:
                return done, False

    def _club_retrying(self, batch):
        """Run ``batch()`` in a savepoint: when it fails, what it did is rolled
        back, and the transaction is ready for the next batch or company."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.env.cr.savepoint():
                    return batch()
            except errors.SerializationFailure:
                # Another transaction changed a row between this batch's
                # snapshot and its lock: start the batch again, on a new
                # snapshot (earlier batches are committed already).
                if attempt == MAX_ATTEMPTS:
                    raise
                _logger.info("Unlogged bookings: concurrent update, batch retried")
                self.env.cr.rollback()
                time.sleep(0.1 * attempt)
        return {}, False

    def _club_commit_batch(self):
        """End of a batch: make it durable, so a killed run loses at most the batch
        under way. Odoo's test cursors refuse commits; tests replace this method
        (tests/test_unlogged.py)."""
        # pylint: disable=invalid-commit
        self.env.cr.commit()  # batch: one transaction per batch of the scheduled action

    # ------------------------------------------------------------------
    # Steps: each returns (batch, remaining); batch() handles one batch and
    # returns (counts, whether there may be more), remaining() counts what is
    # left when the time budget stops the step.
    # ------------------------------------------------------------------
    def _club_auto_log_step(self, company, user, now, tz, action, days):
        """Bookings left unlogged ``days`` whole days get ``action`` (complete or
        cancel)."""
        cutoff = company._club_unlogged_cutoff(now, tz, days)
        if action == "complete":
            status, key = "completed", "completed"
            note = _(
                "Logged as completed automatically: not logged within %(days)s "
                "days (rule: log unlogged bookings as completed after %(days)s "
                "days).",
                days=days,
            )
        else:
            status, key = "cancelled", "cancelled"
            note = _(
                "Cancelled automatically: not logged within %(days)s days (rule: "
                "cancel unlogged bookings after %(days)s days).",
                days=days,
            )
        where = SQL(
            "company_id = %s AND state = 'booked' AND start < %s AND stop <= %s",
            company.id,
            cutoff,
            now,
        )

        def batch():
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id FROM club_booking WHERE %s
                     ORDER BY start, id LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    where,
                    BATCH_SIZE,
                ),
                log_exceptions=False,
            )
            bookings = self.browse([row[0] for row in self.env.cr.fetchall()])
            if bookings:
                bookings._club_apply_outcome(
                    status, note=note, source="auto", user=user
                )
            return {key: len(bookings)}, len(bookings) == BATCH_SIZE

        return batch, lambda: self._club_count(
            SQL("SELECT count(*) FROM club_booking WHERE %s", where)
        )

    def _club_cleanup_step(self, company, user, today):
        """Completed bookings without a credit take the member's free credits."""
        where = SQL(
            """
            b.company_id = %(company)s AND b.state = 'completed' AND b.credit_id IS NULL
            AND EXISTS (
                SELECT 1 FROM club_session_credit c
                 WHERE c.partner_id = b.partner_id
                   AND c.company_id = b.company_id
                   AND c.state = 'available'
                   AND c.booking_id IS NULL
                   AND c.offering_type = o.offering_type
                   AND (c.offering_id IS NULL OR c.offering_id = b.offering_id)
                   AND (c.expiry_date IS NULL
                        OR c.expiry_date >= GREATEST(b.start::date, %(today)s)))
            """,
            company=company.id,
            today=today,
        )
        keyset = [None]

        def batch():
            bookings = self._club_take_completed(where, keyset)
            allocation = bookings._club_assign_credits()
            self._club_use_credits(
                allocation,
                user,
                _(
                    "Credit clean-up: session credit #%(credit)s now pays for this "
                    "completed booking."
                ),
                {},
            )
            return {"credits_assigned": len(allocation)}, len(bookings) == BATCH_SIZE

        return batch, lambda: self._club_count(
            SQL(
                "SELECT count(*) FROM club_booking b "
                "JOIN club_offering o ON o.id = b.offering_id WHERE %s",
                where,
            )
        )

    def _club_future_step(self, company, user, now, today):
        """The stronger clean-up: completed bookings still without a credit take
        the credits of the member's future bookings, latest first, and those
        bookings are cancelled."""
        donor_match = SQL(
            """
            f.company_id = b.company_id AND f.partner_id = b.partner_id
            AND f.state = 'booked' AND f.start > %(now)s
            AND c.state = 'available'
            AND c.offering_type = o.offering_type
            AND (c.offering_id IS NULL OR c.offering_id = b.offering_id)
            """,
            now=now,
        )
        where = SQL(
            """
            b.company_id = %s AND b.state = 'completed' AND b.credit_id IS NULL
            AND EXISTS (
                SELECT 1 FROM club_booking f
                  JOIN club_session_credit c ON c.id = f.credit_id
                 WHERE %s)
            """,
            company.id,
            donor_match,
        )
        keyset = [None]
        note = _("Cancelled by admin (credit clean-up)")

        def batch():
            bookings = self._club_take_completed(where, keyset)
            pairs = self._club_pick_donors(bookings, now, today)
            donors = self.browse([donor.id for donor, _credit in pairs.values()])
            if donors:
                donors._club_apply_outcome(
                    "cancelled", note=note, source="auto", user=user
                )
                # Their credits are free in the database before others take them:
                # credit_id is unique, checked row by row.
                self.env.flush_all()
            allocation = {}
            for booking, (_donor, credit) in pairs.items():
                booking.credit_id = credit
                allocation[booking] = credit
            self._club_use_credits(
                allocation,
                user,
                _(
                    "Credit clean-up: session credit #%(credit)s now pays for this "
                    "completed booking; it was freed from future booking %(donor)s, "
                    "now cancelled."
                ),
                {
                    booking: {"donor": donor.name}
                    for booking, (donor, _c) in pairs.items()
                },
            )
            counts = {
                "credits_assigned": len(allocation),
                "future_cancelled": len(donors),
            }
            return counts, len(bookings) == BATCH_SIZE

        return batch, lambda: self._club_count(
            SQL(
                "SELECT count(*) FROM club_booking b "
                "JOIN club_offering o ON o.id = b.offering_id WHERE %s",
                where,
            )
        )

    def _club_take_completed(self, where, keyset):
        """The next batch of completed bookings matching ``where`` (aliases b for
        the booking, o for its offering), oldest first, locked; ``keyset`` holds
        where the previous batch stopped, so bookings left without a credit are
        not taken again in the same run."""
        after = SQL("")
        if keyset[0]:
            after = SQL("AND (b.start, b.id) > (%s, %s)", *keyset[0])
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id, b.start FROM club_booking b
                  JOIN club_offering o ON o.id = b.offering_id
                 WHERE %s %s
                 ORDER BY b.start, b.id LIMIT %s
                   FOR UPDATE OF b SKIP LOCKED
                """,
                where,
                after,
                BATCH_SIZE,
            ),
            log_exceptions=False,
        )
        rows = self.env.cr.fetchall()
        if rows:
            keyset[0] = (rows[-1][1], rows[-1][0])
        return self.browse([row[0] for row in rows])

    def _club_pick_donors(self, bookings, now, today):
        """For each completed booking (oldest first), a future booking of the same
        member whose credit could pay for it, the latest first; both locked.

        :return: ``{completed booking: (future booking, credit)}``
        """
        if not bookings:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT f.id, f.partner_id, c.id, c.offering_type, c.offering_id,
                       c.expiry_date
                  FROM club_booking f
                  JOIN club_session_credit c ON c.id = f.credit_id
                 WHERE f.company_id = %(company)s AND f.partner_id = ANY(%(partners)s)
                   AND f.state = 'booked' AND f.start > %(now)s
                   AND c.state = 'available'
                 ORDER BY f.start DESC, f.id DESC
                   FOR UPDATE OF f, c SKIP LOCKED
                """,
                company=bookings.company_id.id,
                partners=bookings.partner_id.ids,
                now=now,
            ),
            log_exceptions=False,
        )
        pools = {}
        for row in self.env.cr.fetchall():
            pools.setdefault(row[1], []).append(row)
        pairs = {}
        for booking in bookings.sorted(lambda b: (b.start, b.id)):
            pool = pools.get(booking.partner_id.id, [])
            day = max(booking.start.date(), today)
            for index, (
                donor_id,
                _p,
                credit_id,
                ctype,
                offering_id,
                expiry,
            ) in enumerate(pool):
                if (
                    ctype == booking.offering_id.offering_type
                    and offering_id in (None, booking.offering_id.id)
                    and (expiry is None or expiry >= day)
                ):
                    pairs[booking] = (
                        self.browse(donor_id),
                        self.env["club.session.credit"].browse(credit_id),
                    )
                    del pool[index]
                    break
        return pairs

    def _club_use_credits(self, allocation, user, text, extra):
        """Mark the credits given to completed bookings used, and say so on the
        bookings."""
        if not allocation:
            return
        credits = self.env["club.session.credit"].browse(
            [credit.id for credit in allocation.values()]
        )
        credits.with_context(tracking_disable=True)._mark_used()
        notes = {
            booking.id: (text, {"credit": credit.id, **extra.get(booking, {})})
            for booking, credit in allocation.items()
        }
        bookings = self.browse([booking.id for booking in allocation])
        log_notes(bookings, notes, author_id=user.partner_id.id)

    def _club_count(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchone()[0]

    def _club_count_without_credit(self, company):
        return self._club_count(
            SQL(
                "SELECT count(*) FROM club_booking WHERE company_id = %s "
                "AND state = 'completed' AND credit_id IS NULL",
                company.id,
            )
        )

    @api.model
    def _club_summary_text(self, counts):
        text = _(
            "Completed: %(completed)s, cancelled: %(cancelled)s, credits assigned: "
            "%(credits_assigned)s, future bookings cancelled to free credits: "
            "%(future_cancelled)s, credits expired: %(credits_expired)s.",
            **counts,
        )
        if counts["without_credit"]:
            text += " " + _(
                "Completed bookings still without a session credit: %(count)s.",
                count=counts["without_credit"],
            )
        if counts["remaining"]:
            text += " " + _(
                "Left for the next run, which comes soon: %(count)s.",
                count=counts["remaining"],
            )
        return text

"""The nightly job for what nobody logged: automatic log-off of unlogged bookings,
the session-credit clean-up and the expiry of credits.

Each company runs on its own, with its own settings, language and time zone. The
job walks the policies of ``POLICIES`` in order; each policy the company asks for
gives a step, and each step works in batches of one transaction each: a killed
run loses at most the batch under way and the next run finishes the job. Rows are
taken with ``FOR UPDATE SKIP LOCKED``: two runs at once share the work instead of
doing it twice, a booking staff are logging right now is left to them, and only
rows still in the expected state are touched.

A new policy is one entry of ``POLICIES`` and its step method.
"""

import logging
from dataclasses import dataclass

import pytz

from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate, format_date

from ..tools.bulk_chatter import log_notes
from .club_session_credit import CREDIT_COLUMNS

_lt = LazyTranslate(__name__)
# The texts of the tables below are lazy translations (there is no environment
# at import time); methods translate them with self.env._(text).
# pylint: disable=prefer-env-translation
_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
SUMMARY_KEYS = (
    "completed",
    "cancelled",
    "no_show",
    "credits_assigned",
    "future_cancelled",
    "credits_expired",
    "without_credit",
    "remaining",
)
# What a run did, as opposed to what it saw (without_credit, remaining).
DONE_KEYS = SUMMARY_KEYS[:6]


@dataclass(frozen=True)
class Policy:
    name: str
    # Whether a company's settings ask for it.
    applies: object
    # The job's method that builds its step: (batch, remaining), see below.
    step: str
    # For the automatic log-off: the outcome given and the note that says why.
    status: str | None = None
    note: object = None


POLICIES = (
    Policy(
        "complete",
        lambda company: company.club_unlogged_action == "complete",
        "_step_auto_log",
        status="completed",
        note=_lt(
            "Logged as completed automatically: not logged within %(days)s days "
            "(rule: log unlogged bookings as completed after %(days)s days)."
        ),
    ),
    Policy(
        "cancel",
        lambda company: company.club_unlogged_action == "cancel",
        "_step_auto_log",
        status="cancelled",
        note=_lt(
            "Cancelled automatically: not logged within %(days)s days (rule: "
            "cancel unlogged bookings after %(days)s days)."
        ),
    ),
    Policy(
        "evidence",
        lambda company: company.club_unlogged_action == "evidence",
        "_step_evidence",
    ),
    Policy(
        "cleanup",
        lambda company: company.club_credit_cleanup,
        "_step_cleanup",
    ),
    Policy(
        "future",
        lambda company: company.club_credit_cleanup
        and company.club_credit_cleanup_future,
        "_step_future",
    ),
    Policy("expire", lambda company: True, "_step_expire"),
)


# The evidence rule: what decided each booking's outcome (the booking's
# _attendance_evidence), the outcome, and the note that says so.
EVIDENCE_OUTCOMES = {
    "kiosk_confirmed": (
        "completed",
        _lt(
            "Logged as completed automatically after %(days)s days: the member "
            "confirmed the booking at the check-in kiosk (rule: log unlogged "
            "bookings by check-in evidence)."
        ),
    ),
    "checked_in": (
        "completed",
        _lt(
            "Logged as completed automatically after %(days)s days: the member "
            "checked in within the booking's time window (rule: log unlogged "
            "bookings by check-in evidence)."
        ),
    ),
    False: (
        "no_show",
        _lt(
            "Logged as no-show automatically after %(days)s days: the member "
            "neither checked in within the booking's time window nor confirmed it "
            "at the check-in kiosk (rule: log unlogged bookings by check-in "
            "evidence)."
        ),
    ),
}

# pylint: enable=prefer-env-translation


@dataclass(frozen=True)
class RunContext:
    """What every step of one company's run shares: the company and its
    settings read once, the run's user, and its time."""

    company: object
    user: object
    tz: object
    now: object
    today: object
    # Whole days after which an unlogged booking is handled.
    days: int


class ClubUnloggedJob(models.AbstractModel):
    """The scheduled action ``ir_cron_unlogged_bookings`` (entry point:
    ``club.booking._cron_process_unlogged_bookings``) and **Run Now**. Its
    batches, retries, commits and time budget: ``club.batch.job``."""

    _name = "club.unlogged.job"
    _inherit = "club.batch.job"
    _description = "Unlogged Bookings Job"

    # ------------------------------------------------------------------
    # Runner
    # ------------------------------------------------------------------
    @api.model
    def _run_cron(self):
        """Every company; what a time budget leaves over is reported to the
        cron, which runs again soon to finish it."""
        # Every club: a few rows (and the credit expiry runs for all of them).
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        summary = self._run(companies)
        done = sum(summary[key] for key in DONE_KEYS)
        self.env["ir.cron"]._notify_progress(done=done, remaining=summary["remaining"])
        return summary

    @api.model
    def _run(self, companies, time_budget=None):
        """Every policy ``companies`` ask for, by the current user (source
        ``auto``), each company on its own (``club.batch.job``'s runner): a
        company's failure is logged and shown in its last-run summary, the
        others are processed.

        :param time_budget: seconds after which no new batch starts (default:
            half the real-time limit of a worker); what is left is counted in
            ``remaining``
        :return: counts by ``SUMMARY_KEYS``, and ``failed``: the number of
            companies whose run failed
        """
        return self._run_companies(companies, time_budget=time_budget)

    @api.model
    def _summary_keys(self):
        return SUMMARY_KEYS

    @api.model
    def _job_logger(self):
        return _logger

    def _company_steps(self, company):
        """The policies the company asks for, in order, with its own settings,
        language and time zone."""
        # A value out of range (stored before the bounds existed) fails this
        # company's run, saying which.
        company._club_check_unlogged_days()
        tz = company._club_tz()
        job = self._for_company(company, tz)
        now = fields.Datetime.now()
        run = RunContext(
            company=company,
            user=self.env.user,
            tz=tz,
            now=now,
            today=pytz.utc.localize(now).astimezone(tz).date(),
            days=company.club_unlogged_days,
        )
        # The run's time, for its last-run summary (_company_done).
        job = job.with_context(club_run_now=fields.Datetime.to_string(now))
        steps = []
        for policy in POLICIES:
            if policy.applies(company):
                batch, remaining = getattr(job, policy.step)(run, policy)
                steps.append((policy.name, batch, remaining))
        return job, steps

    def _company_done(self, company, counts):
        now = (
            fields.Datetime.to_datetime(self.env.context.get("club_run_now"))
            or fields.Datetime.now()
        )

        def write_summary():
            # Two runs at once both write it: the later one retries.
            counts["without_credit"] = self._count_without_credit(company)
            company.sudo().write(
                {
                    "club_unlogged_last_run": now,
                    # The counts; the summary is written from them in the
                    # reader's language (res.company.club_unlogged_last_summary).
                    "club_unlogged_last_counts": {"counts": dict(counts)},
                }
            )
            return {}, False

        self._retrying(write_summary)
        self._commit_batch()

    def _report_failure(self, company, reason, counts):
        """Say the failure in the company's last-run summary."""
        last = {"failure": reason}
        if any(counts.values()):
            last["counts"] = dict(counts)

        def write_summary():
            company.sudo().write(
                {
                    "club_unlogged_last_run": fields.Datetime.now(),
                    "club_unlogged_last_counts": last,
                }
            )
            return {}, False

        self._retrying(write_summary)
        self._commit_batch()

    @api.model
    def _last_run_text(self, last):
        """The last-run summary of ``last`` (what _company_done or
        _report_failure stored), in the environment's language."""
        if not last:
            return False
        if "text" in last:
            # A summary written before 18.0.1.4.0, kept as it was written.
            return last["text"]
        counts = dict.fromkeys(SUMMARY_KEYS, 0) | (last.get("counts") or {})
        if "failure" not in last:
            return self._summary_text(counts)
        if "counts" not in last:
            return self.env._(
                "The run failed (the batch under way was undone; the next run tries "
                "again): %(reason)s",
                reason=last["failure"],
            )
        return self.env._(
            "The run failed (the batch under way was undone; the next run tries "
            "again): %(reason)s Done before the failure: %(done)s",
            reason=last["failure"],
            done=self._summary_text(counts),
        )

    def _count_without_credit(self, company):
        return self._count(
            SQL(
                "SELECT count(*) FROM club_booking WHERE company_id = %s "
                "AND state = 'completed' AND credit_id IS NULL",
                company.id,
            )
        )

    @api.model
    def _summary_text(self, counts):
        text = self.env._(
            "Completed: %(completed)s, cancelled: %(cancelled)s, no-shows: "
            "%(no_show)s, credits assigned: %(credits_assigned)s, future bookings "
            "cancelled to free credits: %(future_cancelled)s, credits expired: "
            "%(credits_expired)s.",
            **counts,
        )
        if counts["without_credit"]:
            text += " " + self.env._(
                "Completed bookings still without a session credit: %(count)s.",
                count=counts["without_credit"],
            )
        if counts["remaining"]:
            text += " " + self.env._(
                "Left for the next run, which comes soon: %(count)s.",
                count=counts["remaining"],
            )
        return text

    # ------------------------------------------------------------------
    # Steps: each takes the run and its policy and returns (batch,
    # remaining); batch() handles one batch and returns (counts, whether there
    # may be more), remaining() counts what is left when the time budget stops
    # the step.
    # ------------------------------------------------------------------
    def _step_auto_log(self, run, policy):
        """Bookings left unlogged the company's number of whole days get the
        policy's outcome."""
        template = self.env._(policy.note)
        note = template % {"days": run.days}

        def log(bookings):
            if bookings:
                bookings._apply_outcome(
                    policy.status, note=note, source="auto", user=run.user
                )
            return {policy.status: len(bookings)}

        return self._unlogged_batches(run, log)

    def _step_evidence(self, run, policy):
        """Bookings left unlogged the company's number of whole days are logged
        by what shows the member came: completed when confirmed at the kiosk or
        checked in within the booking's window, else no-show; the note says which
        evidence decided. The evidence of a batch is one query."""
        notes = {}
        for evidence, (_status, text) in EVIDENCE_OUTCOMES.items():
            template = self.env._(text)
            notes[evidence] = template % {"days": run.days}

        def log(bookings):
            evidence = bookings._attendance_evidence()
            counts = {}
            for key, (status, _text) in EVIDENCE_OUTCOMES.items():
                decided = bookings.filtered(lambda b, key=key: evidence[b.id] == key)
                if decided:
                    decided._apply_outcome(
                        status, note=notes[key], source="auto", user=run.user
                    )
                    counts[status] = counts.get(status, 0) + len(decided)
            return counts

        return self._unlogged_batches(run, log)

    def _unlogged_batches(self, run, log):
        """The step of the automatic log-off policies: batches of the bookings
        left unlogged the company's number of whole days (and over), locked,
        handed to ``log(bookings)`` (empty when nothing is left), which returns
        its counts."""
        company = run.company
        cutoff = company._club_unlogged_cutoff(run.now, run.tz, run.days)
        where = SQL(
            "company_id = %s AND state = 'booked' AND start < %s AND stop <= %s",
            company.id,
            cutoff,
            run.now,
        )
        Booking = self.env["club.booking"]

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
            bookings = Booking.browse([row[0] for row in self.env.cr.fetchall()])
            return log(bookings), len(bookings) == BATCH_SIZE

        return batch, lambda: self._count(
            SQL("SELECT count(*) FROM club_booking WHERE %s", where)
        )

    def _step_cleanup(self, run, policy):
        """Completed bookings without a credit take the member's free credits."""
        Credit = self.env["club.session.credit"]
        where = SQL(
            """
            b.company_id = %s AND b.state = 'completed' AND b.credit_id IS NULL
            AND EXISTS (
                SELECT 1 FROM club_session_credit c
                 WHERE c.booking_id IS NULL AND %s AND %s)
            """,
            run.company.id,
            Credit._usable_sql("c", run.today),
            Credit._fit_sql("c"),
        )
        keyset = [None]
        text = self.env._(
            "Credit clean-up: session credit #%(credit)s now pays for this "
            "completed booking."
        )

        def batch():
            bookings = self._take_completed(where, keyset)
            allocation = bookings._assign_credits()
            self._use_credits(allocation, run.user, text, {})
            return {"credits_assigned": len(allocation)}, len(bookings) == BATCH_SIZE

        return batch, lambda: self._count_completed(where)

    def _step_future(self, run, policy):
        """The stronger clean-up: completed bookings still without a credit take
        the credits of the member's future bookings, latest first, and those
        bookings are cancelled."""
        Credit = self.env["club.session.credit"]
        where = SQL(
            """
            b.company_id = %s AND b.state = 'completed' AND b.credit_id IS NULL
            AND EXISTS (
                SELECT 1 FROM club_booking f
                  JOIN club_session_credit c ON c.id = f.credit_id
                 WHERE f.state = 'booked' AND f.start > %s AND %s AND %s)
            """,
            run.company.id,
            run.now,
            Credit._usable_sql("c", run.today),
            Credit._fit_sql("c"),
        )
        keyset = [None]
        note = self.env._("Cancelled by admin (credit clean-up)")
        text = self.env._(
            "Credit clean-up: session credit #%(credit)s now pays for this "
            "completed booking; it was freed from future booking %(donor)s, "
            "now cancelled."
        )

        def batch():
            bookings = self._take_completed(where, keyset)
            pairs = self._pick_donors(bookings, run)
            donors = bookings.browse([donor.id for donor, _credit in pairs.values()])
            if donors:
                donors._apply_outcome(
                    "cancelled", note=note, source="auto", user=run.user
                )
                # Their credits are free in the database before others take them:
                # credit_id is unique, checked row by row.
                self.env.flush_all()
            allocation = self.env["club.booking"]._tie_credits(
                {booking: credit for booking, (_donor, credit) in pairs.items()}
            )
            self._use_credits(
                allocation,
                run.user,
                text,
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

        return batch, lambda: self._count_completed(where)

    def _step_expire(self, run, policy):
        """Free credits past their expiry date become expired (the ones an open
        booking reserved are kept: that booking was made before the date)."""
        Credit = self.env["club.session.credit"]
        where = SQL(
            "company_id = %s AND state = 'available' AND booking_id IS NULL "
            "AND expiry_date < %s",
            run.company.id,
            run.today,
        )
        text = self.env._("Expired: not used by its expiry date, %(date)s.")

        def batch():
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM club_session_credit WHERE %s "
                    "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    where,
                    BATCH_SIZE,
                ),
                log_exceptions=False,
            )
            credits = Credit.browse([row[0] for row in self.env.cr.fetchall()])
            if credits:
                credits.with_context(tracking_disable=True)._mark_expired()
                log_notes(
                    credits,
                    {
                        credit.id: (
                            text,
                            {"date": format_date(self.env, credit.expiry_date)},
                        )
                        for credit in credits
                    },
                    author_id=run.user.partner_id.id,
                )
            return {"credits_expired": len(credits)}, len(credits) == BATCH_SIZE

        return batch, lambda: self._count(
            SQL("SELECT count(*) FROM club_session_credit WHERE %s", where)
        )

    # ------------------------------------------------------------------
    # What the credit steps share
    # ------------------------------------------------------------------
    def _count_completed(self, where):
        return self._count(
            SQL(
                "SELECT count(*) FROM club_booking b "
                "JOIN club_offering o ON o.id = b.offering_id WHERE %s",
                where,
            )
        )

    def _take_completed(self, where, keyset):
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
        return self.env["club.booking"].browse([row[0] for row in rows])

    def _pick_donors(self, bookings, run):
        """For each completed booking (oldest first), a future booking of the same
        member whose credit could pay for it, the latest first; both locked.

        :return: ``{completed booking: (future booking, credit)}``
        """
        if not bookings:
            return {}
        Credit = self.env["club.session.credit"]
        self.env.cr.execute(
            SQL(
                """
                SELECT f.id, %(columns)s
                  FROM club_booking f
                  JOIN club_session_credit c ON c.id = f.credit_id
                 WHERE f.company_id = %(company)s AND f.partner_id = ANY(%(partners)s)
                   AND f.state = 'booked' AND f.start > %(now)s AND %(usable)s
                 ORDER BY f.start DESC, f.id DESC
                   FOR UPDATE OF f, c SKIP LOCKED
                """,
                company=run.company.id,
                partners=bookings.partner_id.ids,
                now=run.now,
                usable=Credit._usable_sql("c", run.today),
                columns=SQL(", ").join(
                    SQL.identifier("c", column) for column in CREDIT_COLUMNS
                ),
            ),
            log_exceptions=False,
        )
        pools = {}
        for donor_id, *row in self.env.cr.fetchall():
            credit = dict(zip(CREDIT_COLUMNS, row, strict=True))
            pools.setdefault(credit["partner_id"], []).append((donor_id, credit))
        pairs = {}
        for booking in bookings.sorted(lambda b: (b.start, b.id)):
            pool = pools.get(booking.partner_id.id, [])
            wanted = Credit._fit_values(booking)
            for index, (donor_id, credit) in enumerate(pool):
                if Credit._fits(credit, wanted):
                    pairs[booking] = (
                        bookings.browse(donor_id),
                        Credit.browse(credit["id"]),
                    )
                    del pool[index]
                    break
        return pairs

    def _use_credits(self, allocation, user, text, extra):
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
        bookings = self.env["club.booking"].browse(list(notes))
        log_notes(bookings, notes, author_id=user.partner_id.id)

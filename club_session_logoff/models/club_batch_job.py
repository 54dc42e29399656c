"""What the addon's batched scheduled actions share: the unlogged-bookings job
(``club.unlogged.job``) and the penalty invoicing (``club.penalty.job``).

One runner (``_run_companies``) takes the companies one by one: a company's
steps (``_company_steps``) run their batches; when a company's run fails, the
batch under way is rolled back (earlier batches are committed), the failure is
logged with the company's name (``_company_failed``, and each job's
``_report_failure``) and the other companies are processed. The run itself
does not fail: Odoo would deactivate a failing scheduled action in the end,
for every club.

A run works in batches of one transaction each: a killed run loses at most the
batch under way and the next run finishes the job. A batch takes its rows with
``FOR UPDATE SKIP LOCKED`` (two runs at once share the work) and starts again on
a new snapshot when it meets a concurrent update; a time budget stops the run
between batches, and the cron runs again soon for the rest.
"""

import logging
import time

from psycopg2 import errors

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import config

_logger = logging.getLogger(__name__)

# A batch that met a concurrent update (REPEATABLE READ) starts again this many
# times, in a new transaction, before the run gives up. Expected when two runs
# share the work: the rows one commits are still untouched in the other's
# snapshot. Their queries do not log the failure (log_exceptions=False): it is
# handled.
MAX_ATTEMPTS = 10


class ClubBatchJob(models.AbstractModel):
    _name = "club.batch.job"
    _description = "Batched Scheduled Action"

    # ------------------------------------------------------------------
    # The runner: every company on its own
    # ------------------------------------------------------------------
    @api.model
    def _summary_keys(self):
        """What a run counts (each job its own); ``remaining`` is what the time
        budget left for the next run."""
        return ("remaining",)

    @api.model
    def _job_logger(self):
        """The job's logger (each job logs under its own module)."""
        return _logger

    @api.model
    def _run_companies(self, companies, time_budget=None):
        """Run the job for each of ``companies``, each on its own: its steps
        (``_company_steps``) run their batches until done or until the time
        budget is spent, then ``_company_done``. A company whose run fails is
        reported (``_company_failed``) and the others go on.

        :param time_budget: seconds after which no new batch starts (default:
            half the real-time limit of a worker); what is left is counted in
            ``remaining``
        :return: counts by ``_summary_keys()``, and ``failed``: the number of
            companies whose run failed
        """
        keys = self._summary_keys()
        budget = self._time_budget() if time_budget is None else time_budget
        deadline = time.monotonic() + budget if budget else None
        summary = dict.fromkeys(keys, 0)
        summary["failed"] = 0
        for company in companies:
            counts = dict.fromkeys(keys, 0)
            try:
                self._run_company(company, deadline, counts)
            except Exception as error:  # pylint: disable=broad-except
                # Whatever went wrong with one club, the others are processed.
                summary["failed"] += 1
                self._company_failed(company, error, counts)
            for key in keys:
                summary[key] += counts[key]
        return summary

    def _run_company(self, company, deadline, counts):
        """One company's run; ``counts`` grows with each committed batch."""
        # In a savepoint, like every batch: whatever fails while the steps are
        # prepared (the company's settings) leaves the transaction ready for
        # the next company.
        with self.env.cr.savepoint():
            job, steps = self._company_steps(company)
        for name, batch, remaining in steps:
            if job._run_batches(batch, deadline, counts):
                with self.env.cr.savepoint():
                    counts["remaining"] += remaining()
                self._job_logger().info(
                    "%s of %s: time budget spent during %s, the next run goes on",
                    self._description,
                    company.name,
                    name,
                )
        job._company_done(company, counts)
        return counts

    def _company_steps(self, company):
        """The job for ``company`` (``_for_company``) and its steps, in order:
        ``(name, batch, remaining)``; ``batch()`` handles one batch and returns
        ``(counts, whether there may be more)``, ``remaining()`` counts what is
        left when the time budget stops the run. Each job defines it."""
        raise NotImplementedError

    def _company_done(self, company, counts):
        """A company's run went through (a job may record its summary)."""

    @api.model
    def _failure_reason(self, error):
        if isinstance(error, UserError):
            return error.args[0]
        return f"{type(error).__name__}: {error}"

    def _company_failed(self, company, error, counts):
        """Log a company's failed run (the batch under way was rolled back
        already) and let the job say it where its staff look
        (``_report_failure``)."""
        reason = self._failure_reason(error)
        self._job_logger().error(
            "%s of %s (company %s): the run failed, the batch under way was "
            "rolled back: %s",
            self._description,
            company.name,
            company.id,
            reason,
            exc_info=not isinstance(error, UserError),
        )
        self._report_failure(company, reason, counts)

    def _report_failure(self, company, reason, counts):
        """Say a company's failed run where its staff look (each job may)."""

    @api.model
    def _time_budget(self):
        """Half the real-time limit Odoo puts on a worker (cron or HTTP), so that a
        run stops between batches well before it would be killed."""
        limit = config["limit_time_real_cron"]
        if self.env.context.get("cron_id") is None or limit is None or limit < 0:
            limit = config["limit_time_real"]
        return limit / 2 if limit and limit > 0 else None

    def _for_company(self, company, tz):
        """This job as superuser in ``company``, its language and time zone."""
        lang = company.partner_id.lang or self.env.lang
        return self.sudo().with_company(company).with_context(tz=tz.zone, lang=lang)

    def _run_batches(self, batch, deadline, done):
        """Call ``batch()`` until it reports nothing left, one transaction each;
        what each committed batch did is added to ``done`` at once, so it is
        counted even when a later batch fails.

        :return: whether the deadline stopped it
        """
        while True:
            if deadline and time.monotonic() > deadline:
                return True
            counts, more = self._retrying(batch)
            self._commit_batch()
            for key, value in counts.items():
                done[key] = done.get(key, 0) + value
            if not more:
                return False

    def _retrying(self, batch):
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
                _logger.info("%s: concurrent update, batch retried", self._description)
                self.env.cr.rollback()
                time.sleep(0.1 * attempt)
        return {}, False

    def _commit_batch(self):
        """End of a batch: make it durable, so a killed run loses at most the batch
        under way. Odoo's test cursors refuse commits; tests replace this method
        (tests/test_unlogged.py, tests/test_penalty_invoicing.py)."""
        # pylint: disable=invalid-commit
        self.env.cr.commit()  # batch: one transaction per batch of the scheduled action

    def _count(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchone()[0]

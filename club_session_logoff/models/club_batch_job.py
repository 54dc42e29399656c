"""What the addon's batched scheduled actions share: the unlogged-bookings job
(``club.unlogged.job``) and the penalty invoicing (``club.penalty.job``).

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

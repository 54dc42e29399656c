"""The scheduled action ``ir_cron_club_penalties``: pending penalties whose grace
period ended go on the members' invoices.

Each company on its own (its fee product, language and time zone). A batch takes
the next members with penalties to invoice and locks those penalties (``FOR
UPDATE SKIP LOCKED``); each member gets one posted customer invoice, one line per
penalty, due by the member's payment terms, and an email through the mail queue;
the penalties become invoiced; the batch commits. So a penalty is invoiced once:
two runs at once share the members, a killed run loses the batch under way
(invoices, emails and states together), and the next run invoices it. Batches,
retries, commits and the time budget: ``club.batch.job``.
"""

import logging
import time
from collections import defaultdict

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime

from ..tools.bulk_chatter import log_notes
from .club_penalty import KIND_BY_NAME

_logger = logging.getLogger(__name__)

# Members per batch (one transaction): their penalties, invoices and emails.
BATCH_MEMBERS = 100
MAIL_TEMPLATE = "club_session_logoff.mail_template_club_penalty_invoice"


class ClubPenaltyJob(models.AbstractModel):
    _name = "club.penalty.job"
    _inherit = "club.batch.job"
    _description = "Penalty Invoicing"

    @api.model
    def _run_cron(self):
        """Every company with penalties to invoice; what a time budget leaves
        over is reported to the cron, which runs again soon to finish it."""
        summary = self._run()
        self.env["ir.cron"]._notify_progress(
            done=summary["invoiced"], remaining=summary["remaining"]
        )
        return summary

    @api.model
    def _run(self, companies=None, time_budget=None):
        """Invoice the penalties of ``companies`` (default: every company with
        some to invoice) whose grace period ended. A company whose run fails is
        logged and left for the next run (the batch under way is rolled back);
        the others go on.

        :return: ``invoiced`` (penalties), ``invoices``, ``remaining`` (left by
            the time budget) and ``failed`` (companies)
        """
        now = fields.Datetime.now()
        if companies is None:
            self.env["club.penalty"].flush_model(["company_id", "state", "grace_end"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT company_id FROM club_penalty "
                    "WHERE state = 'pending' AND grace_end <= %s",
                    now,
                )
            )
            companies = self.env["res.company"].browse(
                sorted(row[0] for row in self.env.cr.fetchall())
            )
        budget = self._time_budget() if time_budget is None else time_budget
        deadline = time.monotonic() + budget if budget else None
        summary = {"invoiced": 0, "invoices": 0, "remaining": 0, "failed": 0}
        for company in companies:
            counts = {}
            try:
                self._run_company(company, now, deadline, counts)
            except Exception as error:  # pylint: disable=broad-except
                # Whatever went wrong with one club, the others are invoiced.
                summary["failed"] += 1
                _logger.error(
                    "Penalty invoicing of %s (company %s) failed, the batch under "
                    "way was rolled back: %s",
                    company.name,
                    company.id,
                    error.args[0] if isinstance(error, UserError) else error,
                    exc_info=not isinstance(error, UserError),
                )
            for key, value in counts.items():
                summary[key] += value
        return summary

    def _run_company(self, company, now, deadline, counts):
        tz = company._club_tz()
        job = self._for_company(company, tz)
        product = company._club_penalty_product()
        if not product:
            raise UserError(
                job.env._(
                    "%(company)s: no fee product to invoice penalties with (Club > "
                    "Configuration > Settings, No-Show Policy).",
                    company=company.name,
                )
            )
        where = SQL(
            "company_id = %s AND state = 'pending' AND grace_end <= %s",
            company.id,
            now,
        )
        today = pytz.utc.localize(now).astimezone(tz).date()
        # Members are taken in order; a member whose penalties another run holds
        # is not asked for again in this run.
        after = [0]

        def batch():
            job.env.cr.execute(
                SQL(
                    "SELECT DISTINCT partner_id FROM club_penalty "
                    "WHERE %s AND partner_id > %s ORDER BY partner_id LIMIT %s",
                    where,
                    after[0],
                    BATCH_MEMBERS,
                )
            )
            members = [row[0] for row in job.env.cr.fetchall()]
            if not members:
                return {}, False
            job.env.cr.execute(
                SQL(
                    "SELECT id FROM club_penalty WHERE %s AND partner_id = ANY(%s) "
                    "ORDER BY partner_id, id FOR UPDATE SKIP LOCKED",
                    where,
                    members,
                ),
                log_exceptions=False,
            )
            penalties = job.env["club.penalty"].browse(
                [row[0] for row in job.env.cr.fetchall()]
            )
            invoices = job._invoice(penalties, product, today, tz)
            job.env.flush_all()
            after[0] = members[-1]
            counts = {"invoiced": len(penalties), "invoices": len(invoices)}
            return counts, len(members) == BATCH_MEMBERS

        interrupted = job._run_batches(batch, deadline, counts)
        if interrupted:
            counts["remaining"] = job._count(
                SQL("SELECT count(*) FROM club_penalty WHERE %s", where)
            )
            _logger.info(
                "Penalty invoicing of %s: time budget spent, the next run goes on",
                company.name,
            )

    def _invoice(self, penalties, product, today, tz):
        """One posted customer invoice per member for ``penalties`` (locked,
        pending), the member told by email; the penalties become invoiced.

        :return: the invoices
        """
        if not penalties:
            return self.env["account.move"]
        by_member = defaultdict(list)
        labels = {}
        for penalty in penalties:
            by_member[penalty.partner_id].append(penalty)
            labels[penalty] = self._line_label(penalty, tz)
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": member.id,
                "invoice_date": today,
                "invoice_origin": ", ".join(
                    p.booking_id.name for p in member_penalties
                ),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": labels[penalty],
                            "quantity": 1,
                            "price_unit": penalty.amount,
                        }
                    )
                    for penalty in member_penalties
                ],
            }
            for member, member_penalties in by_member.items()
        ]
        invoices = (
            self.env["account.move"]
            .with_context(default_move_type="out_invoice", tracking_disable=True)
            .create(vals_list)
        )
        invoices.action_post()
        # Each label names its penalty's booking: one penalty per label. (The
        # chatter line below is the trail; tracking would add one ORM message
        # per penalty.)
        penalty_by_label = {
            label: penalty.with_context(tracking_disable=True)
            for penalty, label in labels.items()
        }
        for line in invoices.invoice_line_ids:
            penalty = penalty_by_label[line.name]
            penalty.write(
                {
                    "state": "invoiced",
                    "invoice_id": line.move_id.id,
                    "invoice_line_id": line.id,
                }
            )
        emailed = invoices.filtered(lambda inv: inv.partner_id.email)
        if emailed:
            template = self.env.ref(MAIL_TEMPLATE)
            template.send_mail_batch(emailed.ids, force_send=False)
            emailed.is_move_sent = True
        text = self.env._("Invoiced on %(invoice)s.")
        log_notes(
            penalties,
            {
                penalty.id: (text, {"invoice": penalty.invoice_id.name})
                for penalty in penalties
            },
        )
        return invoices

    def _line_label(self, penalty, tz):
        label = self.env._(KIND_BY_NAME[penalty.kind].line_label)
        return label % {
            "offering": penalty.booking_id.offering_id.name,
            "date": format_datetime(
                self.env, penalty.booking_id.start, tz=tz.zone, dt_format="short"
            ),
            "booking": penalty.booking_id.name,
        }

"""The scheduled action ``ir_cron_club_penalties``: pending penalties whose grace
period ended go on the members' invoices.

Each company on its own (its fee product, language and time zone). A batch takes
the next members with penalties to invoice and locks those penalties (``FOR
UPDATE SKIP LOCKED``); each member gets one posted customer invoice, one line per
penalty (the line names it: ``account.move.line.club_penalty_id``), due by the
member's payment terms, queued for Odoo's own sending (``sending_data``: Odoo's
"Send invoices automatically" mails it with the club's template and the PDF);
the penalties become invoiced; the batch commits. So a penalty is invoiced once:
two runs at once share the members, a killed run loses the batch under way
(invoices and states together), and the next run invoices it. A member whose
invoice fails is logged and left pending; the others are invoiced. Companies,
batches, retries, commits and the time budget: ``club.batch.job``.
"""

import logging
from collections import defaultdict

import pytz
from psycopg2 import errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime

from ..tools.bulk_chatter import log_notes
from .club_penalty import KIND_BY_NAME

_logger = logging.getLogger(__name__)

# Members per batch (one transaction): their penalties and invoices.
BATCH_MEMBERS = 100
SUMMARY_KEYS = ("invoiced", "invoices", "failed_members", "remaining")


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
        some to invoice) whose grace period ended, each company on its own
        (``club.batch.job``'s runner): a company whose run fails is logged and
        left for the next run (the batch under way is rolled back), the others
        go on. Inside a company, a member whose invoice fails is logged, named
        with the penalties, and left pending; the other members are invoiced.

        :return: ``invoiced`` (penalties), ``invoices``, ``remaining`` (left by
            the time budget), ``failed_members`` and ``failed`` (companies)
        """
        if companies is None:
            self.env["club.penalty"].flush_model(["company_id", "state", "grace_end"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT company_id FROM club_penalty "
                    "WHERE state = 'pending' AND grace_end <= %s",
                    fields.Datetime.now(),
                )
            )
            companies = self.env["res.company"].browse(
                sorted(row[0] for row in self.env.cr.fetchall())
            )
        summary = self._run_companies(companies, time_budget=time_budget)
        if summary["invoices"]:
            # Odoo's "Send invoices automatically" sends them (sending_data).
            self.env.ref("account.ir_cron_account_move_send").sudo()._trigger()
        return summary

    @api.model
    def _summary_keys(self):
        return SUMMARY_KEYS

    @api.model
    def _job_logger(self):
        return _logger

    def _company_steps(self, company):
        now = fields.Datetime.now()
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
        Journal = job.env["account.journal"]
        if not Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
        ):
            # The club's accounting is not set up: no member could be invoiced.
            raise UserError(Journal._build_no_journal_error_msg(company.name, ["sale"]))
        where = SQL(
            "company_id = %s AND state = 'pending' AND grace_end <= %s",
            company.id,
            now,
        )
        today = pytz.utc.localize(now).astimezone(tz).date()
        # Members are taken in order; a member whose penalties another run holds
        # (or whose invoice failed) is not asked for again in this run.
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
            invoices, failed = job._invoice(penalties, product, today, tz)
            job.env.flush_all()
            after[0] = members[-1]
            counts = {
                "invoiced": len(invoices.club_penalty_ids),
                "invoices": len(invoices),
                "failed_members": len(failed),
            }
            return counts, len(members) == BATCH_MEMBERS

        def remaining():
            return job._count(SQL("SELECT count(*) FROM club_penalty WHERE %s", where))

        return job, [("invoicing", batch, remaining)]

    def _invoice(self, penalties, product, today, tz):
        """One posted customer invoice per member for ``penalties`` (locked,
        pending), queued for Odoo's sending (``sending_data``); the penalties
        become invoiced. A member whose invoice fails (an amount out of
        range, the member's accounting) is logged with the penalties, which
        stay pending; the others are invoiced.

        :return: the invoices, and the members whose invoice failed
        """
        invoices = self.env["account.move"]
        failed = self.env["res.partner"]
        if not penalties:
            return invoices, failed
        by_member = defaultdict(lambda: self.env["club.penalty"])
        for penalty in penalties:
            by_member[penalty.partner_id] |= penalty
        out_of_range = penalties.filtered(lambda p: not p._amount_in_range())
        for member in out_of_range.partner_id:
            self._member_failed(
                member,
                by_member.pop(member),
                self.env._(
                    "%(penalties)s: an amount out of range (stored before fees "
                    "were bounded); waive it and charge the right fee.",
                    penalties=", ".join(
                        out_of_range.filtered(
                            lambda p, member=member: p.partner_id == member
                        ).mapped("display_name")
                    ),
                ),
            )
            failed |= member
        if not by_member:
            return invoices, failed
        # The whole batch at once; when it fails, member by member, to find
        # whose invoice fails.
        try:
            with self.env.cr.savepoint():
                invoices = self._invoice_members(by_member, product, today, tz)
        except errors.SerializationFailure:
            raise  # the batch starts again (club.batch.job)
        except Exception:  # pylint: disable=broad-except
            for member, member_penalties in by_member.items():
                try:
                    with self.env.cr.savepoint():
                        invoices |= self._invoice_members(
                            {member: member_penalties}, product, today, tz
                        )
                except errors.SerializationFailure:
                    raise
                except Exception as error:  # pylint: disable=broad-except
                    self._member_failed(
                        member, member_penalties, self._failure_reason(error), error
                    )
                    failed |= member
        return invoices, failed

    def _member_failed(self, member, penalties, reason, error=None):
        _logger.error(
            "Penalty invoicing of %s: the invoice of %s (partner %s) failed, "
            "penalties %s stay pending: %s",
            self.env.company.name,
            member.name,
            member.id,
            ", ".join(f"{p.display_name} (id {p.id})" for p in penalties),
            reason,
            exc_info=error is not None and not isinstance(error, UserError),
        )

    def _invoice_members(self, by_member, product, today, tz):
        """The invoices of ``by_member`` (``{member: penalties}``), posted and
        queued for sending; each line names its penalty."""
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": member.id,
                "invoice_date": today,
                "invoice_origin": ", ".join(member_penalties.booking_id.mapped("name")),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": self._line_label(penalty, tz),
                            "quantity": 1,
                            "price_unit": penalty.amount,
                            "club_penalty_id": penalty.id,
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
        # Each line names its penalty (never matched by label: two bookings may
        # read alike). The chatter line below is the trail; tracking would add
        # one ORM message per penalty.
        lines = invoices.invoice_line_ids.filtered("club_penalty_id")
        for line in lines:
            line.club_penalty_id.with_context(tracking_disable=True).write(
                {
                    "state": "invoiced",
                    "invoice_id": line.move_id.id,
                    "invoice_line_id": line.id,
                }
            )
        penalties = lines.club_penalty_id
        expected = self.env["club.penalty"].union(*by_member.values())
        if len(lines) != len(expected) or penalties != expected:
            raise UserError(
                self.env._("The invoice lines do not match their penalties.")
            )
        # Odoo's sending (account.move.send) mails them from its queue: the
        # club's template, the PDF when wkhtmltopdf is there.
        invoices.sending_data = {
            "author_user_id": self.env.user.id,
            "author_partner_id": self.env.user.partner_id.id,
        }
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

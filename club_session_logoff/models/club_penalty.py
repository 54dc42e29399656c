"""Penalties: what a member owes the club for a no-show or a late cancel.

A penalty arises with the booking's outcome: the outcome table
(``club_booking_outcomes.OUTCOMES``) names the kind of penalty an outcome
charges, and ``club.booking._apply_outcome`` calls ``_create_for_bookings`` for
the whole batch it logs. The kind says which fee of the offering applies
(``PENALTY_KINDS``). A penalty is then

- ``forgiven`` at once when it is among the first ``club_forgive_count`` of the
  member within ``club_forgive_days`` (nothing to pay, and it says why);
- else ``pending`` for the club's grace period (``club_penalty_grace_hours``):
  front-desk staff may waive it (``action_waive``), correcting the booking's
  outcome cancels it (``_cancel_for_bookings``); after it, the scheduled action
  ``ir_cron_club_penalties`` (``club.penalty.job``) puts it on the member's
  invoice: ``invoiced``;
- an invoiced penalty waived or cancelled afterwards gets a posted credit note
  (Odoo's reversal of its invoice line), reconciled with the invoice.
"""

from dataclasses import dataclass
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import (
    SQL,
    LazyTranslate,
    create_index,
    format_amount,
    format_datetime,
    formatLang,
)

from ..tools.bulk_chatter import log_notes
from ..tools.groups import BOOKING_USER_GROUP
from ..tools.text import meaningful_text

_lt = LazyTranslate(__name__)
# pylint: disable=prefer-env-translation


@dataclass(frozen=True)
class PenaltyKind:
    kind: str
    label: str
    # The club.offering field holding the fee (0: no fee, no penalty).
    fee_field: str
    # The invoice line's label: %(offering)s, %(date)s, %(booking)s.
    line_label: object
    # The chatter lines, whole sentences per kind for translators ("No-show fee"
    # and "Late-cancel fee" are no "%(kind)s fee" in every language):
    # %(amount)s, %(booking)s, %(grace_end)s, %(note)s, %(reason)s.
    texts: dict


def _kind_texts(
    pending, forgiven, booking_pending, booking_forgiven, waived, cancelled
):
    return {
        "pending": pending,
        "forgiven": forgiven,
        "booking_pending": booking_pending,
        "booking_forgiven": booking_forgiven,
        "waived": waived,
        "cancelled": cancelled,
    }


PENALTY_KINDS = (
    PenaltyKind(
        "no_show",
        "No-Show",
        "no_show_fee",
        _lt("No-show fee: %(offering)s, %(date)s (booking %(booking)s)"),
        _kind_texts(
            _lt(
                "No-show fee of %(amount)s for booking %(booking)s: pending; "
                "invoiced from %(grace_end)s unless waived."
            ),
            _lt(
                "No-show fee of %(amount)s for booking %(booking)s forgiven: %(note)s."
            ),
            _lt(
                "No-show fee: %(amount)s, pending (invoiced from %(grace_end)s "
                "unless waived)."
            ),
            _lt("No-show fee of %(amount)s forgiven (%(note)s)."),
            _lt("No-show fee of %(amount)s waived: %(reason)s"),
            _lt("No-show fee of %(amount)s cancelled: %(reason)s"),
        ),
    ),
    PenaltyKind(
        "late_cancel",
        "Late Cancel",
        "late_cancel_fee",
        _lt("Late-cancel fee: %(offering)s, %(date)s (booking %(booking)s)"),
        _kind_texts(
            _lt(
                "Late-cancel fee of %(amount)s for booking %(booking)s: pending; "
                "invoiced from %(grace_end)s unless waived."
            ),
            _lt(
                "Late-cancel fee of %(amount)s for booking %(booking)s forgiven: "
                "%(note)s."
            ),
            _lt(
                "Late-cancel fee: %(amount)s, pending (invoiced from %(grace_end)s "
                "unless waived)."
            ),
            _lt("Late-cancel fee of %(amount)s forgiven (%(note)s)."),
            _lt("Late-cancel fee of %(amount)s waived: %(reason)s"),
            _lt("Late-cancel fee of %(amount)s cancelled: %(reason)s"),
        ),
    ),
)
KIND_BY_NAME = {kind.kind: kind for kind in PENALTY_KINDS}

PENALTY_STATES = (
    (
        "pending",
        "Pending",
        "Pending: invoiced once the grace period ends, unless staff waive it "
        "before.",
    ),
    (
        "forgiven",
        "Forgiven",
        "Forgiven: among the first penalties the club forgives a member in its "
        "window; nothing to pay.",
    ),
    (
        "waived",
        "Waived",
        "Waived: staff waived it, with a reason; an invoiced one got a credit note.",
    ),
    (
        "invoiced",
        "Invoiced",
        "Invoiced: on the member's invoice, due by the member's payment terms.",
    ),
    (
        "cancelled",
        "Cancelled",
        "Cancelled: the booking's outcome was corrected; an invoiced one got a "
        "credit note.",
    ),
)
# Waived or cancelled (with a reason): from these states only.
SETTLE_FROM = {
    "waived": ("pending", "invoiced"),
    "cancelled": ("pending", "forgiven", "invoiced"),
}

# pylint: enable=prefer-env-translation

# The largest fee (and penalty), in the company's currency: a fee above it is a
# typo, and would make an invoice that cannot be posted.
MAX_AMOUNT = 100_000


def max_amount_text(env):
    """MAX_AMOUNT as the environment's language writes it ("100,000", "100 000")."""
    return formatLang(env, MAX_AMOUNT, digits=0)


class ClubPenalty(models.Model):
    _name = "club.penalty"
    _description = "Club Penalty"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # Staff who may read a penalty may discuss it in its chatter; nobody edits
    # it (its actions run as superuser after their own checks).
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, index=True
    )
    booking_id = fields.Many2one(
        "club.booking",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    offering_id = fields.Many2one(related="booking_id.offering_id")
    booking_start = fields.Datetime(related="booking_id.start", string="Session")
    kind = fields.Selection(
        [(kind.kind, kind.label) for kind in PENALTY_KINDS],
        required=True,
        readonly=True,
        help="No-Show: the member did not come.\n"
        "Late Cancel: the booking was cancelled inside the offering's late-cancel "
        "window.",
    )
    amount = fields.Monetary(
        required=True,
        readonly=True,
        currency_field="currency_id",
        help="The offering's fee when the penalty arose, in the club's currency.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [(state, label) for state, label, _help in PENALTY_STATES],
        string="Status",
        default="pending",
        required=True,
        readonly=True,
        index=True,
        help="\n".join(help_ for _state, _label, help_ in PENALTY_STATES),
    )
    date = fields.Datetime(
        required=True,
        readonly=True,
        default=fields.Datetime.now,
        help="When the penalty arose: the log-off of the no-show, the late cancel. "
        "Forgiveness counts the member's penalties by it.",
    )
    grace_end = fields.Datetime(
        string="Invoiced From",
        readonly=True,
        help="End of the grace period: from then, the scheduled action puts the "
        "pending penalty on the member's invoice.",
    )
    grace_ended = fields.Boolean(
        string="To Invoice",
        compute="_compute_grace_ended",
        search="_search_grace_ended",
        help="Pending, and its grace period is over: the next run of the scheduled "
        "action invoices it.",
    )
    forgiveness_note = fields.Char(
        string="Forgiveness",
        readonly=True,
        help="Why the penalty was forgiven, e.g. 1 of 1 forgiven in 30 days.",
    )
    reason = fields.Text(readonly=True, help="Why the penalty was waived or cancelled.")
    invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    # The line that charges it. (The penalty points to its line, not the line
    # to its penalty: accounting tables keep no reference to club tables.)
    invoice_line_id = fields.Many2one("account.move.line", readonly=True, copy=False)
    invoice_payment_state = fields.Selection(
        related="invoice_id.payment_state", string="Payment"
    )
    credit_note_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        help="The credit note that took back the invoiced penalty.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A penalty's amount is positive."),
    ]

    @api.constrains("amount")
    def _check_amount(self):
        for penalty in self:
            if not penalty._amount_in_range():
                raise ValidationError(
                    self.env._(
                        "A penalty's amount is between 0 and %(max)s, not %(amount)s.",
                        max=max_amount_text(self.env),
                        amount=penalty.amount,
                    )
                )

    def _amount_in_range(self):
        self.ensure_one()
        return 0 < self.amount <= MAX_AMOUNT

    def init(self):
        # What the scheduled action looks for, among years of invoiced ones.
        create_index(
            self.env.cr,
            "club_penalty_pending_grace_idx",
            self._table,
            ["company_id", "grace_end", "partner_id"],
            where="state = 'pending'",
        )
        # Forgiveness: a member's recent penalties.
        create_index(
            self.env.cr,
            "club_penalty_partner_date_idx",
            self._table,
            ["partner_id", "date"],
        )

    @api.depends("kind", "booking_id.name")
    def _compute_display_name(self):
        for penalty in self:
            booking = penalty.booking_id.name or ""
            if penalty.kind == "late_cancel":
                name = self.env._("Late-cancel fee, %(booking)s", booking=booking)
            else:
                name = self.env._("No-show fee, %(booking)s", booking=booking)
            penalty.display_name = name

    @api.depends("state", "grace_end")
    def _compute_grace_ended(self):
        now = fields.Datetime.now()
        for penalty in self:
            penalty.grace_ended = (
                penalty.state == "pending"
                and bool(penalty.grace_end)
                and penalty.grace_end <= now
            )

    def _search_grace_ended(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on To Invoice."))
        domain = [("state", "=", "pending"), ("grace_end", "<=", fields.Datetime.now())]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    # ------------------------------------------------------------------
    # Creation: from the one log-off path, for a whole batch at once
    # ------------------------------------------------------------------
    @api.model
    def _create_for_bookings(self, bookings, kind, user=None):
        """The penalties of ``bookings``, which just got an outcome charging
        ``kind`` (a key of ``PENALTY_KINDS``): one per booking whose offering has
        a fee for it, forgiven or pending (see ``_forgiveness``), with a chatter
        line on the penalty and on the booking. Runs as superuser (callers
        checked their rights: this is part of ``_apply_outcome``).

        :return: the penalties created
        """
        penalty_kind = KIND_BY_NAME[kind]
        bookings = bookings.sudo().filtered(
            lambda b: b.offering_id[penalty_kind.fee_field] > 0
        )
        if not bookings:
            return self.browse()
        now = fields.Datetime.now()
        vals_list = []
        for company, company_bookings in bookings.grouped("company_id").items():
            forgiven = self._forgiveness(company, company_bookings, now)
            grace_end = now + timedelta(hours=company.club_penalty_grace_hours)
            for booking in company_bookings:
                note = forgiven.get(booking)
                vals_list.append(
                    {
                        "partner_id": booking.partner_id.id,
                        "booking_id": booking.id,
                        "kind": kind,
                        # A fee stored before fees were bounded is capped.
                        "amount": min(
                            booking.offering_id[penalty_kind.fee_field], MAX_AMOUNT
                        ),
                        "date": now,
                        "company_id": company.id,
                        "state": "forgiven" if note else "pending",
                        "forgiveness_note": note or False,
                        "grace_end": False if note else grace_end,
                    }
                )
        # Chatter lines below, in one INSERT each: no ORM message per penalty.
        penalties = (
            self.sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
            )
            .create(vals_list)
        )
        penalties._post_created_messages(user or self.env.user)
        return penalties

    def _forgiveness(self, company, bookings, now):
        """Which of ``bookings`` (of ``company``) get a forgiven penalty: a
        member's penalty is forgiven while the member has had fewer than
        ``club_forgive_count`` penalties (cancelled ones aside) in the last
        ``club_forgive_days`` days, counted when they arose. One query for the
        whole batch; a member's bookings of the batch count in order.

        :return: ``{booking: note}``, the note saying why, e.g. "1 of 1 forgiven
            in 30 days"
        """
        count, days = company.club_forgive_count, company.club_forgive_days
        if count <= 0 or days <= 0:
            return {}
        self.flush_model(["partner_id", "company_id", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, count(*) FROM club_penalty
                 WHERE company_id = %s AND partner_id = ANY(%s)
                   AND state != 'cancelled' AND date > %s
                 GROUP BY partner_id
                """,
                company.id,
                bookings.partner_id.ids,
                now - timedelta(days=days),
            )
        )
        seen = dict(self.env.cr.fetchall())
        forgiven = {}
        for booking in bookings.sorted(lambda b: (b.start, b.id)):
            member = booking.partner_id.id
            seen[member] = seen.get(member, 0) + 1
            if seen[member] <= count:
                forgiven[booking] = self.env._(
                    "%(rank)s of %(count)s forgiven in %(days)s days",
                    rank=seen[member],
                    count=count,
                    days=days,
                )
        return forgiven

    def _post_created_messages(self, user):
        """One chatter line on each penalty and on its booking."""
        if not self:
            return
        tz_by_company = {}
        texts = {
            (kind.kind, key): self.env._(text)
            for kind in PENALTY_KINDS
            for key, text in kind.texts.items()
        }
        # A batch's penalties share a few amounts and one grace end: each is
        # formatted once. (Odoo's formatting looks the language up on every
        # call: formatted per penalty, it took over a quarter of the Python
        # time of logging 1,000 no-shows at once.)
        amounts, grace_ends = {}, {}
        penalty_notes, booking_notes = {}, {}
        for penalty in self:
            company = penalty.company_id
            if company not in tz_by_company:
                tz_by_company[company] = company._club_tz().zone
            amount = (penalty.amount, penalty.currency_id)
            if amount not in amounts:
                amounts[amount] = format_amount(self.env, *amount)
            grace_end = (penalty.grace_end, tz_by_company[company])
            if grace_end not in grace_ends:
                grace_ends[grace_end] = (
                    format_datetime(self.env, grace_end[0], tz=grace_end[1])
                    if grace_end[0]
                    else ""
                )
            values = {
                "amount": amounts[amount],
                "booking": penalty.booking_id.name,
                "note": penalty.forgiveness_note or "",
                "grace_end": grace_ends[grace_end],
            }
            state = "forgiven" if penalty.state == "forgiven" else "pending"
            penalty_notes[penalty.id] = (texts[penalty.kind, state], values)
            booking_notes[penalty.booking_id.id] = (
                texts[penalty.kind, f"booking_{state}"],
                values,
            )
        author = user.partner_id.id
        log_notes(self, penalty_notes, author_id=author)
        log_notes(self.booking_id, booking_notes, author_id=author)

    # ------------------------------------------------------------------
    # Waive, cancel
    # ------------------------------------------------------------------
    def action_waive(self, reason):
        """Waive the penalties, with a reason (front-desk staff): a pending one
        is not invoiced; an invoiced one gets a posted credit note, reconciled
        with its invoice. All of them or none."""
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(
                self.env._("Only front-desk staff can waive a member's penalty.")
            )
        reason = self._check_reason(reason)
        if not self:  # called over RPC without ids: nothing to do
            return True
        self.check_access("read")
        self._settle("waived", reason, self.env.user)
        return True

    def action_open_waive_wizard(self):
        """The Waive button: a dialog asks the reason."""
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(
                self.env._("Only front-desk staff can waive a member's penalty.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive Penalty"),
            "res_model": "club.penalty.waive.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_penalty_ids": [Command.set(self.ids)]},
        }

    @api.model
    def _cancel_for_bookings(self, bookings, reason):
        """The bookings' outcomes were corrected (or reopened): their penalties
        no longer hold. Pending and forgiven ones are cancelled (a forgiven one
        no longer counts for the member's forgiveness); invoiced ones are
        cancelled with a posted credit note reconciled with the invoice. Waived
        and cancelled ones stay as they are. Callers checked their rights.

        :return: the penalties cancelled
        """
        reason = self._check_reason(reason)
        penalties = self.sudo().search(
            [
                ("booking_id", "in", bookings.ids),
                ("state", "in", SETTLE_FROM["cancelled"]),
            ]
        )
        return penalties._settle("cancelled", reason, self.env.user)

    def _check_reason(self, reason):
        reason = meaningful_text(reason)
        if not reason:
            raise UserError(self.env._("Give the reason why the penalty is dropped."))
        return reason

    def _lock_rows(self):
        """Lock the rows, then drop what the cache knew: the scheduled action may
        have invoiced them while we waited."""
        if not self.ids:
            return self
        self.env.cr.execute(
            SQL(
                "SELECT id FROM club_penalty WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids),
            ),
            # A serialization failure is expected under load: Odoo retries the
            # request.
            log_exceptions=False,
        )
        self.invalidate_recordset()
        return self

    def _settle(self, state, reason, user):
        """Waive or cancel (``state``) the penalties, credit notes included, with
        a chatter line on each penalty and its booking. Waiving refuses (all or
        nothing) a penalty no longer pending or invoiced; cancelling leaves alone
        what is settled already (another transaction may have waived it)."""
        penalties = self.sudo()._lock_rows()
        settled = penalties.filtered(lambda p: p.state not in SETTLE_FROM[state])
        if settled and state == "waived":
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Only pending or invoiced penalties can be waived; %(penalty)s "
                    "is %(state)s.",
                    penalty=settled[0].display_name,
                    state=states[settled[0].state],
                )
            )
        penalties -= settled
        if not penalties:
            return penalties
        invoiced = penalties.filtered(lambda p: p.state == "invoiced")
        credit_notes = invoiced._create_credit_notes(reason)
        # The chatter line below says it (no tracking message on top).
        penalties.with_context(tracking_disable=True).write(
            {"state": state, "reason": reason}
        )
        for credit_note, credited in credit_notes.items():
            credited.credit_note_id = credit_note
        penalties._post_settled_messages(state, reason, user)
        return penalties

    def _create_credit_notes(self, reason):
        """A posted credit note per invoice for these invoiced penalties: Odoo's
        reversal of the invoice, keeping only their lines, reconciled with what
        is still open on the invoice (a paid invoice leaves the credit to the
        member).

        :return: ``{credit note: penalties}``
        """
        credit_notes = {}
        for invoice, penalties in self.grouped("invoice_id").items():
            invoice = invoice.sudo().with_company(invoice.company_id)
            today = invoice.company_id._club_today()
            ref = self.env._("Penalty dropped: %(reason)s", reason=reason)
            reverse = invoice._reverse_moves(
                [{"ref": ref, "invoice_date": today, "date": today}], cancel=False
            )
            # The reversal copies every line of the invoice, each with the
            # penalty it charges (club_penalty_id): keep exactly the lines of
            # these penalties (never matched by label: two may read alike).
            others = reverse.invoice_line_ids.filtered(
                lambda line, penalties=penalties: line.club_penalty_id not in penalties
            )
            if others:
                reverse.write(
                    {"invoice_line_ids": [Command.delete(line.id) for line in others]}
                )
            kept = reverse.invoice_line_ids
            if len(kept) != len(penalties) or kept.club_penalty_id != penalties:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s has no line of its own for %(penalty)s: "
                        "credit it by hand.",
                        invoice=invoice.name,
                        penalty=(penalties - kept.club_penalty_id or penalties)[
                            0
                        ].display_name,
                    )
                )
            reverse.action_post()
            receivable = (invoice.line_ids | reverse.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
            if receivable.move_id == invoice | reverse:
                receivable.reconcile()
            credit_notes[reverse] = penalties
        return credit_notes

    def _post_settled_messages(self, state, reason, user):
        key = "waived" if state == "waived" else "cancelled"
        texts = {kind.kind: self.env._(kind.texts[key]) for kind in PENALTY_KINDS}
        credited = self.env._("Credit note %(credit_note)s.")
        penalty_notes, booking_notes = {}, {}
        for penalty in self:
            values = {
                "amount": format_amount(self.env, penalty.amount, penalty.currency_id),
                "reason": reason,
                "credit_note": penalty.credit_note_id.name or "",
            }
            template = texts[penalty.kind]
            if penalty.credit_note_id:
                template += "<br/>" + credited
            penalty_notes[penalty.id] = (template, values)
            booking_notes[penalty.booking_id.id] = (template, values)
        author = user.partner_id.id
        log_notes(self, penalty_notes, author_id=author)
        log_notes(self.booking_id, booking_notes, author_id=author)

    # ------------------------------------------------------------------
    # Invoicing: the scheduled action ir_cron_club_penalties
    # ------------------------------------------------------------------
    @api.model
    def _cron_invoice_penalties(self):
        """Scheduled action ``ir_cron_club_penalties``: invoice the penalties
        whose grace period ended (see ``club.penalty.job``)."""
        return self.env["club.penalty.job"]._run_cron()

    def action_open_penalty(self):
        """Open the penalty's own form (from a member's account)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "club.penalty",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

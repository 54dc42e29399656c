from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, index_exists

from ..tools.groups import MANAGER_GROUP

# A credit's lifecycle: each move, the states it may come from and the state it
# gives. The _mark_* methods below are the only writers of ``state``.
CREDIT_MOVES = {
    # Consumed by a completed booking.
    "used": {"available", "lost"},
    # Consumed by a no-show.
    "lost": {"available", "used"},
    # Back to the member: its booking was cancelled, reopened or paid otherwise.
    "available": {"available", "used", "lost"},
    # Its Point of Sale payment was refunded.
    "refunded": {"available", "used", "lost", "expired"},
    # Not used by its expiry date.
    "expired": {"available"},
}
# Which credit may pay for which booking, declared once: (credit field, what of
# the booking it is compared with, how). The ORM domains, the SQL of the batch
# jobs, the in-memory check of the allocation and the booking's constraint are
# all built from it. "day" is the booking's start date: a credit that expired
# before the booking's day never pays for it.
CREDIT_FITS_BOOKING = (
    ("partner_id", "partner_id", "="),
    ("company_id", "company_id", "="),
    ("offering_type", "offering_type", "="),
    ("offering_id", "offering_id", "= or unset"),
    ("expiry_date", "day", ">= or unset"),
)
# Where each booking value is, in an ORM domain on bookings and in SQL (b: the
# booking, o: its offering).
BOOKING_PATHS = {
    "partner_id": ("partner_id", "b.partner_id"),
    "company_id": ("company_id", "b.company_id"),
    "offering_type": ("offering_id.offering_type", "o.offering_type"),
    "offering_id": ("offering_id", "b.offering_id"),
    "day": ("start", "b.start::date"),
}

# Which credits may still pay for something, declared once: (field, operator,
# value, or unset). TODAY stands for the day of the question (the club's today):
# available, and not past its expiry date (even before the nightly job marks it
# expired). The ORM domain (_usable_domain: the member form's free credits, the
# Free filter) and the SQL (_usable_sql: the allocation, the nightly job,
# Members at Risk) are both built from it. A *free* credit is also tied to no
# booking.
TODAY = object()
USABLE_CREDIT = (
    ("state", "=", "available", False),
    ("expiry_date", ">=", TODAY, True),
)
USABLE_OPERATORS = {"=": SQL("="), ">=": SQL(">=")}
# The partial index of free credits (see ClubSessionCredit.init).
FREE_CREDIT_INDEX = "club_session_credit_free_partner_idx"

# What the allocation reads of each candidate credit, in its query's order.
CREDIT_COLUMNS = (
    "id",
    "partner_id",
    "company_id",
    "offering_type",
    "offering_id",
    "expiry_date",
)


class ClubSessionCredit(models.Model):
    _name = "club.session.credit"
    _description = "Session Credit"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, tracking=True
    )
    offering_type = fields.Selection(
        [("class", "Class"), ("service", "Service")],
        string="Type",
        required=True,
        default="class",
        help="A class credit pays one class session; a service credit one "
        "service session.",
    )
    offering_id = fields.Many2one(
        "club.offering",
        string="Only For",
        check_company=True,
        index="btree_not_null",
        domain="[('offering_type', '=', offering_type)]",
        help="Leave empty for a credit that any offering of its type may use.",
    )
    state = fields.Selection(
        [
            ("available", "Available"),
            ("used", "Used"),
            ("lost", "Lost"),
            ("expired", "Expired"),
            ("refunded", "Refunded"),
        ],
        default="available",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        help="Available: not consumed yet; it may be reserved by an open booking.\n"
        "Used: consumed by a completed booking.\n"
        "Lost: consumed by a no-show.\n"
        "Expired: its expiry date passed before it was used.\n"
        "Refunded: its Point of Sale payment was refunded; it pays for nothing.",
    )
    is_paid = fields.Boolean(
        string="Paid",
        readonly=True,
        tracking=True,
        help="Set by a Point of Sale payment, or by a club manager recording a "
        "payment taken elsewhere.",
    )
    paid_date = fields.Datetime(readonly=True, copy=False)
    booking_ids = fields.One2many(
        "club.booking", "credit_id", string="Paid Bookings", readonly=True
    )
    booking_id = fields.Many2one(
        "club.booking",
        compute="_compute_booking_id",
        store=True,
        index="btree_not_null",
        help="The booking this credit pays for, if any.",
    )
    expiry_date = fields.Date(
        tracking=True, help="Last day the credit can be used; empty: never expires."
    )
    is_free = fields.Boolean(
        string="Free",
        compute="_compute_is_free",
        search="_search_is_free",
        help="Usable (available, not past its expiry date) and tied to no booking.",
    )
    pos_order_line_id = fields.Many2one(
        "pos.order.line",
        string="Point of Sale Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    note = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def init(self):
        # A member's free credits, among years of used ones: what Members at
        # Risk counts for every member it lists (a sequential scan of every
        # credit otherwise) and what the allocation looks for. Partial: the
        # part of the rule that does not move with the day (USABLE_CREDIT's
        # fixed terms, untied); the expiry date is checked on the few rows
        # found. Should those terms change, the index needs a new name (and
        # the old one dropped here), as club.booking.init does for its
        # logged-states index.
        if not index_exists(self.env.cr, FREE_CREDIT_INDEX):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX %s ON club_session_credit (partner_id, company_id)"
                    " WHERE %s",
                    SQL.identifier(FREE_CREDIT_INDEX),
                    self._free_index_predicate(),
                )
            )

    @api.model
    def _free_index_predicate(self):
        """SQL: the terms of the free rule that do not depend on the day, on
        unqualified columns (an index predicate): USABLE_CREDIT's fixed terms,
        and tied to no booking. Whatever ``_usable_sql(free=True)`` selects
        satisfies it, so PostgreSQL may read the index for it."""
        terms = [
            SQL("%s %s %s", SQL.identifier(field), USABLE_OPERATORS[operator], value)
            for field, operator, value, or_unset in USABLE_CREDIT
            if value is not TODAY and not or_unset
        ]
        terms.append(SQL("booking_id IS NULL"))
        return SQL(" AND ").join(terms)

    @api.depends("booking_ids")
    def _compute_booking_id(self):
        for credit in self:
            credit.booking_id = credit.booking_ids[:1]

    @api.depends("offering_type", "offering_id", "is_paid", "state")
    def _compute_display_name(self):
        types = dict(self._fields["offering_type"]._description_selection(self.env))
        for credit in self:
            label = credit.offering_id.name or types.get(credit.offering_type, "")
            # Two whole sentences: "paid" agrees with "credit" in other languages.
            if credit.is_paid:
                name = self.env._(
                    "%(label)s credit #%(id)s (paid)", label=label, id=credit.id or ""
                )
            else:
                name = self.env._(
                    "%(label)s credit #%(id)s (unpaid)", label=label, id=credit.id or ""
                )
            credit.display_name = name

    @api.constrains("offering_id", "offering_type")
    def _check_offering_type(self):
        for credit in self.filtered("offering_id"):
            if credit.offering_id.offering_type != credit.offering_type:
                types = dict(
                    self._fields["offering_type"]._description_selection(self.env)
                )
                raise ValidationError(
                    self.env._(
                        "Credit #%(id)s pays for a session of type %(type)s: it "
                        "cannot be tied to %(offering)s, an offering of another type.",
                        id=credit.id,
                        type=types[credit.offering_type],
                        offering=credit.offering_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        credits = super().create(vals_list)
        credits.filtered(
            lambda c: c.is_paid and c.state == "available" and not c.booking_id
        )._pay_off_completed_bookings()
        return credits

    def write(self, vals):
        # Users (club managers included) never set it by hand; the addon's own
        # code moves it through the _mark_* methods below.
        if "state" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "A session credit's status changes only through what happens "
                    "to it (a booking logged or cancelled, a payment refunded, its "
                    "expiry), not by editing."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Lifecycle: the only writers of ``state``
    # ------------------------------------------------------------------
    def _move(self, state):
        refused = self.filtered(lambda c: c.state not in CREDIT_MOVES[state])
        if refused:
            raise UserError(
                self.env._(
                    "Session credits %(credits)s cannot change to the status "
                    "%(state)s.",
                    credits=", ".join(f"#{c.id}" for c in refused[:10]),
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        state
                    ],
                )
            )
        if self:
            self.sudo().write({"state": state})

    def _mark_used(self):
        self._move("used")

    def _mark_lost(self):
        self._move("lost")

    def _mark_available(self):
        self._move("available")

    def _mark_expired(self):
        self._move("expired")

    def _mark_refunded(self):
        """The payment was refunded: the credit pays for nothing any more."""
        self._move("refunded")
        self.sudo().write({"is_paid": False})

    # ------------------------------------------------------------------
    # Which credit fits which booking (built from CREDIT_FITS_BOOKING)
    # ------------------------------------------------------------------
    @api.model
    def _fit_values(self, booking):
        """What the matching rule compares of ``booking``."""
        return {
            "partner_id": booking.partner_id.id,
            "company_id": booking.company_id.id,
            "offering_type": booking.offering_id.offering_type,
            "offering_id": booking.offering_id.id,
            "day": booking.start.date() if booking.start else None,
        }

    @api.model
    def _fits(self, credit_values, booking_values):
        """Whether a credit (its values, by field) may pay for a booking (its
        ``_fit_values``)."""
        for field, key, how in CREDIT_FITS_BOOKING:
            mine, theirs = credit_values[field], booking_values[key]
            if how == "=" and mine != theirs:
                return False
            if how == "= or unset" and mine and mine != theirs:
                return False
            if how == ">= or unset" and mine and theirs and mine < theirs:
                return False
        return True

    def _fits_booking(self, booking, **changes):
        """Whether this credit may pay for ``booking`` (with ``changes`` to its
        ``_fit_values``, e.g. the ``day`` it is being moved to)."""
        self.ensure_one()
        values = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "offering_type": self.offering_type,
            "offering_id": self.offering_id.id,
            "expiry_date": self.expiry_date,
        }
        return self._fits(values, {**self._fit_values(booking), **changes})

    @api.model
    def _fit_sql(self, credit="c"):
        """The rule in SQL, for credit alias ``credit``, booking ``b`` and its
        offering ``o``."""
        terms = []
        for field, key, how in CREDIT_FITS_BOOKING:
            mine = SQL.identifier(credit, field)
            theirs = SQL(BOOKING_PATHS[key][1])
            if how == "=":
                terms.append(SQL("%s = %s", mine, theirs))
            elif how == "= or unset":
                terms.append(SQL("(%s IS NULL OR %s = %s)", mine, mine, theirs))
            else:
                terms.append(SQL("(%s IS NULL OR %s >= %s)", mine, mine, theirs))
        return SQL(" AND ").join(terms)

    @api.model
    def _usable_sql(self, credit, today, free=False):
        """SQL: credit alias ``credit`` may still pay for something on ``today``
        (USABLE_CREDIT); with ``free``, it is also tied to no booking."""
        terms = []
        for field, operator, value, or_unset in USABLE_CREDIT:
            column = SQL.identifier(credit, field)
            term = SQL(
                "%s %s %s",
                column,
                USABLE_OPERATORS[operator],
                today if value is TODAY else value,
            )
            if or_unset:
                term = SQL("(%s IS NULL OR %s)", column, term)
            terms.append(term)
        if free:
            terms.append(SQL("%s IS NULL", SQL.identifier(credit, "booking_id")))
        return SQL(" AND ").join(terms)

    @api.model
    def _usable_domain(self, today, free=False):
        """The same rule (USABLE_CREDIT) as an ORM domain."""
        domain = []
        for field, operator, value, or_unset in USABLE_CREDIT:
            term = [(field, operator, today if value is TODAY else value)]
            if or_unset:
                term = ["|", (field, "=", False), *term]
            domain += term
        if free:
            domain.append(("booking_id", "=", False))
        return domain

    def _compute_is_free(self):
        today = self.env.company._club_today()
        free = self.filtered_domain(self._usable_domain(today, free=True))
        for credit in self:
            credit.is_free = credit in free

    def _search_is_free(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Free."))
        domain = self._usable_domain(self.env.company._club_today(), free=True)
        return (
            domain if (operator == "=") == value else ["!", *expression.AND([domain])]
        )

    def _fit_booking_domain(self):
        """The rule as a domain on bookings: those this credit may pay for."""
        self.ensure_one()
        domain = []
        for field, key, how in CREDIT_FITS_BOOKING:
            path, mine = BOOKING_PATHS[key][0], self[field]
            mine = mine.id if isinstance(mine, models.BaseModel) else mine
            if how == "=":
                domain.append((path, "=", mine))
            elif mine and how == "= or unset":
                domain.append((path, "=", mine))
            elif mine:
                # The booking's day is not after the expiry date.
                domain.append((path, "<", mine + timedelta(days=1)))
        return domain

    # ------------------------------------------------------------------
    # Payment
    # ------------------------------------------------------------------
    def action_mark_paid(self):
        """A club manager records a payment taken outside the Point of Sale."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a club manager can record a payment."))
        self._mark_paid()
        return True

    def _mark_paid(self):
        to_pay = self.filtered(lambda c: not c.is_paid)
        if not to_pay:
            return
        to_pay.sudo().write({"is_paid": True, "paid_date": fields.Datetime.now()})
        to_pay.filtered(
            lambda c: c.state == "available" and not c.booking_id
        )._pay_off_completed_bookings()

    def _pay_off_completed_bookings(self):
        """Each new paid credit pays the member's oldest completed unpaid booking
        it may pay for; the unpaid credit it replaces becomes available again."""
        Booking = self.env["club.booking"].sudo()
        for credit in self.sorted("id"):
            domain = [
                ("state", "=", "completed"),
                ("is_paid", "=", False),
                *credit._fit_booking_domain(),
            ]
            booking = Booking.search(domain, order="start, id", limit=1)
            if booking:
                booking._replace_credit(credit)

    # ------------------------------------------------------------------
    # Picking the best credit
    # ------------------------------------------------------------------
    @api.model
    def _allocate(self, bookings):
        """The best free credit of each booking's member, each credit going to one
        booking at most, oldest bookings choosing first; locked for this
        transaction (``FOR UPDATE SKIP LOCKED``: a credit another transaction is
        handing out is not offered twice). Paid first, soonest expiry first, then
        the ones reserved to the offering, oldest first. Expired credits, and
        credits expiring before the booking's day, are never returned.

        One query for the whole recordset, whatever its size.

        :return: ``{booking: credit}`` for the bookings that got one
        """
        if not bookings:
            return {}
        # The credits it reads, and nothing else: a booking's session (its
        # stored seat counts) is written later, under its lock
        # (club.session._seat_after_lock).
        self.flush_model()
        keys = {
            (b.partner_id.id, b.company_id.id, b.offering_id.offering_type)
            for b in bookings
        }
        partners, companies, types = zip(*keys, strict=True)
        today = self.env.company._club_today()
        self.env.cr.execute(
            SQL(
                """
                SELECT %(columns)s
                  FROM club_session_credit c
                  JOIN unnest(%(partners)s::int[], %(companies)s::int[],
                              %(types)s::varchar[]) AS k(partner_id, company_id, type)
                    ON c.partner_id = k.partner_id
                   AND c.company_id = k.company_id
                   AND c.offering_type = k.type
                 WHERE %(usable)s
                 ORDER BY c.is_paid DESC, c.expiry_date ASC NULLS LAST,
                          (c.offering_id IS NULL), c.id
                   FOR UPDATE OF c SKIP LOCKED
                """,
                partners=list(partners),
                companies=list(companies),
                types=list(types),
                usable=self._usable_sql("c", today, free=True),
                columns=SQL(", ").join(
                    SQL.identifier("c", column) for column in CREDIT_COLUMNS
                ),
            )
        )
        pools = {}
        for row in self.env.cr.fetchall():
            credit = dict(zip(CREDIT_COLUMNS, row, strict=True))
            key = (credit["partner_id"], credit["company_id"], credit["offering_type"])
            pools.setdefault(key, []).append(credit)
        allocation = {}
        for booking in bookings.sorted(lambda b: (b.start, b.id)):
            wanted = self._fit_values(booking)
            pool = pools.get(
                (wanted["partner_id"], wanted["company_id"], wanted["offering_type"])
            )
            for index, credit in enumerate(pool or ()):
                if self._fits(credit, wanted):
                    allocation[booking] = self.browse(credit["id"])
                    del pool[index]
                    break
        return allocation

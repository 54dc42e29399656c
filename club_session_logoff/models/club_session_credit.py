from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL


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

    @api.depends("booking_ids")
    def _compute_booking_id(self):
        for credit in self:
            credit.booking_id = credit.booking_ids[:1]

    @api.depends("offering_type", "offering_id", "is_paid", "state")
    def _compute_display_name(self):
        types = dict(self._fields["offering_type"]._description_selection(self.env))
        for credit in self:
            label = credit.offering_id.name or types.get(credit.offering_type, "")
            paid = _("paid") if credit.is_paid else _("unpaid")
            credit.display_name = _(
                "%(label)s credit #%(id)s (%(paid)s)",
                label=label,
                id=credit.id or "",
                paid=paid,
            )

    @api.constrains("offering_id", "offering_type")
    def _check_offering_type(self):
        for credit in self.filtered("offering_id"):
            if credit.offering_id.offering_type != credit.offering_type:
                raise ValidationError(
                    _(
                        "Credit #%(id)s is a %(type)s credit and cannot be tied to "
                        "%(offering)s.",
                        id=credit.id,
                        type=credit.offering_type,
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

    # ------------------------------------------------------------------
    # Payment
    # ------------------------------------------------------------------
    def action_mark_paid(self):
        """A club manager records a payment taken outside the Point of Sale."""
        if not self.env.user.has_group("club_session_logoff.group_club_manager"):
            raise AccessError(_("Only a club manager can record a payment."))
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
                ("partner_id", "=", credit.partner_id.id),
                ("company_id", "=", credit.company_id.id),
                ("state", "=", "completed"),
                ("is_paid", "=", False),
                ("offering_id.offering_type", "=", credit.offering_type),
            ]
            if credit.offering_id:
                domain.append(("offering_id", "=", credit.offering_id.id))
            if credit.expiry_date:
                domain.append(
                    ("start", "<", fields.Datetime.add(credit.expiry_date, days=1))
                )
            booking = Booking.search(domain, order="start, id", limit=1)
            if booking:
                booking._club_replace_credit(credit)

    # ------------------------------------------------------------------
    # Picking the best credit
    # ------------------------------------------------------------------
    @api.model
    def _club_best_available(self, booking):
        """The member's best free credit for ``booking``, locked for this
        transaction (see ``_club_allocate``)."""
        return self._club_allocate(booking).get(booking, self.browse())

    @api.model
    def _club_allocate(self, bookings):
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
        self.env.flush_all()
        keys = {
            (b.partner_id.id, b.company_id.id, b.offering_id.offering_type)
            for b in bookings
        }
        partners, companies, types = zip(*keys, strict=True)
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.partner_id, c.company_id, c.offering_type,
                       c.offering_id, c.expiry_date
                  FROM club_session_credit c
                  JOIN unnest(%(partners)s::int[], %(companies)s::int[],
                              %(types)s::varchar[]) AS k(partner_id, company_id, type)
                    ON c.partner_id = k.partner_id
                   AND c.company_id = k.company_id
                   AND c.offering_type = k.type
                 WHERE c.state = 'available'
                   AND c.booking_id IS NULL
                   AND (c.expiry_date IS NULL OR c.expiry_date >= %(today)s)
                 ORDER BY c.is_paid DESC, c.expiry_date ASC NULLS LAST,
                          (c.offering_id IS NULL), c.id
                   FOR UPDATE OF c SKIP LOCKED
                """,
                partners=list(partners),
                companies=list(companies),
                types=list(types),
                today=today,
            )
        )
        pools = {}
        for row in self.env.cr.fetchall():
            pools.setdefault(row[1:4], []).append(row)
        allocation = {}
        for booking in bookings.sorted(lambda b: (b.start, b.id)):
            offering = booking.offering_id
            pool = pools.get(
                (booking.partner_id.id, booking.company_id.id, offering.offering_type)
            )
            day = max(booking.start.date(), today)
            for index, row in enumerate(pool or ()):
                credit_id, offering_id, expiry = row[0], row[4], row[5]
                if offering_id in (None, offering.id) and (
                    expiry is None or expiry >= day
                ):
                    allocation[booking] = self.browse(credit_id)
                    del pool[index]
                    break
        return allocation

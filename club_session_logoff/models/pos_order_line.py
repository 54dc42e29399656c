from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    club_booking_id = fields.Many2one(
        "club.booking",
        string="Booking",
        index="btree_not_null",
        ondelete="restrict",
        copy=False,
        help="The booking this line pays for: the paid order gives it a paid "
        "session credit.",
    )
    club_credit_ids = fields.One2many(
        "club.session.credit", "pos_order_line_id", string="Session Credits"
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "club_booking_id"]

    # ------------------------------------------------------------------
    # Which credits a product sells
    # ------------------------------------------------------------------
    def _club_credit_targets(self):
        """Map each line selling session credits to the credit values its
        product gives: a product named by one offering sells credits for that
        offering; named by several offerings (of one type, see club.offering),
        generic credits of their type; otherwise the product's own "Sells Session
        Credits For" type, if any. Lines of other products are left out."""
        targets = {}
        if not self:
            return targets
        offerings = (
            self.env["club.offering"]
            .sudo()
            .search(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("company_id", "in", self.order_id.company_id.ids),
                ]
            )
        )
        for line in self:
            named = offerings.filtered(
                lambda o, line=line: o.product_id == line.product_id
                and o.company_id == line.order_id.company_id
            )
            if len(named) == 1:
                targets[line] = {
                    "offering_type": named.offering_type,
                    "offering_id": named.id,
                }
            elif named:
                targets[line] = {
                    "offering_type": named[0].offering_type,
                    "offering_id": False,
                }
            elif line.product_id.club_credit_type:
                targets[line] = {
                    "offering_type": line.product_id.club_credit_type,
                    "offering_id": False,
                }
        return targets

    def _club_credit_count(self, qty=None):
        self.ensure_one()
        qty = self.qty if qty is None else qty
        return round(abs(qty)) * self.product_id.club_credits_per_unit

    # ------------------------------------------------------------------
    # Checks before an order is saved
    # ------------------------------------------------------------------
    def _club_check_booking_lines(self):
        """Refuse, before anything is saved, lines that would pay a booking
        wrongly: whatever the client sent, a booking is paid once, by one unit
        of its offering's credit product, in its own company."""
        tied = self.filtered("club_booking_id")
        if not tied:
            return
        seen = set()
        for line in tied:
            key = (line.order_id.id, line.club_booking_id.id)
            if key in seen:
                raise UserError(
                    _(
                        "Booking %(booking)s is twice in order %(order)s: a booking "
                        "is paid once. Remove one of its lines.",
                        booking=line.club_booking_id.sudo().name,
                        order=line.order_id.pos_reference or line.order_id.name,
                    )
                )
            seen.add(key)
        # Serialize payments of one booking by several registers.
        tied.club_booking_id.sudo()._lock_rows()
        for line in tied:
            booking = line.club_booking_id.sudo()
            offering = booking.offering_id
            if line.refunded_orderline_id or float_compare(
                line.qty, 1.0, precision_digits=5
            ):
                raise UserError(
                    _(
                        "Booking %s is paid with exactly one unit of its credit "
                        "product; refunds follow the refunded line.",
                        booking.name,
                    )
                )
            if booking.company_id != line.order_id.company_id:
                raise UserError(
                    _("Booking %s belongs to another company.", booking.name)
                )
            if booking.state == "cancelled":
                raise UserError(
                    _("Booking %s is cancelled: there is nothing to pay.", booking.name)
                )
            if booking.is_paid:
                raise UserError(
                    _(
                        "Booking %s is paid already: remove its line from the order.",
                        booking.name,
                    )
                )
            if not offering.product_id or line.product_id != offering.product_id:
                raise UserError(
                    _(
                        "Booking %(booking)s is paid with %(product)s, the credit "
                        "product of %(offering)s.",
                        booking=booking.name,
                        product=offering.product_id.display_name or _("(none set)"),
                        offering=offering.name,
                    )
                )

    def _club_check_credit_lines(self):
        """Credits belong to a member and come by whole units."""
        sales = self.filtered(
            lambda line: not line.refunded_orderline_id and line.qty > 0
        )
        for line in sales._club_credit_targets():
            if not line.order_id.partner_id:
                raise UserError(
                    _(
                        "Select the customer: %(product)s sells session credits, "
                        "which belong to a member.",
                        product=line.product_id.display_name,
                    )
                )
            if not float_is_zero(line.qty - round(line.qty), precision_digits=5):
                raise UserError(
                    _(
                        "%(product)s sells session credits: sell whole units.",
                        product=line.product_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Credits once the order is paid
    # ------------------------------------------------------------------
    def _club_create_credits(self):
        """Give the customer the credits sold by these paid lines. A line tied
        to a booking pays it with its first credit."""
        Credit = self.env["club.session.credit"].sudo()
        now = fields.Datetime.now()
        targets = self._club_credit_targets()
        for line in self:
            if line.qty <= 0 or line.refunded_orderline_id:
                continue
            booking = line.club_booking_id.sudo()
            target = targets.get(line)
            if (not target and not booking) or line.club_credit_ids:
                continue
            order = line.order_id
            count = line._club_credit_count() if target else 0
            common = {
                "is_paid": True,
                "paid_date": now,
                "pos_order_line_id": line.id,
                "company_id": order.company_id.id,
                "note": order.pos_reference or order.name,
            }
            if booking:
                credit = Credit.create(
                    {
                        **common,
                        "partner_id": booking.partner_id.id,
                        "offering_type": booking.offering_id.offering_type,
                        "offering_id": booking.offering_id.id,
                        # Paid once it pays the booking, not before: a paid free
                        # credit would pay another completed booking first.
                        "is_paid": False,
                        "paid_date": False,
                    }
                )
                booking._replace_credit(credit)
                credit._mark_paid()
                count -= 1
            if count > 0:
                partner = order.partner_id or booking.partner_id
                Credit.create(
                    [
                        {**common, **target, "partner_id": partner.id}
                        for _index in range(count)
                    ]
                )

    def _club_refund_credits(self):
        """Take back the credits of the lines these refund lines refund: free
        ones first, then those reserved by open bookings, then consumed ones;
        the bookings they paid are unpaid again."""
        for line in self:
            original = line.refunded_orderline_id
            if not original or line.qty >= 0:
                continue
            credits = original.club_credit_ids.filtered(lambda c: c.state != "refunded")
            if not credits:
                continue
            count = original._club_credit_count(line.qty)
            credits = credits.sorted(
                lambda c: (
                    bool(c.booking_id),
                    c.booking_id.state != "booked",
                    -c.id,
                )
            )[:count]
            bookings = credits.booking_id
            if bookings:
                bookings._lock_rows()
            bookings.write({"credit_id": False})
            credits._mark_refunded()
            reference = line.order_id.pos_reference or line.order_id.name
            for booking in bookings:
                booking._message_log(
                    body=_(
                        "Payment refunded at the Point of Sale (%(order)s).",
                        order=reference,
                    )
                )
            bookings.filtered(lambda b: b.state == "booked")._assign_credits()

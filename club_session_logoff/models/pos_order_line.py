import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

# Orders in these states were processed: their refund lines count as refunded.
POS_PROCESSED_STATES = ("paid", "done", "invoiced")


def _club_is_whole(qty):
    return float_is_zero(qty - round(qty), precision_digits=5)


def _club_qty(qty):
    """A quantity as a cashier reads it: 3, not 3.0."""
    return int(round(qty)) if _club_is_whole(qty) else qty


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

    def _club_company(self):
        """The company of the line's Point of Sale. Not the order's
        ``company_id``: the client may send that one."""
        self.ensure_one()
        return self.order_id.session_id.config_id.company_id

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
                    (
                        "company_id",
                        "in",
                        self.order_id.session_id.config_id.company_id.ids,
                    ),
                ]
            )
        )
        for line in self:
            company = line._club_company()
            named = offerings.filtered(
                lambda o, line=line, company=company: o.product_id == line.product_id
                and o.company_id == company
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

    def _club_credit_count(self):
        """Credits a sale line gives (whole quantities: checked before)."""
        self.ensure_one()
        return round(abs(self.qty)) * self.product_id.club_credits_per_unit

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
                    self.env._(
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
                    self.env._(
                        "Booking %s is paid with exactly one unit of its credit "
                        "product; refunds follow the refunded line.",
                        booking.name,
                    )
                )
            # The register's company, whatever company the client put on the
            # order.
            if booking.company_id != line._club_company():
                raise UserError(
                    self.env._("Booking %s belongs to another company.", booking.name)
                )
            booking._check_holds_seat()
            if booking.is_paid:
                raise UserError(
                    self.env._(
                        "Booking %s is paid already: remove its line from the order.",
                        booking.name,
                    )
                )
            if not offering.product_id or line.product_id != offering.product_id:
                raise UserError(
                    self.env._(
                        "Booking %(booking)s is paid with %(product)s, the credit "
                        "product of %(offering)s.",
                        booking=booking.name,
                        product=offering.product_id.display_name
                        or self.env._("(none set)"),
                        offering=offering.name,
                    )
                )

    def _club_check_credit_lines(self):
        """Credits belong to a member and come, and go back, by whole units.

        - A sale of a product that sells session credits needs the customer
          and a whole quantity; a negative one is refused (money back without
          credits back): credits go back by refunding their sale.
        - A refund line (``refunded_orderline_id``) of a line that sold credits
          or paid a booking is of the same product, by a whole quantity, zero
          or negative, and refunds a sale (a positive quantity). Fractions
          would take back no credit at all (see ``_club_refund_credits``)."""
        lines = self.sudo()  # the refunded lines' credits are club records
        targets = (lines | lines.refunded_orderline_id)._club_credit_targets()
        refunds = self.browse()
        for line in lines:
            product = line.product_id.display_name
            original = line.refunded_orderline_id
            if original:
                if not (
                    original in targets
                    or line in targets
                    or original.club_booking_id
                    or original.club_credit_ids
                ):
                    continue
                line._club_check_refund_line(original)
                refunds |= line
                continue
            if line not in targets:
                continue
            if float_compare(line.qty, 0.0, precision_digits=5) < 0:
                raise UserError(
                    self.env._(
                        "%(product)s sells session credits: a negative quantity "
                        "would give the money back and leave the credits. Refund "
                        "the order that sold them instead (Refund button).",
                        product=product,
                    )
                )
            if not line.order_id.partner_id:
                raise UserError(
                    self.env._(
                        "Select the customer: %(product)s sells session credits, "
                        "which belong to a member.",
                        product=product,
                    )
                )
            if not _club_is_whole(line.qty):
                raise UserError(
                    self.env._(
                        "%(product)s sells session credits: sell whole units, "
                        "not %(qty)s.",
                        product=product,
                        qty=line.qty,
                    )
                )
        refunds._club_check_refunded_once()

    def _club_check_refunded_once(self):
        """The money of a line that sold credits or paid a booking goes back at
        most once: the refunds of processed orders and these refund lines
        together give back at most what the line sold (Odoo's POS would let a
        second refund through; the credits are taken back once). Two
        registers refunding one line at once: the second waits for the
        first's lock, then counts its refund."""
        originals = self.refunded_orderline_id
        if not originals:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM pos_order_line WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(originals.ids),
            ),
            log_exceptions=False,
        )
        originals.invalidate_recordset(["refund_orderline_ids"])
        orders = self.order_id
        for original in originals:
            here = self.filtered(
                lambda line, original=original: line.refunded_orderline_id == original
            )
            before = original.refund_orderline_ids.filtered(
                lambda line: line.order_id not in orders
                and line.order_id.state in POS_PROCESSED_STATES
            )
            done = -sum(before.mapped("qty"))
            asked = -sum(here.mapped("qty"))
            if float_compare(done + asked, original.qty, precision_digits=5) > 0:
                raise UserError(
                    self.env._(
                        "%(product)s: %(sold)s sold, %(done)s refunded already: "
                        "refund at most %(left)s more, not %(asked)s.",
                        product=original.product_id.display_name,
                        sold=_club_qty(original.qty),
                        done=_club_qty(done),
                        left=_club_qty(max(original.qty - done, 0)),
                        asked=_club_qty(asked),
                    )
                )

    def _club_check_refund_line(self, original):
        self.ensure_one()
        product = original.product_id.display_name
        booking = original.club_booking_id
        if self.product_id != original.product_id:
            raise UserError(
                self.env._(
                    "A refund line gives back what its line sold: refund "
                    "%(product)s with %(product)s.",
                    product=product,
                )
            )
        if (
            float_compare(self.qty, 0.0, precision_digits=5) > 0
            or float_compare(original.qty, 0.0, precision_digits=5) <= 0
        ):
            raise UserError(
                self.env._(
                    "%(product)s: only a sale of session credits can be refunded, "
                    "by a negative quantity.",
                    product=product,
                )
            )
        if _club_is_whole(self.qty):
            return
        if booking:
            raise UserError(
                self.env._(
                    "The line of booking %(booking)s is refunded as a whole: "
                    "refund 1 unit, not %(qty)s.",
                    booking=booking.sudo().name,
                    qty=abs(self.qty),
                )
            )
        raise UserError(
            self.env._(
                "%(product)s sells session credits: refund whole units, not "
                "%(qty)s.",
                product=product,
                qty=abs(self.qty),
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
                "company_id": line._club_company().id,
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
        """Take back the credits of the sale lines these refund lines refund.

        The rule, per sale line: it sold ``T`` credits for ``S`` units; once
        refunds (paid ones, this one included) returned ``R`` of its units,
        ``T * min(R, S) / S`` of its credits are taken back, the ones already
        taken back included. So a refund takes back its share of the credits,
        a second refund of a line refunded in full takes nothing more, and a
        line refunded in full keeps no usable credit. Quantities are whole
        (checked before the order is saved), so the share is a whole number of
        credits; should an older fractional refund make it not, it is rounded
        up.

        Taken back first: free credits (available ones first), then the ones
        reserved by open bookings (the booking takes the member's next free
        credit, if any), then consumed ones; the newest first. A credit taken
        back is *Refunded*, unpaid and tied to no booking; the booking it paid
        is unpaid again (a chatter line says so). A booking's line sold one
        credit per unit of its product, the booking's first: refunding the line
        takes the booking's credit back, once."""
        refunds = self.filtered(lambda line: line.refunded_orderline_id)
        originals = refunds.refunded_orderline_id.filtered("club_credit_ids")
        if not originals:
            return
        # Two registers refunding one line at once: the second one waits here,
        # then sees the first one's refund.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM club_session_credit WHERE pos_order_line_id IN %s "
                "ORDER BY id FOR UPDATE",
                tuple(originals.ids),
            )
        )
        originals.club_credit_ids.invalidate_recordset()
        originals.invalidate_recordset(["club_credit_ids", "refund_orderline_ids"])
        for original in originals:
            credits = original.club_credit_ids
            sold = original.qty
            if float_compare(sold, 0.0, precision_digits=5) <= 0:
                continue
            returned = -sum(
                original.refund_orderline_ids.filtered(
                    lambda line: line.order_id.state in POS_PROCESSED_STATES
                ).mapped("qty")
            )
            share = max(0.0, min(returned, sold)) / sold
            due = math.ceil(float_round(len(credits) * share, precision_digits=6))
            todo = due - len(credits.filtered(lambda c: c.state == "refunded"))
            if todo <= 0:
                continue
            order = refunds.filtered(
                lambda line, original=original: line.refunded_orderline_id == original
            )[:1].order_id
            self._club_take_back(
                credits.filtered(lambda c: c.state != "refunded").sorted(
                    self._club_refund_order
                )[:todo],
                order,
            )

    @staticmethod
    def _club_refund_order(credit):
        booking = credit.booking_id
        if not booking:
            rank = 0 if credit.state == "available" else 1
        elif booking.state == "booked":
            rank = 2
        else:
            rank = 3
        return (rank, -credit.id)

    @api.model
    def _club_take_back(self, credits, order):
        """Refund ``credits`` (superuser) for the refund ``order``."""
        bookings = credits.booking_id
        if bookings:
            bookings._lock_rows()
        bookings._untie_credits()
        credits._mark_refunded()
        reference = order.pos_reference or order.name
        for booking in bookings:
            booking._message_log(
                body=self.env._(
                    "Payment refunded at the Point of Sale (%(order)s).",
                    order=reference,
                )
            )
        bookings.filtered(lambda b: b.state == "booked")._assign_credits()

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .club_booking_outcomes import SEAT_STATES

POS_USER_GROUP = "point_of_sale.group_pos_user"
# How many unpaid bookings of one member the POS lists, oldest first.
POS_UNPAID_LIMIT = 50
# How many ids one call of the POS may name (the POS sends them in chunks).
POS_MAX_IDS = 1000
# Record ids are PostgreSQL integers.
MAX_ID = 2**31 - 1


def _pos_id(value):
    """``value`` if it is a record id (a positive integer), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


class ClubBooking(models.Model):
    """What the Point of Sale sees of bookings. Cashiers have no access to club
    records: the POS reads bookings only through the narrow methods below,
    which return whitelisted fields as superuser."""

    _name = "club.booking"
    _inherit = ["club.booking", "pos.load.mixin"]

    pos_order_id = fields.Many2one(
        "pos.order",
        string="Paid at POS",
        related="credit_id.pos_order_line_id.order_id",
        groups="point_of_sale.group_pos_user",
        help="The Point of Sale order that paid this booking.",
    )

    # ------------------------------------------------------------------
    # POS data loading: only the bookings of the open orders' lines
    # ------------------------------------------------------------------
    @api.model
    def _load_pos_data_domain(self, data):
        lines = data.get("pos.order.line", {}).get("data", [])
        ids = {line["club_booking_id"] for line in lines if line.get("club_booking_id")}
        return [("id", "in", sorted(ids))] if ids else False

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["name", "partner_id", "start", "state", "is_paid"]

    def _load_pos_data(self, data):
        config_id = data["pos.config"]["data"][0]["id"]
        domain = self._load_pos_data_domain(data)
        bookings = self
        if domain is not False:
            company = self.env["pos.config"].browse(config_id).company_id
            bookings = self.sudo().search([*domain, ("company_id", "=", company.id)])
        return {
            "data": bookings._pos_read(config_id),
            "fields": self._load_pos_data_fields(config_id),
        }

    def _pos_read(self, config_id):
        """The POS's view of these bookings (superuser, whitelisted fields)."""
        bookings = self.sudo()
        if not bookings:
            return []
        states = dict(self._fields["state"]._description_selection(self.env))
        values = bookings.read(self._load_pos_data_fields(config_id), load=False)
        for vals, booking in zip(values, bookings, strict=False):
            vals["_offering_name"] = booking.offering_id.name
            vals["_product_id"] = booking.offering_id.product_id.id
            vals["_state_label"] = states.get(booking.state, booking.state)
        return values

    # ------------------------------------------------------------------
    # Narrow methods called by the POS (cashiers: Point of Sale users only)
    # ------------------------------------------------------------------
    @api.model
    def _pos_no_extra(self, extra, unknown):
        """The POS's calls take their arguments and nothing else: a clear
        refusal rather than Python's TypeError (a traceback in the log)."""
        if extra or unknown:
            raise UserError(
                self.env._(
                    "Unexpected arguments: reload the Point of Sale and try again."
                )
            )

    @api.model
    def _pos_ids(self, values, message):
        """The record ids of a list sent by the POS; ``message`` otherwise."""
        if not isinstance(values, list | tuple) or len(values) > POS_MAX_IDS:
            raise UserError(message)
        ids = [_pos_id(value) for value in values]
        if None in ids:
            raise UserError(message)
        return list(dict.fromkeys(ids))

    @api.model
    def _pos_config(self, config_id):
        """The Point of Sale the caller works at: a POS user, a register of
        one of the user's (allowed) companies, with a session open."""
        if not self.env.user.has_group(POS_USER_GROUP):
            raise AccessError(
                self.env._("Only Point of Sale users can take payments of bookings.")
            )
        config = self.env["pos.config"].browse(_pos_id(config_id)).exists()
        if not config:
            raise UserError(self.env._("Unknown Point of Sale."))
        if config.sudo().company_id not in self.env.companies:
            raise AccessError(
                self.env._("This Point of Sale belongs to another company.")
            )
        config.check_access("read")
        if not config.current_session_id:
            raise UserError(
                self.env._("Open a session of %s first.", config.name),
            )
        return config

    @api.model
    def club_pos_unpaid_bookings(
        self, partner_id=None, config_id=None, *extra, **unknown
    ):
        """The member's bookings the POS can take payment for: holding a seat
        (not cancelled, not waitlisted), not paid, with a credit product, of
        the register's company; oldest first. The POS reads the products and
        the member itself, as it does for any record it lacks."""
        self._pos_no_extra(extra, unknown)
        config = self._pos_config(config_id)
        partner = self.env["res.partner"].browse(_pos_id(partner_id)).exists()
        if not partner:
            raise UserError(self.env._("Select a customer first."))
        partner.check_access("read")
        bookings = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", config.company_id.id),
                ("state", "in", SEAT_STATES),
                ("is_paid", "=", False),
                ("offering_id.product_id", "!=", False),
            ],
            order="start, id",
            limit=POS_UNPAID_LIMIT,
        )
        return {"club.booking": bookings._pos_read(config.id)}

    @api.model
    def club_pos_booking_to_pay(
        self, booking_id=None, config_id=None, *extra, **unknown
    ):
        """One booking opened in the POS from the back office (Take Payment at
        POS): staff who may read the booking (the ones the action serves), of
        the register's company, payable."""
        self._pos_no_extra(extra, unknown)
        config = self._pos_config(config_id)
        booking = self.browse(_pos_id(booking_id)).sudo().exists()
        if (
            not booking
            or booking.company_id != config.company_id
            or not booking.with_user(self.env.user).has_access("read")
        ):
            raise UserError(self.env._("Unknown booking."))
        booking._check_payable()
        return {"club.booking": booking._pos_read(config.id)}

    @api.model
    def club_pos_read_bookings(
        self, booking_ids=None, config_id=None, partner_ids=None, *extra, **unknown
    ):
        """Bookings named by order lines the POS did not get from load_data:
        orders read from the server (ticket screen, other registers' open
        orders) and orders kept in the browser (offline). Returned, among
        ``booking_ids``, the bookings of the register's company that are

        - tied to a line of an order of this Point of Sale (any of its
          sessions: the ticket screen lists them), or
        - of a customer named in ``partner_ids`` (the customers of the orders
          the POS holds) and unpaid, or paid at the Point of Sale.

        Other ids are left out: fishing for bookings by id gives nothing the
        Unpaid bookings button would not. At most 1000 ids of each."""
        self._pos_no_extra(extra, unknown)
        config = self._pos_config(config_id)
        booking_ids = self._pos_ids(booking_ids, self.env._("Unknown booking."))
        partner_ids = self._pos_ids(partner_ids or [], self.env._("Unknown customer."))
        if not booking_ids:
            return []
        Line = self.env["pos.order.line"].sudo()
        company = config.company_id
        here = Line.search(
            [
                ("club_booking_id", "in", booking_ids),
                ("order_id.config_id", "=", config.id),
            ]
        ).club_booking_id
        # Customers the caller may read (and so serve).
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("id", "in", partner_ids)])
        )
        served = self.sudo().search(
            [
                ("id", "in", booking_ids),
                ("partner_id", "in", partners.ids),
            ]
        )
        paid_at_pos = Line.search(
            [
                ("club_booking_id", "in", served.ids),
                ("order_id.config_id.company_id", "=", company.id),
            ]
        ).club_booking_id
        served = served.filtered(lambda b: not b.is_paid or b in paid_at_pos)
        bookings = (here.sudo() | served).filtered(lambda b: b.company_id == company)
        return bookings.sorted("id")._pos_read(config.id)

    def _check_payable(self):
        for booking in self:
            if booking.is_paid:
                raise UserError(self.env._("Booking %s is paid already.", booking.name))
            booking._check_holds_seat()
            if not booking.offering_id.product_id:
                raise UserError(
                    self.env._(
                        "%(offering)s has no credit product to sell at the Point of "
                        "Sale: set one on the offering (Club > Configuration > "
                        "Offerings).",
                        offering=booking.offering_id.name,
                    )
                )

    def _check_holds_seat(self):
        """Only a booking holding a seat is paid for: a cancelled one has
        nothing to pay, a waitlisted one pays once it gets a seat."""
        self.ensure_one()
        if self.state == "waitlisted":
            raise UserError(
                self.env._(
                    "Booking %s is on the waitlist: it is paid once it gets a seat.",
                    self.name,
                )
            )
        if self.state not in SEAT_STATES:
            raise UserError(
                self.env._(
                    "Booking %s is cancelled: there is nothing to pay.", self.name
                )
            )

    # ------------------------------------------------------------------
    # Back office
    # ------------------------------------------------------------------
    def action_pay_at_pos(self):
        """Open the Point of Sale with the member as customer and this booking's
        credit product in the order, tied to the booking."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group(POS_USER_GROUP):
            raise AccessError(
                self.env._(
                    "Taking a payment at the Point of Sale needs Point of Sale access."
                )
            )
        self.sudo()._check_payable()
        sessions = self.env["pos.session"].search(
            [
                ("state", "=", "opened"),
                ("rescue", "=", False),
                ("config_id.company_id", "=", self.company_id.id),
            ],
            order="start_at desc, id desc",
        )
        session = (
            sessions.filtered(lambda s: s.user_id == self.env.user)[:1] or sessions[:1]
        )
        if not session:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "title": self.env._("No Point of Sale is open"),
                    "message": self.env._(
                        "Open a register from the %s first, then take the payment "
                        "again."
                    ),
                    "links": [
                        {
                            "label": self.env._("Point of Sale dashboard"),
                            "url": "/odoo/action-point_of_sale.action_client_pos_menu",
                        }
                    ],
                },
            }
        action = session.config_id.open_ui()
        action["url"] += f"&club_booking_id={self.id}"
        return action

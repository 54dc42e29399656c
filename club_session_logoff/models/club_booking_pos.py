from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

POS_USER_GROUP = "point_of_sale.group_pos_user"
# How many unpaid bookings of one member the POS lists, oldest first.
POS_UNPAID_LIMIT = 50


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
        bookings = self.sudo().search(domain) if domain is not False else self
        return {
            "data": bookings._club_pos_read(config_id),
            "fields": self._load_pos_data_fields(config_id),
        }

    def _club_pos_read(self, config_id):
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
    def _club_pos_config(self, config_id):
        if not self.env.user.has_group(POS_USER_GROUP):
            raise AccessError(
                _("Only Point of Sale users can take payments of bookings.")
            )
        if not isinstance(config_id, int) or isinstance(config_id, bool):
            raise UserError(_("Unknown Point of Sale."))
        config = self.env["pos.config"].browse(config_id).exists()
        if not config:
            raise UserError(_("Unknown Point of Sale."))
        config.check_access("read")
        return config

    @api.model
    def club_pos_unpaid_bookings(self, partner_id, config_id):
        """The member's bookings the POS can take payment for: not cancelled,
        not paid, with a credit product; oldest first. The POS reads the
        products and the member itself, as it does for any record it lacks."""
        config = self._club_pos_config(config_id)
        if not isinstance(partner_id, int) or isinstance(partner_id, bool):
            raise UserError(_("Select a customer first."))
        partner = self.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise UserError(_("Select a customer first."))
        partner.check_access("read")
        bookings = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", config.company_id.id),
                ("state", "!=", "cancelled"),
                ("is_paid", "=", False),
                ("offering_id.product_id", "!=", False),
            ],
            order="start, id",
            limit=POS_UNPAID_LIMIT,
        )
        return {"club.booking": bookings._club_pos_read(config.id)}

    @api.model
    def club_pos_booking_to_pay(self, booking_id, config_id):
        """One booking opened in the POS from the back office (Take Payment at
        POS)."""
        config = self._club_pos_config(config_id)
        if not isinstance(booking_id, int) or isinstance(booking_id, bool):
            raise UserError(_("Unknown booking."))
        booking = self.sudo().browse(booking_id).exists()
        if not booking or booking.company_id != config.company_id:
            raise UserError(_("Unknown booking."))
        booking._club_check_payable()
        return {"club.booking": booking._club_pos_read(config.id)}

    @api.model
    def club_pos_read_bookings(self, booking_ids, config_id):
        """Bookings named by order lines the POS did not get from load_data:
        past orders read from the server (ticket screen) and orders kept in the
        browser while offline. Only what the POS may show anyway: bookings tied
        to an order line, and unpaid ones (as the Unpaid bookings button)."""
        config = self._club_pos_config(config_id)
        if not isinstance(booking_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in booking_ids
        ):
            raise UserError(_("Unknown booking."))
        tied = (
            self.env["pos.order.line"]
            .search(
                [
                    ("club_booking_id", "in", booking_ids),
                    ("order_id.company_id", "=", config.company_id.id),
                ]
            )
            .club_booking_id
        )
        unpaid = self.sudo().search(
            [
                ("id", "in", booking_ids),
                ("company_id", "=", config.company_id.id),
                ("state", "!=", "cancelled"),
                ("is_paid", "=", False),
            ]
        )
        return (tied.sudo() | unpaid)._club_pos_read(config.id)

    def _club_check_payable(self):
        for booking in self:
            if booking.is_paid:
                raise UserError(_("Booking %s is paid already.", booking.name))
            if booking.state == "cancelled":
                raise UserError(
                    _("Booking %s is cancelled: there is nothing to pay.", booking.name)
                )
            if not booking.offering_id.product_id:
                raise UserError(
                    _(
                        "%(offering)s has no credit product to sell at the Point of "
                        "Sale: set one on the offering (Club > Configuration > "
                        "Offerings).",
                        offering=booking.offering_id.name,
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
                _("Taking a payment at the Point of Sale needs Point of Sale access.")
            )
        self.sudo()._club_check_payable()
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
                    "title": _("No Point of Sale is open"),
                    "message": _(
                        "Open a register from the %s first, then take the payment "
                        "again."
                    ),
                    "links": [
                        {
                            "label": _("Point of Sale dashboard"),
                            "url": "/odoo/action-point_of_sale.action_client_pos_menu",
                        }
                    ],
                },
            }
        action = session.config_id.open_ui()
        action["url"] += f"&club_booking_id={self.id}"
        return action

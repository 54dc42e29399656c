from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    club_member_ref = fields.Char(
        string="Member Number",
        copy=False,
        index="btree_not_null",
        help="The member's number, printed on the member card as a barcode; "
        "unique within a company.",
    )
    club_past_due = fields.Boolean(
        string="Past Due",
        compute="_compute_club_past_due",
        search="_search_club_past_due",
        help="The member has posted customer invoices that are overdue and unpaid.",
    )
    club_booking_ids = fields.One2many("club.booking", "partner_id", string="Bookings")
    club_open_booking_ids = fields.One2many(
        "club.booking",
        "partner_id",
        string="Open Bookings",
        domain=[("state", "=", "booked")],
    )
    club_credit_ids = fields.One2many(
        "club.session.credit", "partner_id", string="Session Credits"
    )
    club_open_booking_count = fields.Integer(compute="_compute_club_counts")
    club_available_credit_count = fields.Integer(compute="_compute_club_counts")

    _sql_constraints = [
        (
            "club_member_ref_uniq",
            "EXCLUDE USING btree (club_member_ref WITH =, COALESCE(company_id, 0) WITH =) "
            "WHERE (club_member_ref IS NOT NULL)",
            "This member number is already used in this company.",
        ),
    ]

    @api.constrains("club_member_ref", "company_id")
    def _check_club_member_ref_unique(self):
        # The database refuses two numbers in one company; a shared contact (no
        # company) also clashes with every company's numbers.
        for partner in self.filtered("club_member_ref"):
            domain = [
                ("id", "!=", partner.id),
                ("club_member_ref", "=", partner.club_member_ref),
            ]
            if partner.company_id:
                domain += ["|", ("company_id", "=", False),
                           ("company_id", "=", partner.company_id.id)]
            other = self.with_context(active_test=False).sudo().search(domain, limit=1)
            if other:
                raise ValidationError(
                    _(
                        "Member number %(ref)s is already used by %(other)s.",
                        ref=partner.club_member_ref,
                        other=other.display_name,
                    )
                )

    def _club_past_due_partner_ids(self, partner_ids=None):
        """Commercial partners with an overdue, unpaid, posted customer invoice."""
        query = SQL(
            """
            SELECT DISTINCT m.commercial_partner_id FROM account_move m
             WHERE m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial')
               AND m.invoice_date_due < %s
            """,
            fields.Date.context_today(self),
        )
        if partner_ids is not None:
            query = SQL("%s AND m.commercial_partner_id IN %s", query, tuple(partner_ids))
        self.env["account.move"].flush_model(
            ["move_type", "state", "payment_state", "invoice_date_due",
             "commercial_partner_id"]
        )
        self.env.cr.execute(query)
        return {row[0] for row in self.env.cr.fetchall()}

    def _compute_club_past_due(self):
        commercial = self.filtered("id").commercial_partner_id
        past_due = (
            self._club_past_due_partner_ids(commercial.ids) if commercial else set()
        )
        for partner in self:
            partner.club_past_due = partner.commercial_partner_id.id in past_due

    def _search_club_past_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(_("Unsupported search on Past Due."))
        ids = self._club_past_due_partner_ids()
        positive = (operator == "=") == value
        return [("commercial_partner_id", "in" if positive else "not in", list(ids))]

    def _compute_club_counts(self):
        Booking = self.env["club.booking"]
        Credit = self.env["club.session.credit"]
        bookings = {}
        credits = {}
        if Booking.has_access("read"):
            bookings = dict(
                Booking._read_group(
                    [("partner_id", "in", self.ids), ("state", "=", "booked")],
                    ["partner_id"],
                    ["__count"],
                )
            )
        if Credit.has_access("read"):
            credits = dict(
                Credit._read_group(
                    [("partner_id", "in", self.ids), ("state", "=", "available"),
                     ("booking_id", "=", False)],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for partner in self:
            partner.club_open_booking_count = bookings.get(partner, 0)
            partner.club_available_credit_count = credits.get(partner, 0)

    def action_club_account(self):
        """The member's account: Session Credits and Open Bookings tabs."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Bookings of %s", self.display_name),
            "res_model": "res.partner",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (self.env.ref("club_session_logoff.res_partner_view_form_club_account").id,
                 "form")
            ],
            "target": "current",
        }

    def action_club_checkin(self):
        """Record a front-desk check-in."""
        self.ensure_one()
        self.env["club.checkin"].create({"partner_id": self.id, "source": "desk"})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%s is checked in.", self.display_name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

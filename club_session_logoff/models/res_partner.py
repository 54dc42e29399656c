import base64
import secrets
from datetime import timedelta

from passlib.context import CryptContext

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, split_every

from ..tools.groups import BOOKING_USER_GROUP, BOOKING_VIEWER_GROUP, MANAGER_GROUP
from ..tools.kiosk_pin import PIN_MAX_DIGITS, PIN_MIN_DIGITS, is_valid_pin
from .club_booking_outcomes import ATTENDED_STATES, LOGGED_STATES, OPEN_STATES

# Who may know that a member owes the club money: club staff (and the kiosk,
# which runs as superuser).
# Who may see and replace a member's card code: the front desk and managers.
CARD_CODE_GROUPS = f"{BOOKING_USER_GROUP},{MANAGER_GROUP}"
# The member card's barcode: random, from an alphabet without look-alikes
# (no 0/O, 1/I), 12 characters: 60 bits, which nobody guesses at a kiosk that
# locks after 5 failures.
CARD_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CARD_CODE_LENGTH = 12
# The kiosk PIN (see the "Kiosk" part below; its format: tools/kiosk_pin.py).
# A PIN is a few digits: what protects it is the kiosk's lockout after a few
# wrong tries, not the hash's cost. The rounds keep a stolen hash from giving
# the PIN away instantly while a kiosk identification stays fast.
KIOSK_PIN_CRYPT = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=20000)
# The member form's attendance at a glance: the outcomes of the last 90 days.
ATTENDANCE_DAYS = 90
# (the outcome table's logged states: completed, no-show, late cancel).
ATTENDANCE_STATES = LOGGED_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    club_member_ref = fields.Char(
        string="Member Number",
        copy=False,
        index="btree_not_null",
        help="The member's number, printed on the member card as a barcode; "
        "unique within a company.",
    )
    club_card_code = fields.Char(
        string="Card Code",
        copy=False,
        readonly=True,
        groups=CARD_CODE_GROUPS,
        help="The code printed as the barcode of the member's card. Scanned at the "
        "kiosk, it identifies the member without a PIN; it is random, and New Card "
        "replaces it (the old card stops working at once).",
    )
    club_card_barcode = fields.Binary(
        string="Card Barcode",
        compute="_compute_club_card_barcode",
        attachment=False,
        groups=CARD_CODE_GROUPS,
    )
    club_past_due = fields.Boolean(
        string="Past Due",
        compute="_compute_club_past_due",
        search="_search_club_past_due",
        groups=BOOKING_VIEWER_GROUP,
        help="The member has posted customer invoices of the selected companies "
        "that are overdue and unpaid.",
    )
    club_booking_ids = fields.One2many("club.booking", "partner_id", string="Bookings")
    club_open_booking_ids = fields.One2many(
        "club.booking",
        "partner_id",
        string="Open Bookings",
        # Booked, and waiting for a seat in a full session.
        domain=[("state", "in", sorted(OPEN_STATES))],
    )
    club_credit_ids = fields.One2many(
        "club.session.credit", "partner_id", string="Session Credits"
    )
    # The Penalties tab of the member's account (club.penalty).
    club_penalty_ids = fields.One2many("club.penalty", "partner_id", string="Penalties")
    club_open_booking_count = fields.Integer(compute="_compute_club_counts")
    club_available_credit_count = fields.Integer(compute="_compute_club_counts")
    club_kiosk_pin_set = fields.Boolean(
        string="Kiosk PIN Set",
        compute="_compute_club_kiosk_pin_set",
        help="The member can identify at the kiosk with the member number and a PIN.",
    )
    club_kiosk_locked_until = fields.Datetime(
        string="Kiosk Locked Until",
        compute="_compute_club_kiosk_locked_until",
        help="Too many wrong PINs were typed for this member at the kiosk: the "
        "kiosk refuses the member until then, or until the front desk unlocks it.",
    )
    # Attendance at a glance (the member form): the bookings the user may see.
    club_attendance_completed = fields.Integer(
        string="Completed (90 Days)",
        compute="_compute_club_attendance",
        groups=BOOKING_VIEWER_GROUP,
        help="Completed bookings that started in the last 90 days, in your clubs.",
    )
    club_attendance_no_show = fields.Integer(
        string="No-Shows (90 Days)",
        compute="_compute_club_attendance",
        groups=BOOKING_VIEWER_GROUP,
        help="No-shows of bookings that started in the last 90 days, in your clubs.",
    )
    club_attendance_late_cancel = fields.Integer(
        string="Late Cancels (90 Days)",
        compute="_compute_club_attendance",
        groups=BOOKING_VIEWER_GROUP,
        help="Bookings of the last 90 days cancelled too late, in your clubs.",
    )
    club_last_visit = fields.Datetime(
        string="Last Visit",
        compute="_compute_club_attendance",
        groups=BOOKING_VIEWER_GROUP,
        help="The start of the member's latest completed booking in your clubs.",
    )

    _sql_constraints = [
        (
            "club_member_ref_uniq",
            "EXCLUDE USING btree "
            "(club_member_ref WITH =, COALESCE(company_id, 0) WITH =) "
            "WHERE (club_member_ref IS NOT NULL)",
            "This member number is already used in this company.",
        ),
        # Unique in the whole database, which also makes it unique in each
        # company: a code names one card, whichever club's kiosk reads it.
        (
            "club_card_code_uniq",
            "UNIQUE(club_card_code)",
            "This card code is already used by another member.",
        ),
    ]

    def init(self):
        # Past due is asked at every kiosk check-in: a member's few unpaid
        # invoices, found without reading years of paid ones.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS account_move_club_unpaid_partner_idx "
            "ON account_move (commercial_partner_id, invoice_date_due) "
            "WHERE move_type = 'out_invoice' AND state = 'posted' "
            "AND payment_state IN ('not_paid', 'partial')"
        )
        # Like res.users' password: the kiosk PIN's hash lives in a column that
        # no field exposes, so no read, export or RPC call can ever return it.
        self.env.cr.execute(
            "ALTER TABLE res_partner "
            "ADD COLUMN IF NOT EXISTS club_kiosk_pin_hash varchar"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("club_card_code") for vals in vals_list):
            raise UserError(self._club_card_code_is_generated_message())
        # Every member gets a card code, imports included.
        members = [
            vals
            for vals in vals_list
            if vals.get("club_member_ref") and not vals.get("club_card_code")
        ]
        for vals, code in zip(
            members, self._club_new_card_codes(len(members)), strict=True
        ):
            vals["club_card_code"] = code
        return super().create(vals_list)

    def write(self, vals):
        # Writing back the same code (e.g. merging contacts) changes nothing.
        if (
            "club_card_code" in vals
            and not self.env.su
            and any(p.club_card_code != vals["club_card_code"] for p in self.sudo())
        ):
            raise UserError(self._club_card_code_is_generated_message())
        result = super().write(vals)
        if "club_member_ref" in vals:
            # A contact who becomes a member gets a card; one who stops being
            # a member loses it (the card stops working).
            partners = self.sudo()
            partners.filtered(
                lambda p: p.club_member_ref and not p.club_card_code
            )._club_assign_card_codes()
            partners.filtered(
                lambda p: not p.club_member_ref and p.club_card_code
            ).write({"club_card_code": False})
        return result

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
                domain += [
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", partner.company_id.id),
                ]
            other = self.with_context(active_test=False).sudo().search(domain, limit=1)
            if not other:
                continue
            # Name the other member only to a user who may see that contact: a
            # member of a company the user does not work in stays anonymous.
            if other.with_env(self.env).has_access("read"):
                raise ValidationError(
                    self.env._(
                        "Member number %(ref)s is already used by %(other)s.",
                        ref=partner.club_member_ref,
                        other=other.display_name,
                    )
                )
            raise ValidationError(
                self.env._(
                    "Member number %(ref)s is already used by a member of another "
                    "company.",
                    ref=partner.club_member_ref,
                )
            )

    def _club_may_see_past_due(self):
        """Whether the current user may know who is past due: club staff, and
        the kiosk (superuser). The field's ``groups`` guards reads through the
        ORM; this also guards its computation and its search."""
        return self.env.su or self.env.user.has_group(BOOKING_VIEWER_GROUP)

    def _club_past_due_partner_ids(self, partner_ids=None):
        """Commercial partners with an overdue, unpaid, posted customer invoice
        of the current companies (the user's selected companies; the kiosk's
        own company)."""
        query = SQL(
            """
            SELECT DISTINCT m.commercial_partner_id FROM account_move m
             WHERE m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial')
               AND m.invoice_date_due < %s
               AND m.company_id IN %s
            """,
            fields.Date.context_today(self),
            tuple(self.env.companies.ids),
        )
        if partner_ids is not None:
            query = SQL(
                "%s AND m.commercial_partner_id IN %s", query, tuple(partner_ids)
            )
        self.env["account.move"].flush_model(
            [
                "move_type",
                "state",
                "payment_state",
                "invoice_date_due",
                "commercial_partner_id",
                "company_id",
            ]
        )
        self.env.cr.execute(query)
        return {row[0] for row in self.env.cr.fetchall()}

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_club_past_due(self):
        commercial = self.filtered("id").commercial_partner_id
        past_due = (
            self._club_past_due_partner_ids(commercial.ids)
            if commercial and self._club_may_see_past_due()
            else set()
        )
        for partner in self:
            partner.club_past_due = partner.commercial_partner_id.id in past_due

    def _search_club_past_due(self, operator, value):
        # A field's groups do not guard its search method: without this, any
        # user could list who owes the club money with a domain.
        if not self._club_may_see_past_due():
            raise AccessError(
                self.env._("Only club staff can search members by Past Due.")
            )
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Past Due."))
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
                    [
                        ("partner_id", "in", self.ids),
                        ("state", "in", sorted(OPEN_STATES)),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
        if Credit.has_access("read"):
            credits = dict(
                Credit._read_group(
                    [
                        ("partner_id", "in", self.ids),
                        # Usable (not expired) and tied to no booking: the one
                        # rule, club.session.credit USABLE_CREDIT.
                        *Credit._usable_domain(
                            self.env.company._club_today(), free=True
                        ),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for partner in self:
            partner.club_open_booking_count = bookings.get(partner, 0)
            partner.club_available_credit_count = credits.get(partner, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_club_attendance(self):
        # Two grouped reads for all the partners shown, as the user: the
        # bookings' record rules keep other clubs' bookings out.
        Booking = self.env["club.booking"]
        partner_ids = [partner_id for partner_id in self.ids if partner_id]
        counts, last_visits = {}, {}
        if partner_ids and Booking.has_access("read"):
            since = fields.Datetime.now() - timedelta(days=ATTENDANCE_DAYS)
            for partner, state, count in Booking._read_group(
                [
                    ("partner_id", "in", partner_ids),
                    ("state", "in", ATTENDANCE_STATES),
                    ("start", ">=", since),
                ],
                ["partner_id", "state"],
                ["__count"],
            ):
                counts[partner.id, state] = count
            last_visits = {
                partner.id: start
                for partner, start in Booking._read_group(
                    [
                        ("partner_id", "in", partner_ids),
                        ("state", "in", ATTENDED_STATES),
                    ],
                    ["partner_id"],
                    ["start:max"],
                )
            }
        for partner in self:
            partner.club_attendance_completed = counts.get((partner.id, "completed"), 0)
            partner.club_attendance_no_show = counts.get((partner.id, "no_show"), 0)
            partner.club_attendance_late_cancel = counts.get(
                (partner.id, "late_cancel"), 0
            )
            partner.club_last_visit = last_visits.get(partner.id, False)

    def action_club_account(self):
        """The member's account: Session Credits and Open Bookings tabs."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bookings of %s", self.display_name),
            "res_model": "res.partner",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "club_session_logoff.res_partner_view_form_club_account"
                    ).id,
                    "form",
                )
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
                "message": self.env._("%s is checked in.", self.display_name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # Kiosk: member card
    # ------------------------------------------------------------------
    @api.model
    def _club_card_code_is_generated_message(self):
        return self.env._(
            "A member's card code is generated: use New Card on the member to "
            "replace it."
        )

    @api.model
    def _club_new_card_codes(self, count):
        """``count`` new random card codes, used by nobody yet."""
        codes = set()
        if count:
            self.flush_model(["club_card_code"])
        while len(codes) < count:
            batch = {
                "".join(
                    secrets.choice(CARD_CODE_ALPHABET) for _i in range(CARD_CODE_LENGTH)
                )
                for _n in range(count - len(codes))
            }
            self.env.cr.execute(
                SQL(
                    "SELECT club_card_code FROM res_partner "
                    "WHERE club_card_code IN %s",
                    tuple(batch),
                )
            )
            codes |= batch - {row[0] for row in self.env.cr.fetchall()}
        return list(codes)

    def _club_assign_card_codes(self):
        """Give these members a new card code each: an old card stops working
        at once. Also the upgrade's generator for members without one."""
        self.flush_recordset(["club_card_code", "write_uid", "write_date"])
        now = fields.Datetime.now()
        for partner_ids in split_every(1000, self.ids):
            codes = self._club_new_card_codes(len(partner_ids))
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner AS p SET club_card_code = v.code, "
                    "write_uid = %s, write_date = %s "
                    "FROM (VALUES %s) AS v(id, code) WHERE p.id = v.id",
                    self.env.uid,
                    now,
                    SQL(", ").join(
                        SQL("(%s, %s)", partner_id, code)
                        for partner_id, code in zip(partner_ids, codes, strict=True)
                    ),
                )
            )
        # The write date changes with the code, so the form's barcode image
        # (cached by write date) changes too.
        self.invalidate_recordset(
            ["club_card_code", "club_card_barcode", "write_uid", "write_date"]
        )
        return True

    @api.depends("club_card_code")
    def _compute_club_card_barcode(self):
        Report = self.env["ir.actions.report"]
        for partner in self:
            code = partner.club_card_code
            try:
                image = code and Report.barcode(
                    "Code128", code, width=600, height=150, humanreadable=1
                )
            except (ValueError, AttributeError):
                image = False  # not drawable: the form shows the code alone
            partner.club_card_barcode = image and base64.b64encode(image)

    def action_club_new_card(self):
        """New Card: the member lost the card (or it was copied); a new code
        makes the old card stop working at the kiosk at once."""
        self._club_check_kiosk_staff()
        if not all(self.mapped("club_member_ref")):
            raise UserError(
                self.env._("Only members (contacts with a member number) have a card.")
            )
        self._club_assign_card_codes()
        for partner in self:
            # Never the code itself: the chatter is read by more people.
            partner._message_log(
                body=self.env._(
                    "New member card issued: the previous card no longer works "
                    "at the kiosk."
                )
            )
        return True

    # ------------------------------------------------------------------
    # Kiosk: PIN and lockout
    # ------------------------------------------------------------------
    def _compute_club_kiosk_pin_set(self):
        stored = self.filtered("id")
        (self - stored).club_kiosk_pin_set = False
        if not stored:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner "
                "WHERE id IN %s AND club_kiosk_pin_hash IS NOT NULL",
                tuple(stored.ids),
            )
        )
        with_pin = {row[0] for row in self.env.cr.fetchall()}
        for partner in stored:
            partner.club_kiosk_pin_set = partner.id in with_pin

    def _compute_club_kiosk_locked_until(self):
        guards = (
            self.env["club.kiosk.guard"]
            .sudo()
            .search(
                [
                    ("scope", "=", "member"),
                    ("partner_id", "in", self.ids),
                    ("locked_until", ">", fields.Datetime.now()),
                ]
            )
        )
        until = {guard.partner_id.id: guard.locked_until for guard in guards}
        for partner in self:
            partner.club_kiosk_locked_until = until.get(partner.id, False)

    # ------------------------------------------------------------------
    # Staff
    # ------------------------------------------------------------------
    def _club_check_kiosk_staff(self):
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(
                self.env._("You are not allowed to manage members' kiosk access.")
            )
        self.check_access("read")

    def _club_set_kiosk_pin(self, pin):
        """Set (or, with ``pin=False``, remove) the members' kiosk PIN. A new PIN
        also lifts a lockout: the member got it from the front desk."""
        self._club_check_kiosk_staff()
        if pin and not is_valid_pin(pin):
            raise UserError(
                self.env._(
                    "A kiosk PIN is made of %(min)s to %(max)s digits.",
                    min=PIN_MIN_DIGITS,
                    max=PIN_MAX_DIGITS,
                )
            )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET club_kiosk_pin_hash = %s WHERE id IN %s",
                KIOSK_PIN_CRYPT.hash(pin) if pin else None,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["club_kiosk_pin_set"])
        self._club_kiosk_guards().action_unlock()
        for partner in self:
            partner._message_log(
                body=self.env._("Kiosk PIN changed.")
                if pin
                else self.env._("Kiosk PIN removed.")
            )
        return True

    def _club_kiosk_guards(self):
        return (
            self.env["club.kiosk.guard"]
            .sudo()
            .search([("scope", "=", "member"), ("partner_id", "in", self.ids)])
        )

    def action_club_unlock_kiosk(self):
        self._club_check_kiosk_staff()
        self._club_kiosk_guards().action_unlock()
        return True

    def action_club_remove_kiosk_pin(self):
        if not self:  # called over RPC without ids: nothing to remove
            return True
        return self._club_set_kiosk_pin(False)

    def action_club_kiosk_pin_wizard(self):
        self.ensure_one()
        self._club_check_kiosk_staff()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Kiosk PIN of %s", self.display_name),
            "res_model": "club.kiosk.pin.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    # ------------------------------------------------------------------
    # Kiosk (called as superuser by club.kiosk)
    # ------------------------------------------------------------------
    def _club_check_kiosk_pin(self, pin):
        """Whether ``pin`` is this member's PIN. Without a member or a PIN it
        still spends the time of a check, so timing tells nothing either."""
        pin_hash = None
        if len(self) == 1:
            self.env.cr.execute(
                SQL(
                    "SELECT club_kiosk_pin_hash FROM res_partner WHERE id = %s", self.id
                )
            )
            pin_hash = self.env.cr.fetchone()[0]
        if not pin_hash:
            KIOSK_PIN_CRYPT.dummy_verify()
            return False
        return KIOSK_PIN_CRYPT.verify(pin, pin_hash)

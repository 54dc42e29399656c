import re

from passlib.context import CryptContext

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

BOOKING_USER_GROUP = "club_session_logoff.group_booking_user"
PIN_PATTERN = re.compile(r"[0-9]{4,8}")
# A PIN is a few digits: what protects it is the kiosk's lockout after a few
# wrong tries, not the hash's cost. The rounds keep a stolen hash from giving
# the PIN away instantly while a kiosk identification stays fast.
PIN_CRYPT = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=20000)


class ResPartner(models.Model):
    _inherit = "res.partner"

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

    def init(self):
        # Like res.users' password: the hash lives in a column that no field
        # exposes, so no read, export or RPC call can ever return it.
        self.env.cr.execute(
            "ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS club_kiosk_pin_hash varchar"
        )
        return super().init()

    def _compute_club_kiosk_pin_set(self):
        stored = self.filtered("id")
        (self - stored).club_kiosk_pin_set = False
        if not stored:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id IN %s AND club_kiosk_pin_hash IS NOT NULL",
                tuple(stored.ids),
            )
        )
        with_pin = {row[0] for row in self.env.cr.fetchall()}
        for partner in stored:
            partner.club_kiosk_pin_set = partner.id in with_pin

    def _compute_club_kiosk_locked_until(self):
        guards = self.env["club.kiosk.guard"].sudo().search(
            [
                ("scope", "=", "member"),
                ("partner_id", "in", self.ids),
                ("locked_until", ">", fields.Datetime.now()),
            ]
        )
        until = {guard.partner_id.id: guard.locked_until for guard in guards}
        for partner in self:
            partner.club_kiosk_locked_until = until.get(partner.id, False)

    # ------------------------------------------------------------------
    # Staff
    # ------------------------------------------------------------------
    def _club_check_kiosk_staff(self):
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(_("You are not allowed to manage members' kiosk access."))
        self.check_access("read")

    def _club_set_kiosk_pin(self, pin):
        """Set (or, with ``pin=False``, remove) the members' kiosk PIN. A new PIN
        also lifts a lockout: the member got it from the front desk."""
        self._club_check_kiosk_staff()
        if pin and (not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin)):
            raise UserError(_("A kiosk PIN is made of 4 to 8 digits."))
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET club_kiosk_pin_hash = %s WHERE id IN %s",
                PIN_CRYPT.hash(pin) if pin else None,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["club_kiosk_pin_set"])
        self._club_kiosk_guards().action_unlock()
        for partner in self:
            partner._message_log(
                body=_("Kiosk PIN changed.") if pin else _("Kiosk PIN removed.")
            )
        return True

    def _club_kiosk_guards(self):
        return self.env["club.kiosk.guard"].sudo().search(
            [("scope", "=", "member"), ("partner_id", "in", self.ids)]
        )

    def action_club_unlock_kiosk(self):
        self._club_check_kiosk_staff()
        self._club_kiosk_guards().action_unlock()
        return True

    def action_club_remove_kiosk_pin(self):
        return self._club_set_kiosk_pin(False)

    def action_club_kiosk_pin_wizard(self):
        self.ensure_one()
        self._club_check_kiosk_staff()
        return {
            "type": "ir.actions.act_window",
            "name": _("Kiosk PIN of %s", self.display_name),
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
                SQL("SELECT club_kiosk_pin_hash FROM res_partner WHERE id = %s", self.id)
            )
            pin_hash = self.env.cr.fetchone()[0]
        if not pin_hash:
            PIN_CRYPT.dummy_verify()
            return False
        return PIN_CRYPT.verify(pin, pin_hash)

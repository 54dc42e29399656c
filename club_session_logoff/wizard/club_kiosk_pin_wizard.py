from odoo import fields, models
from odoo.exceptions import UserError


class ClubKioskPinWizard(models.TransientModel):
    _name = "club.kiosk.pin.wizard"
    _description = "Set a Member's Kiosk PIN"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True
    )
    pin = fields.Char(
        string="New PIN", help="4 to 8 digits, typed by the member at the kiosk."
    )
    pin_confirm = fields.Char(string="Repeat the PIN")

    def action_set_pin(self):
        self.ensure_one()
        if not self.pin or self.pin != self.pin_confirm:
            raise UserError(self.env._("Type the same PIN twice."))
        pin = self.pin
        # Like Odoo's password wizard: the typed PIN does not stay in the
        # wizard's table until the transient records are vacuumed.
        self.write({"pin": False, "pin_confirm": False})
        self.partner_id._club_set_kiosk_pin(pin)
        return {"type": "ir.actions.act_window_close"}

from odoo import models


class PosOrder(models.Model):
    _inherit = "pos.order"

    def _process_saved_order(self, draft):
        # Both the POS sync and the back-office payment wizard come here. The
        # checks run before super(): an error raised there would only be logged
        # and the order would stay paid. The error rolls the whole sync back:
        # nothing of the order is saved.
        if self.state != "cancel":
            self.lines._club_check_booking_lines()
            if not draft:
                self.lines._club_check_credit_lines()
        result = super()._process_saved_order(draft)
        if not draft and self.state in ("paid", "done", "invoiced"):
            # Cashiers have no access to club records; these two methods only
            # act on what the checks above let through.
            lines = self.lines.sudo()
            lines._club_create_credits()
            lines._club_refund_credits()
        return result

    def read_pos_data(self, data, config_id):
        result = super().read_pos_data(data, config_id)
        if config_id:
            result["club.booking"] = self.lines.club_booking_id._pos_read(config_id)
        return result

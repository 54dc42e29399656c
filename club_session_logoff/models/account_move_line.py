from odoo import fields, models
from odoo.exceptions import AccessError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The penalty this line charges (on a penalty invoice) or takes back (on
    # its credit note). The invoicing job and credit notes follow this link,
    # never the line's label: two bookings may read alike.
    club_penalty_id = fields.Many2one(
        "club.penalty",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )

    def write(self, vals):
        # Only the penalty job links a line to its penalty (Odoo's reversal
        # copies it when the credit note is created): nobody relinks one.
        if "club_penalty_id" in vals and not self.env.su:
            if any(line.club_penalty_id.id != vals["club_penalty_id"] for line in self):
                raise AccessError(
                    self.env._(
                        "The penalty an invoice line charges is set when the "
                        "penalty is invoiced; it cannot be changed."
                    )
                )
        return super().write(vals)

    def _copy_data_extend_business_fields(self, values):
        # Odoo's reversal (a credit note) copies the line with its business
        # fields: the credit note's line names the penalty it takes back.
        result = super()._copy_data_extend_business_fields(values)
        values["club_penalty_id"] = self.club_penalty_id.id
        return result

from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging contacts (Contact Creation may merge up to three): the contact
    kept keeps each club's block of the merged ones, so a blocked member is not
    unblocked by merging them into a duplicate."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        # Before Odoo copies the merged contacts' values (which would try to
        # write the current company's block over RPC rules).
        dst_partner._club_merge_blocks(src_partners)
        return super()._update_values(src_partners, dst_partner)

from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def action_club_invite_portal(self):
        """The member form's Invite to Portal button: Odoo's own portal wizard
        (Grant portal access), whose invitation is Odoo's signup mail."""
        return (
            self.env["portal.wizard"]
            .with_context(active_ids=self.ids, active_model="res.partner")
            .action_open_wizard()
        )

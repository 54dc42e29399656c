"""Every club starts with one reminder rule: a day before (club.reminder.rule)."""

from odoo import api, models

from .club_reminder_rule import DEFAULT_HOURS


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._club_init_reminder_rules()
        return companies

    @api.model
    def _club_init_reminder_rules(self):
        """A 24-hour reminder rule for each company of ``self`` (every company
        when empty) that has none, active or not. Install and migration."""
        companies = self or self.sudo().with_context(active_test=False).search(
            [("active", "in", [True, False])]
        )
        Rule = self.env["club.reminder.rule"].sudo().with_context(active_test=False)
        ruled = set(Rule.search([("company_id", "in", companies.ids)]).company_id.ids)
        Rule.create(
            [
                {"company_id": company.id, "hours_before": DEFAULT_HOURS}
                for company in companies
                if company.id not in ruled
            ]
        )
        return True

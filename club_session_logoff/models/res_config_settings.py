from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    club_kiosk_show_bookings = fields.Boolean(
        related="company_id.club_kiosk_show_bookings", readonly=False
    )
    club_kiosk_minutes_before = fields.Integer(
        related="company_id.club_kiosk_minutes_before", readonly=False
    )
    club_kiosk_minutes_after = fields.Integer(
        related="company_id.club_kiosk_minutes_after", readonly=False
    )
    club_kiosk_confirm_mode = fields.Selection(
        related="company_id.club_kiosk_confirm_mode", readonly=False
    )
    club_kiosk_auto_log = fields.Boolean(
        related="company_id.club_kiosk_auto_log", readonly=False
    )
    club_kiosk_log_before_redirect = fields.Boolean(
        related="company_id.club_kiosk_log_before_redirect", readonly=False
    )
    club_kiosk_url = fields.Char(related="company_id.club_kiosk_url")
    club_unlogged_action = fields.Selection(
        related="company_id.club_unlogged_action", readonly=False
    )
    club_unlogged_days = fields.Integer(
        related="company_id.club_unlogged_days", readonly=False
    )
    club_credit_cleanup = fields.Boolean(
        related="company_id.club_credit_cleanup", readonly=False
    )
    club_credit_cleanup_future = fields.Boolean(
        related="company_id.club_credit_cleanup_future", readonly=False
    )
    club_strike_count = fields.Integer(
        related="company_id.club_strike_count", readonly=False
    )
    club_strike_days = fields.Integer(
        related="company_id.club_strike_days", readonly=False
    )
    club_strike_block_days = fields.Integer(
        related="company_id.club_strike_block_days", readonly=False
    )
    club_tz = fields.Selection(related="company_id.club_tz", readonly=False)
    club_unlogged_last_run = fields.Datetime(
        related="company_id.club_unlogged_last_run"
    )
    club_unlogged_last_summary = fields.Char(
        related="company_id.club_unlogged_last_summary"
    )

    club_penalty_product_id = fields.Many2one(
        related="company_id.club_penalty_product_id",
        readonly=False,
        domain="[('sale_ok', '=', True), ('company_id', 'in', (False, company_id))]",
    )
    club_penalty_grace_hours = fields.Integer(
        related="company_id.club_penalty_grace_hours", readonly=False
    )
    club_forgive_count = fields.Integer(
        related="company_id.club_forgive_count", readonly=False
    )
    club_forgive_days = fields.Integer(
        related="company_id.club_forgive_days", readonly=False
    )
    club_risk_min_visits = fields.Integer(
        related="company_id.club_risk_min_visits", readonly=False
    )
    club_risk_regular_days = fields.Integer(
        related="company_id.club_risk_regular_days", readonly=False
    )
    club_risk_absent_days = fields.Integer(
        related="company_id.club_risk_absent_days", readonly=False
    )

    def action_club_run_unlogged(self):
        """Settings > Club > Unlogged Bookings > Run Now."""
        self.ensure_one()
        return self.company_id.action_club_run_unlogged()

    def action_club_regenerate_kiosk_token(self):
        return self.company_id.action_club_regenerate_kiosk_token()

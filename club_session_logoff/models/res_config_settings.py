from odoo import _, api, fields, models
from odoo.exceptions import AccessError


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
    club_company_tz = fields.Selection(
        related="company_id.partner_id.tz",
        readonly=False,
        string="Club Time Zone",
        help="Days are counted in this time zone (the company address's). Empty: "
        "the time zone of the company's first user who set one, else UTC.",
    )
    club_unlogged_tz_name = fields.Char(
        compute="_compute_club_unlogged_tz_name", string="Days Counted In"
    )
    club_unlogged_last_run = fields.Datetime(related="company_id.club_unlogged_last_run")
    club_unlogged_last_summary = fields.Char(
        related="company_id.club_unlogged_last_summary"
    )

    @api.depends("company_id", "club_company_tz")
    def _compute_club_unlogged_tz_name(self):
        for settings in self:
            settings.club_unlogged_tz_name = (
                settings.club_company_tz or settings.company_id._club_tz_fallback()
            )

    def action_club_run_unlogged(self):
        """Settings > Club > Unlogged Bookings > Run Now: the scheduled action's
        work for this company, now, with a summary of what it did."""
        self.ensure_one()
        if not self.env.user.has_group("club_session_logoff.group_club_manager"):
            raise AccessError(_("Only a club manager can run the unlogged bookings job."))
        summary = self.env["club.booking"]._club_process_unlogged(self.company_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Unlogged bookings processed"),
                "message": self.company_id.club_unlogged_last_summary,
                "type": "warning" if summary["remaining"] else "success",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

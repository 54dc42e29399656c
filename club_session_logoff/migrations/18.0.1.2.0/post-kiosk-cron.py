"""The scheduled action that logs kiosk-confirmed bookings at their start now
runs on club.kiosk, which holds the kiosk's rules. Its record is noupdate (a
club may change its interval), so the upgrade does not rewrite it: do it here."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "club_session_logoff.ir_cron_kiosk_log_at_start", raise_if_not_found=False
    )
    if cron:
        cron.write(
            {
                "model_id": env["ir.model"]._get_id("club.kiosk"),
                "code": "model._cron_log_at_start()",
            }
        )

"""One record rule, on the booking's stored log-off permission, replaces the
four per-category write rules (they are noupdate: remove them here)."""

from odoo import SUPERUSER_ID, api

OLD_RULES = [
    "club_booking_rule_write_class_session",
    "club_booking_rule_write_service_session",
    "club_booking_rule_write_class_consult",
    "club_booking_rule_write_service_consult",
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for name in OLD_RULES:
        rule = env.ref(f"club_session_logoff.{name}", raise_if_not_found=False)
        if rule:
            rule.unlink()

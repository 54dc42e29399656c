"""Members from before card codes get theirs: the code printed on the card that
identifies them at the kiosk (a member number now needs the PIN)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    members = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("club_member_ref", "!=", False), ("club_card_code", "=", False)])
    )
    members._club_assign_card_codes()

"""Bookings store their log-off permission (``log_group_id``, from the category).

Filled here in one UPDATE, so that the upgrade does not compute it in Python
for every booking of the club's history (the category -> group rule:
tools/groups.py)."""

from odoo.addons.club_session_logoff.tools.groups import log_group_update_sql


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE club_booking ADD COLUMN IF NOT EXISTS log_group_id int4")
    cr.execute(log_group_update_sql())

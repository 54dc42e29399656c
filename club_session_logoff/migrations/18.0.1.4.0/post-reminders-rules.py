"""Reminders (club.reminder.rule): each club of an upgraded database starts, as a
new one does, with one rule a day before its bookings. Companies that have a rule
already keep theirs."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].browse()._club_init_reminder_rules()

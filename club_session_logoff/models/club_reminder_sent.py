"""One row per booking and reminder rule once its reminder is queued: what makes a
reminder go out once. The scheduled action inserts the row (``INSERT ... ON
CONFLICT DO NOTHING``) in the same transaction as the mail it queues, so two runs
at once, or a run after a crash, never queue the same reminder twice."""

from odoo import fields, models


class ClubReminderSent(models.Model):
    _name = "club.reminder.sent"
    _description = "Booking Reminder Sent"
    _order = "id desc"
    _log_access = False

    booking_id = fields.Many2one(
        "club.booking", required=True, ondelete="cascade", readonly=True
    )
    rule_id = fields.Many2one(
        "club.reminder.rule", required=True, ondelete="cascade", readonly=True
    )
    sent_at = fields.Datetime(string="Queued At", readonly=True)
    mailed = fields.Boolean(
        readonly=True,
        help="A mail was queued. Not when the member has no e-mail address, or "
        "when a later rule's reminder of the same booking was due at the same "
        "time (only that one is sent).",
    )

    _sql_constraints = [
        (
            "booking_rule_unique",
            "UNIQUE(booking_id, rule_id)",
            "A booking gets one reminder per rule.",
        ),
    ]

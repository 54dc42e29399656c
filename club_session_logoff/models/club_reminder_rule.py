"""When members are reminded of their bookings: each rule of a club mails every
member with a booked session that many hours before its start (the scheduled
action ``ir_cron_club_reminders``, ``club.reminder.job``)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

HOURS_MIN = 1
HOURS_MAX = 336  # two weeks
DEFAULT_HOURS = 24
REMINDERS_CRON = "club_session_logoff.ir_cron_club_reminders"


class ClubReminderRule(models.Model):
    _name = "club.reminder.rule"
    _description = "Booking Reminder Rule"
    _order = "company_id, hours_before desc, id"

    hours_before = fields.Integer(
        required=True,
        default=DEFAULT_HOURS,
        help="The member is e-mailed this many hours before the booking starts "
        "(1 to 336). A booking made after that moment gets no reminder of this "
        "rule.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Club",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)

    @api.depends("hours_before")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = self.env._(
                "%(hours)s hours before", hours=rule.hours_before
            )

    @api.constrains("hours_before")
    def _check_hours_before(self):
        for rule in self:
            if not HOURS_MIN <= rule.hours_before <= HOURS_MAX:
                raise ValidationError(
                    self.env._(
                        "A reminder is sent %(min)s to %(max)s hours before the "
                        "booking, not %(hours)s.",
                        min=HOURS_MIN,
                        max=HOURS_MAX,
                        hours=rule.hours_before,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self._wake_reminders()
        return rules

    def write(self, vals):
        result = super().write(vals)
        if {"hours_before", "active", "company_id"} & vals.keys():
            self._wake_reminders()
        return result

    @api.model
    def _wake_reminders(self):
        """A new or changed rule: the scheduled action runs soon, sends what is
        due and plans its next run from the rules as they are now."""
        cron = self.env.ref(REMINDERS_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _delta(self):
        self.ensure_one()
        return timedelta(hours=self.hours_before)

    @api.model
    def _cron_send_reminders(self):
        """Scheduled action ``ir_cron_club_reminders``: mail the reminders due
        (see ``club.reminder.job``)."""
        self.env["club.reminder.job"]._run_cron()
        return True

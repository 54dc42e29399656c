from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..models.club_session import CAPACITY_MAX, capacity_in_bounds
from ..tools.groups import BOOKING_USER_GROUP

# The wizard's weekday fields, in Python's order (date.weekday(): Monday is 0).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead one timetable reaches.
MAX_SPAN_YEARS = 2
# Sessions created per create() call: a year of a daily class is a few batches,
# each one INSERT and one pass of the computes.
BATCH_SIZE = 1000


class ClubSessionScheduleWizard(models.TransientModel):
    """Schedule Sessions (on an offering): the sessions of a weekly pattern."""

    _name = "club.session.schedule.wizard"
    _description = "Schedule Sessions"

    offering_id = fields.Many2one("club.offering", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="offering_id.company_id")
    mon = fields.Boolean(string="Monday")
    tue = fields.Boolean(string="Tuesday")
    wed = fields.Boolean(string="Wednesday")
    thu = fields.Boolean(string="Thursday")
    fri = fields.Boolean(string="Friday")
    sat = fields.Boolean(string="Saturday")
    sun = fields.Boolean(string="Sunday")
    time_of_day = fields.Float(
        string="Time",
        required=True,
        help="When the sessions start, in the club's time zone.",
    )
    tz = fields.Char(
        string="Time Zone",
        compute="_compute_tz",
        help="The club's time zone, which the time is in.",
    )
    trainer_id = fields.Many2one(
        "res.users",
        compute="_compute_from_offering",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    capacity = fields.Integer(
        compute="_compute_from_offering",
        store=True,
        readonly=False,
        help="Seats of each session; 0: no limit.",
    )
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=3),
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_capacity_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_capacity_value(vals)
        return super().write(vals)

    @api.model
    def _check_capacity_value(self, vals):
        # Before the SQL: a number too large for the column fails there.
        if "capacity" in vals and not capacity_in_bounds(vals["capacity"]):
            raise ValidationError(
                self.env._(
                    "The capacity is a number of seats between 0 and %s (0: no "
                    "limit).",
                    CAPACITY_MAX,
                )
            )

    @api.depends("offering_id")
    def _compute_from_offering(self):
        for wizard in self:
            wizard.trainer_id = wizard.offering_id.default_trainer_id
            wizard.capacity = wizard.offering_id.default_capacity

    @api.depends("company_id")
    def _compute_tz(self):
        for wizard in self:
            company = wizard.company_id or self.env.company
            wizard.tz = company._club_tz().zone

    def _pattern_errors(self):
        """What is wrong with the pattern, as messages for the user."""
        self.ensure_one()
        errors = []
        if not self.offering_id.active:
            errors.append(
                self.env._(
                    "%s is archived: restore it before scheduling its sessions.",
                    self.offering_id.name,
                )
            )
        if not any(self[name] for name in WEEKDAYS):
            errors.append(self.env._("Pick at least one day of the week."))
        if not 0 <= round(self.time_of_day * 60) < 24 * 60:
            errors.append(
                self.env._("The time must be within the day, from 00:00 to 23:59.")
            )
        if not capacity_in_bounds(self.capacity):
            errors.append(
                self.env._(
                    "The capacity is a number of seats between 0 and %s (0: no "
                    "limit).",
                    CAPACITY_MAX,
                )
            )
        if self.date_from > self.date_to:
            errors.append(self.env._("The first day must not be after the last one."))
        elif self.date_to >= self.date_from + relativedelta(years=MAX_SPAN_YEARS):
            errors.append(
                self.env._(
                    "A timetable covers at most %s years: schedule the rest later.",
                    MAX_SPAN_YEARS,
                )
            )
        return errors

    def _starts(self):
        """The pattern's starts, as naive UTC datetimes, in order: the time of
        day on each chosen weekday, in the club's time zone (so 07:00 stays
        07:00 across daylight-saving changes)."""
        self.ensure_one()
        tz = pytz.timezone(self.tz)
        hours, minutes = divmod(round(self.time_of_day * 60), 60)
        at = time(hours, minutes)
        weekdays = {index for index, name in enumerate(WEEKDAYS) if self[name]}
        starts = []
        day = self.date_from
        while day <= self.date_to:
            if day.weekday() in weekdays:
                local = tz.localize(datetime.combine(day, at))
                starts.append(local.astimezone(pytz.utc).replace(tzinfo=None))
            day += timedelta(days=1)
        return starts

    def _schedule(self):
        """Create the pattern's sessions, skipping those that exist already
        (same offering and start, whatever their state: a session the club
        cancelled is not scheduled again).

        :return: ``(sessions created, number skipped)``
        """
        self.ensure_one()
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to schedule sessions."))
        errors = self._pattern_errors()
        if errors:
            raise ValidationError("\n".join(errors))
        starts = self._starts()
        Session = self.env["club.session"]
        # One query for what exists already.
        existing = set(
            Session.search_fetch(
                [("offering_id", "=", self.offering_id.id), ("start", "in", starts)],
                ["start"],
            ).mapped("start")
        )
        values = [
            {
                "offering_id": self.offering_id.id,
                "start": start,
                "trainer_id": self.trainer_id.id,
                "capacity": self.capacity,
            }
            for start in starts
            if start not in existing
        ]
        # A timetable is hundreds of sessions at once: no "created" line and no
        # follower in each one's chatter (their changes are tracked afterwards).
        Session = Session.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        )
        sessions = Session.browse()
        for index in range(0, len(values), BATCH_SIZE):
            sessions |= Session.create(values[index : index + BATCH_SIZE])
        return sessions.with_env(self.env), len(starts) - len(values)

    def action_schedule(self):
        """The wizard's button: schedule, then say how many sessions were
        created and how many skipped."""
        sessions, skipped = self._schedule()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Schedule Sessions"),
                "message": self.env._(
                    "%(offering)s: %(created)s sessions created, %(skipped)s skipped "
                    "(already scheduled).",
                    offering=self.offering_id.name,
                    created=len(sessions),
                    skipped=skipped,
                ),
                "type": "success" if sessions else "warning",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

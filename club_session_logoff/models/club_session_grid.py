"""Bookings > Grid View, the day grid: what one day of the club looks like, by
trainer, in one server call (the client action ``club_session_day_grid``)."""

import contextlib
import re
import reprlib
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate

from .club_booking_outcomes import OUTCOME_BY_STATE

_lt = LazyTranslate(__name__)
# The labels below are lazy translations (no environment at import time); the
# method translates them with self.env._(label).
# pylint: disable=prefer-env-translation

# What a tile of the grid says about its session or booking: its label in the
# legend and the Bootstrap classes that colour it. In the order of the legend.
GRID_STATUSES = {
    "open": (
        _lt("Seats open"),
        "border-success bg-success-subtle text-success-emphasis",
    ),
    "full": (_lt("Full"), "border-warning bg-warning-subtle text-warning-emphasis"),
    "booked": (_lt("Booked"), "border-info bg-info-subtle text-info-emphasis"),
    "to_log": (_lt("To log"), "border-danger bg-danger-subtle text-danger-emphasis"),
    "logged": (
        _lt("Logged"),
        "border-secondary bg-secondary-subtle text-secondary-emphasis",
    ),
    "cancelled": (
        _lt("Cancelled"),
        "border-secondary-subtle bg-body-tertiary text-body-tertiary "
        "text-decoration-line-through",
    ),
}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_MINUTES = 24 * 60
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers


class ClubSession(models.Model):
    _inherit = "club.session"

    @api.model
    def get_grid_data(self, day, offering_ids=None, trainer_ids=None):
        """One day of the club for the day grid, as the calling user sees it
        (access rights and record rules apply).

        :param str day: the day, ``YYYY-MM-DD``, in the club's time zone
        :param list offering_ids: only the sessions and bookings of these
            offerings (ids); none or empty: every offering
        :param list trainer_ids: only those of these trainers (res.users ids);
            none or empty: every trainer
        :return: a dict of plain values (JSON and XML-RPC safe, no ``None``):
            ``day``, ``tz`` (the club's), ``today`` (the club's today,
            ``YYYY-MM-DD``), ``now_minutes`` (the time of day now when ``day``
            is today, else False), ``trainers`` (the columns: id, name; sessions
            and bookings without trainer have ``trainer_id`` False),
            ``sessions``, ``bookings`` (the bookings without session), the
            filters' choices ``offering_choices`` and ``trainer_choices``
            (what the day has, unfiltered, and what is selected), and
            ``statuses`` (the legend: key, label, color_class). Times are
            given as UTC strings (``start``, ``stop``) and, for the layout, as
            ``time`` ("07:00") and minutes since the local midnight
            (``start_minutes``, ``stop_minutes``, at most 1440).
        """
        Booking = self.env["club.booking"]
        # A clear refusal for those who may not see sessions or bookings at all,
        # before anything else. Members (portal users) read their club's
        # timetable in the member portal, not the staff's grid.
        if self.env.user.share and not self.env.su:
            raise AccessError(self.env._("The day grid is for the club's staff."))
        self.check_access("read")
        Booking.check_access("read")
        day = self._grid_day(day)
        offering_ids = self._grid_ids(offering_ids, self.env._("Offerings"))
        trainer_ids = self._grid_ids(trainer_ids, self.env._("Trainers"))

        tz = self._grid_tz()
        start, stop = (
            tz.localize(datetime.combine(moment, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
            for moment in (day, day + timedelta(days=1))
        )
        day_domain = [("start", ">=", start), ("start", "<", stop)]
        lone_domain = [*day_domain, ("session_id", "=", False)]
        filters = []
        if offering_ids:
            filters.append(("offering_id", "in", offering_ids))
        if trainer_ids:
            filters.append(("trainer_id", "in", trainer_ids))

        sessions = self.search_fetch(
            day_domain + filters,
            [
                "name",
                "offering_id",
                "trainer_id",
                "start",
                "stop",
                "capacity",
                "seats_taken",
                "seats_available",
                "waitlist_count",
                "state",
            ],
            order="start, id",
        )
        bookings = Booking.search_fetch(
            lone_domain + filters,
            ["name", "partner_id", "offering_id", "trainer_id", "start", "stop"]
            + ["state"],
            order="start, id",
        )
        # Started sessions with bookings still booked are the ones to log.
        to_log = {
            session.id
            for [session] in Booking._read_group(
                [("session_id", "in", sessions.ids), ("state", "=", "booked")],
                ["session_id"],
            )
        }
        # The filters offer what the day has (whatever is filtered), and keep
        # what is selected (as far as the user may see it).
        offerings = self.env["club.offering"]
        if offering_ids:
            offerings = offerings.search([("id", "in", offering_ids)])
        selected_trainers = self.env["res.users"]
        if trainer_ids:
            selected_trainers = selected_trainers.search([("id", "in", trainer_ids)])
        trainers = selected_trainers
        for model, domain in ((self, day_domain), (Booking, lone_domain)):
            for offering, trainer in model._read_group(
                domain, ["offering_id", "trainer_id"]
            ):
                offerings |= offering
                trainers |= trainer
        # A filtered trainer with nothing that day still has a column.
        columns = sessions.trainer_id | bookings.trainer_id | selected_trainers

        now = fields.Datetime.now()
        local_now = pytz.utc.localize(now).astimezone(tz)
        return {
            "day": day.isoformat(),
            "tz": tz.zone,
            "today": local_now.date().isoformat(),
            "now_minutes": (
                local_now.hour * 60 + local_now.minute
                if local_now.date() == day
                else False
            ),
            "trainers": self._grid_choices(columns),
            "sessions": [
                {
                    "id": session.id,
                    "name": session.display_name,
                    "offering": session.offering_id.display_name,
                    "offering_id": session.offering_id.id,
                    "trainer_id": session.trainer_id.id,
                    "capacity": session.capacity,
                    "seats_taken": session.seats_taken,
                    "seats_available": session.seats_available,
                    "waitlist_count": session.waitlist_count,
                    "state": session.state,
                    **self._grid_times(session, day, tz),
                    **self._grid_status(
                        session._grid_session_status(now, session.id in to_log)
                    ),
                }
                for session in sessions
            ],
            "bookings": [
                {
                    "id": booking.id,
                    "name": booking.name,
                    "member": booking.partner_id.name,
                    "offering": booking.offering_id.display_name,
                    "offering_id": booking.offering_id.id,
                    "trainer_id": booking.trainer_id.id,
                    "state": booking.state,
                    **self._grid_times(booking, day, tz),
                    **self._grid_status(self._grid_booking_status(booking, now)),
                }
                for booking in bookings
            ],
            "offering_choices": self._grid_choices(offerings),
            "trainer_choices": self._grid_choices(trainers),
            "statuses": [
                {"key": key, **self._grid_status(key)} for key in GRID_STATUSES
            ],
        }

    def _grid_session_status(self, now, has_booked):
        """The tile's status (a key of GRID_STATUSES) of this session at
        ``now``; ``has_booked``: some booking of it is still booked."""
        self.ensure_one()
        if self.state == "cancelled":
            return "cancelled"
        if self.start <= now:
            # Started: to log while a booking is still booked; else there is
            # nothing left to log.
            return "to_log" if has_booked else "logged"
        if self.state == "done":
            # Nothing to come (its bookings late-cancelled, say) before it starts.
            return "logged"
        if self._is_full():
            return "full"
        return "open"

    @api.model
    def _grid_booking_status(self, booking, now):
        """The tile's status of a booking without session (one-to-one)."""
        if booking.state == "booked":
            return "to_log" if booking.start <= now else "booked"
        if OUTCOME_BY_STATE[booking.state].is_logged:
            # A late cancel is logged (its credit lost), not a cancelled tile.
            return "logged"
        return "cancelled"

    @api.model
    def _grid_status(self, key):
        label, color_class = GRID_STATUSES[key]
        return {
            "status": key,
            "status_label": self.env._(label),
            "color_class": color_class,
        }

    @api.model
    def _grid_times(self, record, day, tz):
        """Where a session or booking sits in the day: local time of day and
        minutes since midnight (a tile that goes past midnight ends there)."""
        start = pytz.utc.localize(record.start).astimezone(tz)
        stop = pytz.utc.localize(record.stop).astimezone(tz)
        return {
            "start": fields.Datetime.to_string(record.start),
            "stop": fields.Datetime.to_string(record.stop),
            "time": start.strftime("%H:%M"),
            "start_minutes": start.hour * 60 + start.minute,
            "stop_minutes": (
                stop.hour * 60 + stop.minute if stop.date() == day else DAY_MINUTES
            ),
        }

    @api.model
    def _grid_choices(self, records):
        """Records as a filter's choices or the columns: id and name, by name."""
        return [
            {"id": record.id, "name": record.display_name}
            for record in records.sorted(lambda r: (r.display_name or "", r.id))
        ]

    def _grid_day(self, day):
        """The day asked for, from its ISO form (YYYY-MM-DD)."""
        parsed = None
        if isinstance(day, str) and ISO_DAY.fullmatch(day):
            with contextlib.suppress(ValueError):  # e.g. 2026-02-30
                parsed = date.fromisoformat(day)
        if parsed:
            return parsed
        raise UserError(
            self.env._(
                "The grid shows a day given as YYYY-MM-DD (e.g. 2026-11-27), not %s.",
                reprlib.repr(day),
            )
        )

    def _grid_ids(self, ids, what):
        """A filter's ids: none, or a list of record ids (positive integers)."""
        if ids is None or ids is False:
            return []
        if isinstance(ids, list | tuple) and all(
            isinstance(id_, int) and not isinstance(id_, bool) and 0 < id_ <= MAX_ID
            for id_ in ids
        ):
            return list(dict.fromkeys(ids))
        raise UserError(
            self.env._(
                "%(what)s: a list of record ids (positive whole numbers) is "
                "expected, not %(value)s.",
                what=what,
                value=reprlib.repr(ids),
            )
        )

    def _grid_tz(self):
        """The club's time zone (res.company._club_tz), whoever looks at it and
        from wherever: the grid shows the club's day as the front desk lives
        it."""
        return self.env.company._club_tz()

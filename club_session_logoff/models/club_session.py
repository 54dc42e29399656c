from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

# What a session's bookings take from it; read-only on a booking of a session.
SESSION_FIELDS = {"offering_id", "start", "stop", "trainer_id"}
# Bookings that hold a seat (waitlisted, cancelled ones hold none).
SEAT_STATES = ("booked", "completed", "no_show")
# Bookings of a session still to be decided.
OPEN_STATES = {"booked", "waitlisted"}


class ClubSession(models.Model):
    """One class (or one-to-one session) at one time: its trainer, its seats and
    its members' bookings. Front desks call it by what it is: "Spinning · Mon
    07:00 · Marco"."""

    _name = "club.session"
    _description = "Club Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    offering_id = fields.Many2one(
        "club.offering", required=True, index=True, tracking=True, check_company=True
    )
    offering_type = fields.Selection(related="offering_id.offering_type")
    start = fields.Datetime(required=True, index=True, tracking=True)
    stop = fields.Datetime(
        required=True,
        compute="_compute_stop",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    trainer_id = fields.Many2one(
        "res.users",
        compute="_compute_from_offering",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    capacity = fields.Integer(
        compute="_compute_from_offering",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Seats of the session; 0: no limit.",
    )
    booking_ids = fields.One2many("club.booking", "session_id", string="Bookings")
    seats_taken = fields.Integer(
        compute="_compute_seats",
        store=True,
        help="Bookings holding a seat: booked, completed or no-show.",
    )
    seats_available = fields.Integer(
        compute="_compute_seats",
        store=True,
        help="Seats left; stays 0 for a session without a limit.",
    )
    waitlist_count = fields.Integer(compute="_compute_seats", store=True)
    state = fields.Selection(
        [("scheduled", "Scheduled"), ("done", "Done"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        store=True,
        readonly=True,
        index=True,
        tracking=True,
        help="Scheduled: bookings may still come, or wait to be logged.\n"
        "Done: it took place and every booking of it is logged.\n"
        "Cancelled: the club cancelled it; its bookings were cancelled.",
    )
    is_cancelled = fields.Boolean(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company",
        related="offering_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )
    color = fields.Integer(related="offering_id.color")

    _sql_constraints = [
        (
            "stop_after_start",
            "CHECK(stop > start)",
            "A session must end after it starts.",
        ),
        (
            "capacity_positive",
            "CHECK(capacity >= 0)",
            "A session's capacity is a number of seats (0: no limit).",
        ),
    ]

    @api.depends("offering_id", "start", "trainer_id")
    @api.depends_context("tz", "lang")
    def _compute_name(self):
        for session in self:
            parts = [session.offering_id.name or ""]
            if session.start:
                parts.append(
                    format_datetime(self.env, session.start, dt_format="EEE HH:mm")
                )
            if session.trainer_id:
                parts.append(session.trainer_id.name)
            session.name = " · ".join(part for part in parts if part)

    @api.depends("start", "offering_id")
    def _compute_stop(self):
        for session in self:
            if session.start:
                session.stop = session.offering_id._end_of(session.start)

    @api.depends("offering_id")
    def _compute_from_offering(self):
        for session in self:
            session.trainer_id = session.offering_id.default_trainer_id
            session.capacity = session.offering_id.default_capacity

    @api.depends("capacity", "booking_ids.state")
    def _compute_seats(self):
        counts = {}
        if self.ids:
            self.env["club.booking"].flush_model(["session_id", "state"])
            groups = self.env["club.booking"]._read_group(
                [("session_id", "in", self.ids)], ["session_id", "state"], ["__count"]
            )
            for session, state, count in groups:
                counts[session.id, state] = count
        for session in self:
            taken = sum(counts.get((session.id, s), 0) for s in SEAT_STATES)
            session.seats_taken = taken
            session.seats_available = (
                max(session.capacity - taken, 0) if session.capacity else 0
            )
            session.waitlist_count = counts.get((session.id, "waitlisted"), 0)

    @api.depends("is_cancelled", "booking_ids.state")
    def _compute_state(self):
        for session in self:
            states = set(session.booking_ids.mapped("state"))
            if session.is_cancelled:
                session.state = "cancelled"
            elif states & {"completed", "no_show"} and not states & OPEN_STATES:
                # It took place (someone's outcome is logged) and nothing of
                # it is left to log.
                session.state = "done"
            else:
                session.state = "scheduled"

    @api.constrains("capacity")
    def _check_capacity(self):
        for session in self:
            if session.capacity < 0:
                raise ValidationError(
                    self.env._(
                        "%(session)s: a capacity is a number of seats (0: no limit).",
                        session=session.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        result = super().write(vals)
        moved = [name for name in sorted(SESSION_FIELDS) if name in vals]
        if moved:
            self._sync_bookings(moved)
        return result

    def _sync_bookings(self, names):
        """The open bookings follow their session (offering, times, trainer),
        with a chatter line; logged ones are the club's history."""
        for session in self:
            bookings = session.booking_ids.filtered(lambda b: b.state in OPEN_STATES)
            values = session._booking_values(names)
            changed = bookings.filtered(
                lambda b, session=session: any(
                    b[name] != session[name] for name in names
                )
            )
            if not changed:
                continue
            changed.with_context(club_session_sync=True).write(values)
            changed._message_log_batch(
                bodies=dict.fromkeys(
                    changed.ids,
                    self.env._("Moved with its session: %s.", session.display_name),
                )
            )

    def _booking_values(self, names=None):
        """What the session gives its bookings, as values to write."""
        self.ensure_one()
        names = names or sorted(SESSION_FIELDS)
        return {
            name: self[name].id if name in ("offering_id", "trainer_id") else self[name]
            for name in names
        }

    # ------------------------------------------------------------------
    # The roster and its log-off (Log Roster)
    # ------------------------------------------------------------------
    # The roster (the session form) lists the seats, the waitlist apart, in the
    # order the members asked for a seat.
    roster_booking_ids = fields.One2many(
        "club.booking",
        "session_id",
        string="Roster",
        domain=[("state", "!=", "waitlisted")],
    )
    waitlist_booking_ids = fields.One2many(
        "club.booking",
        "session_id",
        string="Waitlist",
        domain=[("state", "=", "waitlisted")],
    )
    to_log_count = fields.Integer(
        string="To Log",
        compute="_compute_to_log_count",
        help="Bookings of the session that started and are still booked: what Log "
        "Roster logs.",
    )

    @api.depends("booking_ids.state", "start")
    def _compute_to_log_count(self):
        counts = {}
        if self.ids:
            groups = self.env["club.booking"]._read_group(
                [("session_id", "in", self.ids), ("to_log", "=", True)],
                ["session_id"],
                ["__count"],
            )
            counts = {session.id: count for session, count in groups}
        for session in self:
            session.to_log_count = counts.get(session.id, 0)

    def _roster_bookings(self):
        """The bookings Log Roster logs: started and still booked. Raises,
        changing nothing, what ``log_booking`` refuses: a session not started
        yet (or of a club the user does not work for), a category the user may
        not log."""
        self.check_access("read")
        now = fields.Datetime.now()
        future = self.filtered(lambda s: s.start > now)
        if future:
            raise UserError(
                self.env._(
                    "A session is logged once it has started; not started yet: %s.",
                    ", ".join(future[:10].mapped("display_name")),
                )
            )
        bookings = self.booking_ids.filtered(
            lambda b: b.state == "booked" and b.start <= now
        )
        bookings._check_log_rights()
        return bookings

    @api.model
    def _roster_evidence(self, bookings):
        """``bookings`` split by the evidence of attendance: ``(completed,
        no_show)``; checked in within the booking's window or confirmed at the
        kiosk is completed."""
        completed = bookings.filtered(lambda b: b.checked_in or b.kiosk_confirmed)
        return completed, bookings - completed

    def log_roster(self, note=None):
        """Log every started, still booked booking of the sessions by the
        current user, through the one log-off path: completed when the member
        checked in within the booking's window or confirmed it at the kiosk,
        no-show otherwise. All of them or none: a refusal changes nothing."""
        if note is not None and not isinstance(note, str):
            raise UserError(self.env._("The note of a log-off must be text."))
        if not self:  # called over RPC without ids: nothing to do
            return True
        # Lock the rows, then decide on what they are now: the kiosk may have
        # logged one, or the member checked in, meanwhile. Every check is made
        # before the first booking is logged: nothing is logged half-way.
        self._roster_bookings()._lock_rows()
        completed, no_show = self._roster_evidence(self._roster_bookings())
        user = self.env.user
        for state, bookings in (("completed", completed), ("no_show", no_show)):
            if bookings:
                bookings.sudo()._apply_outcome(
                    state, note=note, source="staff", user=user
                )
        return True

    def action_log_roster(self):
        """The roster's Log Roster button: a confirmation that says how many
        bookings will be completed and how many no-show."""
        if not self._roster_bookings():
            raise UserError(
                self.env._(
                    "Nothing to log: every booking of %s is logged or cancelled "
                    "already.",
                    ", ".join(self[:10].mapped("display_name")),
                )
            )
        wizard = self.env["club.session.log.roster.wizard"].create(
            {"session_ids": [Command.set(self.ids)]}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Roster"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv.expression import NEGATIVE_TERM_OPERATORS, TERM_OPERATORS_NEGATION
from odoo.tools import SQL, format_datetime

from ..tools.groups import BOOKING_USER_GROUP
from .club_booking_outcomes import OPEN_STATES, SEAT_STATES, TOOK_PLACE_STATES

# What a session's bookings take from it; read-only on a booking of a session.
SESSION_FIELDS = {"offering_id", "start", "stop", "trainer_id"}
# Bookings that make their member one of the session's: the ones holding a seat
# (booked, completed, no-show) and the waitlisted ones; a cancelled one does not.
MEMBER_STATES = OPEN_STATES | set(SEAT_STATES)
# A session's seats: 0 (no limit) to this many (the column is a 32-bit integer).
CAPACITY_MAX = 10_000


def capacity_in_bounds(value):
    """Whether ``value``, as written, is a capacity: checked before any SQL (a
    number too large for the column fails in the database)."""
    if value is False or value is None:
        return True  # no limit
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 0 <= value <= CAPACITY_MAX
    )


class SeatTaken(Exception):
    """A booking made without the session's lock took a seat that another
    booking took meanwhile (``club.session._seat_after_lock``): not a refusal,
    the booking is made again, locked first."""


# The session's stored seat counts (one compute: _compute_seats).
SEAT_COUNT_FIELDS = ("seats_taken", "seats_available", "waitlist_count")
CLOSE_WAITLISTS_CRON = "club_session_logoff.ir_cron_club_close_waitlists"
WAITLIST_PROMOTED_TEMPLATE = "club_session_logoff.mail_template_club_waitlist_promoted"
SESSION_CANCELLED_TEMPLATE = "club_session_logoff.mail_template_club_session_cancelled"


class ClubSession(models.Model):
    """One class (or one-to-one session) at one time: its trainer, its seats and
    its members' bookings. Front desks call it by what it is: "Spinning · Mon
    07:00 · Marco"."""

    _name = "club.session"
    _description = "Club Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"
    _check_company_auto = True

    # Not stored: computed when read, in the reader's language (the weekday, the
    # offering's name); searched on the offering's and the trainer's names.
    name = fields.Char(compute="_compute_name", search="_search_name")
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
        help="Bookings holding a seat: booked, completed or no-show, and the "
        "seats offered to waitlisted members (held until the offer lapses).",
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

    @api.depends(
        "offering_id.name",
        "start",
        "trainer_id.name",
        "company_id",
        "company_id.partner_id.tz",
    )
    @api.depends_context("lang")
    def _compute_name(self):
        # The club's own wall-clock time (its time zone) as the front desk says
        # it, in the reader's language: "Spinning · Mon 07:00 · Marco", "Spinning
        # · lun. 07:00 · Marco". Names only are read as superuser (a member reads
        # the sessions of the portal's timetable).
        for session in self:
            sudo_session = session.sudo()
            parts = [sudo_session.offering_id.name or ""]
            if session.start:
                tz = (session.company_id or self.env.company)._club_tz().zone
                parts.append(
                    format_datetime(
                        self.env, session.start, tz=tz, dt_format="EEE HH:mm"
                    )
                )
            if sudo_session.trainer_id:
                parts.append(sudo_session.trainer_id.name)
            session.name = " · ".join(part for part in parts if part)

    def _search_name(self, operator, value):
        # What the name is made of and a reader types: the offering's name (in
        # the reader's language) or the trainer's.
        if operator in NEGATIVE_TERM_OPERATORS:
            positive = TERM_OPERATORS_NEGATION[operator]
            return [
                "!",
                "|",
                ("offering_id.name", positive, value),
                ("trainer_id.name", positive, value),
            ]
        return [
            "|",
            ("offering_id.name", operator, value),
            ("trainer_id.name", operator, value),
        ]

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

    @api.depends("capacity", "booking_ids.state", "booking_ids.offer_expires_at")
    def _compute_seats(self):
        counts = {}
        held = {}
        if self.ids:
            self.env["club.booking"].flush_model(
                ["session_id", "state", "offer_expires_at"]
            )
            groups = self.env["club.booking"]._read_group(
                [("session_id", "in", self.ids)], ["session_id", "state"], ["__count"]
            )
            for session, state, count in groups:
                counts[session.id, state] = count
            # A seat offered to a waitlisted member is held for them
            # (models/club_booking_offer.py).
            groups = self.env["club.booking"]._read_group(
                [
                    ("session_id", "in", self.ids),
                    ("state", "=", "waitlisted"),
                    ("offer_expires_at", "!=", False),
                ],
                ["session_id"],
                ["__count"],
            )
            held = {session.id: count for session, count in groups}
        for session in self:
            taken = sum(counts.get((session.id, s), 0) for s in SEAT_STATES)
            taken += held.get(session.id, 0)
            session.seats_taken = taken
            session.seats_available = (
                max(session.capacity - taken, 0) if session.capacity else 0
            )
            session.waitlist_count = counts.get((session.id, "waitlisted"), 0)

    @api.depends("is_cancelled", "booking_ids.state")
    def _compute_state(self):
        states_of = {}
        if all(isinstance(sid, int) for sid in self._ids):
            # Saved sessions: their bookings' states in one query, not every
            # booking read (a booking made recomputes its session).
            self.env["club.booking"].flush_model(["session_id", "state"])
            for session, state in self.env["club.booking"]._read_group(
                [("session_id", "in", self.ids)], ["session_id", "state"]
            ):
                states_of.setdefault(session.id, set()).add(state)
        else:
            # A session being edited (a form): its bookings as edited.
            for session in self:
                states_of[session.id] = set(session.booking_ids.mapped("state"))
        for session in self:
            states = states_of.get(session.id, set())
            if session.is_cancelled:
                session.state = "cancelled"
            elif states & set(TOOK_PLACE_STATES) and not states & OPEN_STATES:
                # It took place (someone attended or missed it) and nothing of
                # it is left to log. Late cancels alone do not make it done: a
                # session to come whose members all cancelled late still takes
                # bookings.
                session.state = "done"
            else:
                session.state = "scheduled"

    @api.constrains("capacity")
    def _check_capacity(self):
        for session in self:
            if not 0 <= session.capacity <= CAPACITY_MAX:
                raise ValidationError(self._capacity_message(session.display_name))

    @api.model
    def _capacity_message(self, session):
        return self.env._(
            "%(session)s: a capacity is a number of seats between 0 and %(max)s "
            "(0: no limit).",
            session=session,
            max=CAPACITY_MAX,
        )

    def _check_values(self, vals):
        """Refuse, before any SQL, what a session is never given: a capacity
        out of bounds (a number too large for its column would fail in the
        database), its computed counters and status (written by nobody: they
        follow its bookings)."""
        if "capacity" in vals and not capacity_in_bounds(vals["capacity"]):
            raise ValidationError(
                self._capacity_message(
                    ", ".join(self[:3].mapped("display_name"))
                    or self.env._("A new session")
                )
            )
        if self.env.su:
            return
        if vals.get("is_cancelled") or ("is_cancelled" in vals and self):
            raise AccessError(
                self.env._("A session is cancelled with its Cancel Session button.")
            )
        computed = sorted(
            name
            for name in vals
            if name in self._fields
            and self._fields[name].compute
            and self._fields[name].readonly
        )
        if computed:
            raise UserError(
                self.env._(
                    "A session's seats, waitlist and status are computed from its "
                    "bookings; they are not written: %s.",
                    ", ".join(computed),
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_values(vals)
        result = super().write(vals)
        moved = [name for name in sorted(SESSION_FIELDS) if name in vals]
        if moved:
            self._sync_bookings(moved)
        if "start" in vals:
            # Its waitlist now closes at the new start.
            self.filtered("waitlist_count")._trigger_waitlist_closing()
        if vals.get("capacity") is not None:
            # More seats (or no limit): the waitlist moves up.
            self._promote_waitlist()
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
        # The one definition of the evidence (club.booking._attendance_evidence),
        # as the nightly job reads it.
        evidence = bookings._attendance_evidence()
        completed = bookings.filtered(lambda b: evidence.get(b.id))
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

    # Seats: the lock, the checks, the waitlist
    # ------------------------------------------------------------------
    def _is_full(self):
        """Every seat is taken (held offers included); a session without a
        limit is never full."""
        self.ensure_one()
        return bool(self.capacity) and self.seats_taken >= self.capacity

    def _lock(self, flush=True):
        """Lock the sessions' rows (``SELECT ... FOR NO KEY UPDATE``) before
        counting their seats: two staff booking the last seat at once are
        served one after the other. The first one's booking rewrites the
        session's row (its stored seat counts), so the second one, whose
        snapshot is older (REPEATABLE READ), gets a serialization failure when
        its lock is granted and Odoo runs its request again: then it sees the
        session full. (Not ``FOR UPDATE``: that lock would also hold up every
        booking inserted meanwhile, whose foreign key to the session takes a
        ``KEY SHARE`` lock on the row.)

        :param flush: write the pending changes first (by default: they count)
        :return: the sessions that exist
        """
        if not self.ids:
            return self.browse()
        if flush:
            # Our own pending changes count (they are written before the lock).
            self.env.flush_all()
        # The serialization failure above is expected and handled (Odoo runs
        # the request again): not a "bad query" in the log.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM club_session WHERE id IN %s "
                "ORDER BY id FOR NO KEY UPDATE",
                tuple(self.ids),
            ),
            log_exceptions=False,
        )
        found = {row[0] for row in self.env.cr.fetchall()}
        self.invalidate_recordset()
        self.env["club.booking"].invalidate_model(
            ["session_id", "state", "partner_id", "offer_expires_at"]
        )
        return self.browse([sid for sid in self.ids if sid in found])

    def _take_requests(self, requests, exclude_ids=(), lock=True):
        """Check, on locked rows, that the sessions take these bookings; raise
        (changing nothing) otherwise.

        :param requests: ``[(session, partner id, state)]`` of the bookings
            about to be in a session of ``self`` (new ones, moved ones, a new
            member, a reopened one), in order
        :param exclude_ids: ids of the bookings these requests are (their
            current rows do not count)
        :param lock: False when the caller locks the sessions and checks
            again before its commit (``_seat_after_lock``)
        :raise SeatTaken: not locked, a seat requested in a full session
        """
        if lock:
            sessions = self._lock()
        else:
            self.env["club.booking"].flush_model(
                ["session_id", "partner_id", "state", "offer_expires_at"]
            )
            sessions = self
        if not sessions:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT session_id, partner_id, state, offer_expires_at IS NOT NULL
                  FROM club_booking
                 WHERE session_id IN %s AND NOT (id = ANY(%s))
                """,
                tuple(sessions.ids),
                list(exclude_ids),
            )
        )
        taken = dict.fromkeys(sessions.ids, 0)
        members = {sid: set() for sid in sessions.ids}
        for session_id, partner_id, state, offered in self.env.cr.fetchall():
            # A seat offered to a waitlisted member is held for them.
            if state in SEAT_STATES or (state == "waitlisted" and offered):
                taken[session_id] += 1
            if state in MEMBER_STATES:
                members[session_id].add(partner_id)
        now = fields.Datetime.now()
        Partner = self.env["res.partner"]
        for session, partner_id, state in requests:
            if state not in MEMBER_STATES:
                continue
            if isinstance(partner_id, bool) or not isinstance(partner_id, int):
                raise UserError(self.env._("Unknown member."))
            if session.is_cancelled:
                raise UserError(
                    self.env._(
                        "%(session)s is cancelled: it takes no booking.",
                        session=session.display_name,
                    )
                )
            member = Partner.browse(partner_id)
            if partner_id in members[session.id]:
                raise UserError(
                    self.env._(
                        "%(member)s is already in %(session)s (booked or on its "
                        "waitlist): a member takes one seat of a session.",
                        member=member.display_name,
                        session=session.display_name,
                    )
                )
            members[session.id].add(partner_id)
            if state == "waitlisted":
                if session.start <= now:
                    raise UserError(
                        self.env._(
                            "%(session)s has started: its waitlist is closed.",
                            session=session.display_name,
                        )
                    )
            elif state in SEAT_STATES:
                if session.capacity and taken[session.id] >= session.capacity:
                    if not lock:
                        # Counted without the lock or taken meanwhile: the
                        # caller books again, locked first (_seat_after_lock).
                        raise SeatTaken()
                    raise UserError(
                        self.env._(
                            "%(session)s is full: %(taken)s of %(capacity)s seats "
                            "are taken. Put %(member)s on its waitlist instead (Add "
                            "to Waitlist on the session): the first seat that frees "
                            "up before the session starts goes to the waitlist, in "
                            "order of request.",
                            session=session.display_name,
                            taken=taken[session.id],
                            capacity=session.capacity,
                            member=member.display_name,
                        )
                    )
                taken[session.id] += 1

    def _seat_after_lock(self, booking):
        """The end of a booking made without the session's lock (the portal's
        Book, ``club.booking.create`` with ``LOCK_LATE_CONTEXT``): lock the
        session, count its seats again from what is committed now, and check
        the booking there as ``club.booking.create`` does. The lock is held
        from here to the commit only: members booking the session at once
        wait for each other's count, not for each other's booking.

        :raise SeatTaken: the booking took a seat that another one took
            meanwhile (the caller books again, locked first: waitlisted)
        """
        self.ensure_one()
        # Whatever can be done before the lock is: the booking written, the
        # session's fields computed. Not the session's row: written (which
        # locks it) after the lock, as a conflict there fails noisily in a
        # REPEATABLE READ transaction.
        booking.flush_recordset()
        self.mapped("state")
        self.mapped("seats_taken")
        session = self._lock(flush=False)
        if not session:
            raise UserError(self.env._("This session no longer exists."))
        # The seat counts were computed before the lock: again, with every
        # booking committed since (they are written from these).
        for name in SEAT_COUNT_FIELDS:
            self.env.add_to_compute(self._fields[name], session)
        full = session._is_full()
        session._take_requests(
            [(session, booking.partner_id.id, booking.state)],
            exclude_ids=booking.ids,
            lock=False,  # locked above
        )
        if booking.state == "waitlisted" and not full:
            # A seat freed up meanwhile: served at once, in order. (A full
            # session's offers that lapse free their seats at their end:
            # ir_cron_club_waitlist_offers.)
            session._promote_waitlist()
        return True

    def _check_walk_ins(self):
        """A session takes a new seat (a walk-in included) until its end: a
        session that has ended is logged, not booked into. Raises, changing
        nothing."""
        now = fields.Datetime.now()
        ended = self.filtered(lambda s: s.stop and s.stop <= now)
        if ended:
            session = ended[0]
            raise UserError(
                self.env._(
                    "%(session)s has ended (%(end)s): it takes no new booking. A "
                    "walk-in is booked into a session until its end; log the "
                    "session's bookings instead.",
                    session=session.display_name,
                    end=format_datetime(
                        self.env,
                        session.stop,
                        tz=(session.company_id or self.env.company)._club_tz().zone,
                        dt_format="short",
                    ),
                )
            )

    def _trigger_waitlist_closing(self):
        """Close the sessions' waitlists when they start (the hourly run
        catches anything a trigger missed)."""
        cron = self.env.ref(CLOSE_WAITLISTS_CRON, raise_if_not_found=False)
        starts = sorted(set(self.filtered("start").mapped("start")))
        if cron and starts:
            cron.sudo()._trigger(at=starts)

    def _promote_waitlist(self):
        """Give the free seats of the sessions that have not started to their
        waitlisted bookings, first requested first: each becomes booked, takes
        the member's best credit, says so in its chatter, and the member gets
        an e-mail. Runs as superuser: a seat freed by whoever may free it.

        :return: the promoted bookings
        """
        Booking = self.env["club.booking"].sudo()
        now = fields.Datetime.now()
        candidates = self.filtered(
            lambda s: s.waitlist_count and not s.is_cancelled and s.start > now
        )
        if not candidates:
            return Booking
        promoted = offered = passed_over = no_credit = Booking
        for session in candidates.sudo()._lock():
            if session.is_cancelled or session.start <= now:
                continue
            # Offers that lapsed leave the waitlist first: their seats are
            # free again (models/club_booking_offer.py).
            session._lapse_offers(now)
            if session._is_full():
                # Nobody is seated nor passed over (a member waitlisted into
                # a full session: the booking rush).
                continue
            # A member with a seat offered holds it already.
            waiting = session.booking_ids.filtered(
                lambda b: b.state == "waitlisted" and not b.offer_expires_at
            ).sorted(lambda b: (b.waitlist_date or b.create_date, b.id))
            free = (
                session.capacity - session.seats_taken
                if session.capacity
                else len(waiting)
            )
            # A member blocked from booking (too many no-shows) keeps the
            # place but gets no seat: the next one does.
            blocked = waiting._blocked_waiting()
            # With waitlist offers on, so does a member without a usable
            # credit (unless the club lets members book unpaid).
            unpaid = (waiting - blocked)._without_credit()
            seated = (waiting - blocked - unpaid)[:free]
            if seated:
                if session._offers_now(now):
                    offered |= seated
                else:
                    promoted |= seated
            last = seated[-1:]
            skipped = (blocked | unpaid).filtered(
                lambda b, last=last, seated=seated, free=free: not last
                or len(seated) < free
                or (b.waitlist_date or b.create_date, b.id)
                < (last.waitlist_date or last.create_date, last.id)
            )
            passed_over |= skipped & blocked
            no_credit |= skipped & unpaid
        promoted._promote()
        offered._offer_seat(now)
        passed_over._note_passed_over()
        no_credit._note_no_credit()
        return promoted

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_booking_user(self, message):
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(message)
        if len(self.exists()) != len(self):
            raise UserError(self.env._("Unknown session."))
        self.check_access("write")

    def action_add_to_waitlist(self):
        """The roster's Add to Waitlist button: asks for the member."""
        self.ensure_one()
        self._check_booking_user(
            self.env._("You are not allowed to put members on a waitlist.")
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add to Waitlist"),
            "res_model": "club.session.waitlist.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_session_id": self.id},
        }

    def action_cancel_session(self):
        """Cancel Session (front desk): the club cancels these sessions. Their
        open bookings are cancelled through the one log-off path (a booked
        one's credit goes back to the member; a waitlisted one has none), each
        member is e-mailed, and the session says it in its chatter. All or
        nothing; returns True."""
        self._check_booking_user(self.env._("You are not allowed to cancel sessions."))
        if not self:  # called over RPC without ids: nothing to do
            return True
        sessions = self.sudo()._lock()
        cancelled = sessions.filtered("is_cancelled")
        if cancelled:
            raise UserError(
                self.env._(
                    "Already cancelled: %s.",
                    ", ".join(cancelled[:10].mapped("display_name")),
                )
            )
        logged = sessions.booking_ids.filtered(
            lambda b: b.state not in OPEN_STATES and b.state in SEAT_STATES
        )
        if logged:
            raise UserError(
                self.env._(
                    "%(sessions)s took place: bookings %(bookings)s are logged. A "
                    "club manager can reopen them (Reopen) if the session did not "
                    "happen; then cancel it.",
                    sessions=", ".join(logged.session_id[:10].mapped("display_name")),
                    bookings=", ".join(logged[:10].mapped("name")),
                )
            )
        user = self.env.user
        # Cancelled first: nobody is promoted into a seat of a cancelled session.
        sessions.write({"is_cancelled": True})
        bookings = sessions.booking_ids.filtered(lambda b: b.state in OPEN_STATES)
        had_credit = bookings.filtered("credit_id")
        waitlisted = bookings.filtered(lambda b: b.state == "waitlisted")
        if bookings:
            bookings._apply_outcome(
                "cancelled",
                note=self.env._("The club cancelled the session."),
                source="staff",
                user=user,
            )
        mailed = bookings._send_member_mail(SESSION_CANCELLED_TEMPLATE)
        for session in sessions:
            mine = bookings.filtered(lambda b, s=session: b.session_id == s)
            counts = {
                "user": user.name,
                "count": len(mine),
                "waitlisted": len(mine & waitlisted),
                "credits": len(mine & had_credit),
                "mailed": len(mine & mailed),
            }
            unreachable = mine - mailed
            # One whole text per case, for translators.
            if unreachable:
                body = self.env._(
                    "Session cancelled by %(user)s: %(count)s bookings cancelled "
                    "(%(waitlisted)s of them waitlisted), %(credits)s session "
                    "credits given back, %(mailed)s members told by e-mail. No "
                    "e-mail address, tell them: %(members)s.",
                    members=", ".join(unreachable.partner_id.mapped("name")),
                    **counts,
                )
            else:
                body = self.env._(
                    "Session cancelled by %(user)s: %(count)s bookings cancelled "
                    "(%(waitlisted)s of them waitlisted), %(credits)s session "
                    "credits given back, %(mailed)s members told by e-mail.",
                    **counts,
                )
            session._message_log(body=body, author_id=user.partner_id.id)
        return True

    # ------------------------------------------------------------------
    # Scheduled action: waitlists close when their session starts
    # ------------------------------------------------------------------
    @api.model
    def _cron_close_waitlists(self):
        """Scheduled action ``ir_cron_club_close_waitlists``: the bookings
        still waitlisted when their session starts are cancelled ("waitlist
        closed"), without penalty; they hold no credit. Triggered at each
        start a booking waits for; runs hourly as well."""
        Booking = self.env["club.booking"].sudo()
        bookings = Booking.search(
            [("state", "=", "waitlisted"), ("start", "<=", fields.Datetime.now())],
            order="start, id",
        )
        if not bookings:
            return True
        # Rows staff are editing right now wait for the next run; the others
        # are checked again once locked.
        bookings = bookings._lock_rows(skip_locked=True).filtered(
            lambda b: b.state == "waitlisted"
        )
        if bookings:
            bookings._apply_outcome(
                "cancelled",
                note=self.env._(
                    "Waitlist closed: the session started without a free seat."
                ),
                source="auto",
            )
        return True

from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index

from ..tools.bulk_chatter import log_notes
from ..tools.groups import BOOKING_USER_GROUP, MANAGER_GROUP, log_group_xmlid
from .club_booking_outcomes import (
    CORRECTABLE_STATES,
    CREDIT_STATE_BY_MOVE,
    LOGGED_STATES,
    OPEN_STATES,
    OUTCOME_BY_STATE,
    SEAT_STATES,
    STAFF_LOG_SELECTION,
    STATE_HELP,
    STATE_SELECTION,
    states_where,
)
from .club_session import SESSION_FIELDS, WAITLIST_PROMOTED_TEMPLATE
from .res_company import club_kiosk_window_sql

# ISO weekdays, Monday first: the booking's start_weekday and the attendance
# report's weekday.
WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]

# Each category is logged off by the group named after it (tools/groups.py,
# log_group_xmlid). The booking stores it (log_group_id); the record rule, the
# Python check and the form read it there.

# Only the log-off methods (running as superuser) write these.
PROTECTED_FIELDS = {
    "state",
    "log_date",
    "log_user_id",
    "log_source",
    "credit_id",
    "is_paid",
    "kiosk_confirmed",
    # The member's confirmation at the kiosk (club.kiosk writes them).
    "kiosk_confirm_date",
    "kiosk_signature",
    "kiosk_log_at_start",
    # The waitlist's order: nobody jumps the queue by editing it.
    "waitlist_date",
    # Set by cancel_booking (waived), cleared by the log-off path.
    "late_cancel_waived",
    # A seat offered to a waitlisted member (models/club_booking_offer.py).
    "offer_expires_at",
}
# What staff may create a booking as: booked, or waitlisted in a full session.
CREATE_STATES = {"booked", "waitlisted"}
# What a staff member who may log a booking, but not edit it, may write.
LOG_FORM_FIELDS = {"log_status", "log_note"}
# What the session was: once a booking is logged or cancelled these are the
# club's history (credits and reports follow them), changed by nobody, superuser
# included, until a club manager reopens it (Reopen: action_reset_to_booked).
HISTORY_FIELDS = ("partner_id", "offering_id", "booking_kind", "start", "stop")
# Context key: the new bookings' chatter line and confirmation mail are queued
# (club.booking.notice) rather than made in the creating transaction, which holds
# the session's lock (the member portal's Book).
QUEUE_NOTICES_CONTEXT = "club_queue_notices"
# Context key of the caller that locks the sessions of the bookings it creates
# and checks their seats again right before its commit (the member portal's
# Book: club.session._seat_after_lock): create checks them without the lock, so
# the lock is held from the count to the commit only.
LOCK_LATE_CONTEXT = "club_seat_after_lock"
# The booking's flags and the outcome table's attributes they read.
OUTCOME_FLAGS = {
    "is_open": "is_open",
    "is_logged": "is_logged",
    "holds_seat": "holds_seat",
    "is_correctable": "correctable",
}


class ClubBooking(models.Model):
    _name = "club.booking"
    _description = "Club Booking"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Booking #",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    session_id = fields.Many2one(
        "club.session",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        help="The scheduled session (one class at one time) the booking is in: its "
        "offering, times and trainer are the session's.",
    )
    offering_id = fields.Many2one(
        "club.offering", required=True, index=True, tracking=True, check_company=True
    )
    offering_type = fields.Selection(related="offering_id.offering_type")
    booking_kind = fields.Selection(
        [("session", "Session"), ("consult", "Consult")],
        string="Kind",
        required=True,
        default="session",
        tracking=True,
        help="Session: a regular session.\n" "Consult: an introductory consultation.",
    )
    category = fields.Selection(
        [
            ("class_session", "Class Session"),
            ("service_session", "Service Session"),
            ("class_consult", "Class Consult"),
            ("service_consult", "Service Consult"),
        ],
        compute="_compute_category",
        store=True,
        index=True,
        precompute=True,
        help="The offering's type and the booking's kind; staff log off only the "
        "categories their permissions name.",
    )
    log_group_id = fields.Many2one(
        "res.groups",
        string="Log-Off Permission",
        compute="_compute_log_group_id",
        store=True,
        precompute=True,
        help="The permission a user needs to log off this booking: the one of its "
        "category.",
    )
    user_can_log = fields.Boolean(
        compute="_compute_user_can_log",
        help="The current user has the log-off permission of this booking.",
    )
    start = fields.Datetime(required=True, tracking=True)
    stop = fields.Datetime(
        required=True,
        compute="_compute_stop",
        store=True,
        readonly=False,
        precompute=True,
    )
    trainer_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        STATE_SELECTION,
        string="Status",
        default="booked",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help=STATE_HELP,
    )
    log_status = fields.Selection(
        STAFF_LOG_SELECTION,
        string="Log As",
        copy=False,
        help="The outcome to log with the Log The Booking button.",
    )
    waitlist_date = fields.Datetime(
        string="Waitlisted On",
        readonly=True,
        copy=False,
        help="When the member asked for a seat in the full session: the waitlist "
        "is served in this order.",
    )
    session_capacity = fields.Integer(related="session_id.capacity")
    session_seats_available = fields.Integer(
        related="session_id.seats_available", string="Seats Left"
    )
    log_date = fields.Datetime(readonly=True, copy=False)
    log_user_id = fields.Many2one(
        "res.users", string="Logged By", readonly=True, copy=False
    )
    log_source = fields.Selection(
        [("staff", "Staff"), ("kiosk", "Kiosk"), ("auto", "Automatic")],
        readonly=True,
        copy=False,
        help="Staff: logged in the back office.\n"
        "Kiosk: logged when the member confirmed at the check-in kiosk.\n"
        "Automatic: logged by the scheduled action for unlogged bookings.",
    )
    log_note = fields.Text(string="Note", copy=False)
    credit_id = fields.Many2one(
        "club.session.credit",
        string="Session Credit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    is_paid = fields.Boolean(
        string="Paid",
        compute="_compute_is_paid",
        store=True,
        help="A paid session credit is tied to the booking.",
    )
    checked_in = fields.Boolean(
        compute="_compute_checked_in",
        help="The member checked in within the kiosk's time window of this booking.",
    )
    checked_in_at = fields.Datetime(
        compute="_compute_checked_in",
        help="The member's first check-in within the kiosk's time window of this "
        "booking: the one that counts.",
    )
    day_checkin_summary = fields.Text(
        string="Check-ins That Day",
        compute="_compute_day_checkin_summary",
        help="The member's check-ins of the booking's day (in the club's time "
        "zone), with their time and source, and which one falls in the booking's "
        "window.",
    )
    # The booking itself as a link: lists (the member's account) show its
    # number as Odoo's many2one link, which opens the booking's form.
    booking_link_id = fields.Many2one(
        "club.booking", compute="_compute_booking_link_id"
    )
    # The member's confirmation at the check-in kiosk: club.kiosk writes these
    # (models/club_kiosk.py), and logs the booking through _apply_outcome.
    kiosk_confirmed = fields.Boolean(
        string="Confirmed at Kiosk", readonly=True, copy=False
    )
    kiosk_confirm_date = fields.Datetime(
        string="Confirmed At", readonly=True, copy=False
    )
    kiosk_signature = fields.Binary(
        attachment=True,
        readonly=True,
        copy=False,
        help="Signed by the member at the check-in kiosk to confirm the booking.",
    )
    kiosk_log_at_start = fields.Boolean(
        string="Logs Itself At Start",
        readonly=True,
        copy=False,
        help="The member confirmed at the kiosk before the session started: the "
        "booking is logged as completed when it starts.",
    )
    to_log = fields.Boolean(
        compute="_compute_to_log",
        search="_search_to_log",
        help="Booked and already started: waiting for its outcome.",
    )
    previous_booking_ids = fields.Many2many(
        "club.booking",
        string="Previous Bookings",
        compute="_compute_previous_booking_ids",
    )
    # When the booking starts in the club's week, for the attendance report's
    # weekday x hour: stored, so that PostgreSQL counts 7 x 24 groups and hashes
    # a year of bookings instead of sorting them (club.attendance.report).
    start_weekday = fields.Selection(
        WEEKDAYS,
        compute="_compute_start_local",
        store=True,
        precompute=True,
        help="The day of the week the booking starts, in the club's time zone.",
    )
    start_hour = fields.Integer(
        compute="_compute_start_local",
        store=True,
        precompute=True,
        aggregator=False,
        help="The hour the booking starts (0-23), in the club's time zone.",
    )
    color = fields.Integer(compute="_compute_color")
    # The Grid View shows who and what, where lists show the booking number.
    calendar_title = fields.Char(compute="_compute_calendar_title")
    # What its outcome charged the member (club.penalty).
    penalty_ids = fields.One2many("club.penalty", "booking_id", string="Penalties")
    penalty_count = fields.Integer(compute="_compute_penalty_count")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    # What the booking's state means, from the outcome table (views' domains
    # and buttons read these, never a list of states).
    is_open = fields.Boolean(
        compute="_compute_outcome_flags",
        search="_search_is_open",
        help="Still to be decided: booked, or waiting for a seat.",
    )
    is_logged = fields.Boolean(
        string="Logged",
        compute="_compute_outcome_flags",
        search="_search_is_logged",
        help="The member's outcome is logged: completed, no-show or late cancel.",
    )
    holds_seat = fields.Boolean(
        compute="_compute_outcome_flags",
        search="_search_holds_seat",
        help="The booking holds a seat of its session.",
    )
    is_correctable = fields.Boolean(
        compute="_compute_outcome_flags",
        search="_search_is_correctable",
        help="A club manager may correct its outcome.",
    )
    company_tz = fields.Char(
        string="Club Time Zone",
        compute="_compute_company_tz",
        help="The club's time zone (res.company._club_tz), which mails to the "
        "member give times in and name.",
    )

    _sql_constraints = [
        (
            "stop_after_start",
            "CHECK(stop > start)",
            "A booking must end after it starts.",
        ),
        (
            "credit_unique",
            "UNIQUE(credit_id)",
            "A session credit pays for one booking only.",
        ),
    ]

    def init(self):
        # Log Sessions: open bookings by start, among millions of logged ones.
        create_index(
            self.env.cr,
            "club_booking_unlogged_start_idx",
            self._table,
            ["start", "id"],
            where="state = 'booked'",
        )
        # A member's bookings by start: the previous-10 panel and the account view.
        create_index(
            self.env.cr,
            "club_booking_partner_start_idx",
            self._table,
            ["partner_id", "start DESC", "id DESC"],
        )
        # Confirmed at the kiosk before they started: what the kiosk's scheduled
        # action (club.kiosk._cron_log_at_start) looks for, among millions of bookings.
        create_index(
            self.env.cr,
            "club_booking_kiosk_log_at_start_idx",
            self._table,
            ["start"],
            where="kiosk_log_at_start AND state = 'booked'",
        )
        # Waitlisted bookings whose session started: what the scheduled action
        # closing waitlists looks for (club.session._cron_close_waitlists).
        create_index(
            self.env.cr,
            "club_booking_waitlisted_start_idx",
            self._table,
            ["start"],
            where="state = 'waitlisted'",
        )
        # Bookings > Grid View: a day's bookings without a session (one-to-one
        # ones, those of before sessions existed), among a million in sessions.
        create_index(
            self.env.cr,
            "club_booking_lone_start_idx",
            self._table,
            ["start"],
            where="session_id IS NULL",
        )
        # Members at risk (club.member.risk): a club's visits and no-shows of the
        # last weeks, among years of bookings. Partial: Log Sessions (open
        # bookings) and the attendance report (every state) cannot use it, so it
        # cannot take their plans (see below).
        # Its predicate is the outcome table's logged states (a new name when
        # they change: the one of another predicate is dropped).
        self.env.cr.execute("DROP INDEX IF EXISTS club_booking_risk_company_start_idx")
        create_index(
            self.env.cr,
            "club_booking_logged_company_start_idx",
            self._table,
            ["company_id", "start"],
            where="state IN (%s)" % ", ".join(f"'{s}'" for s in LOGGED_STATES),
        )
        # No b-tree on (company_id, start) for the attendance report: PostgreSQL
        # then prefers it to Log Sessions' partial index and reads 900,000
        # logged rows to find 80 open ones (160 ms on a million bookings
        # instead of 25). Databases that got it lose it here.
        self.env.cr.execute("DROP INDEX IF EXISTS club_booking_company_start_idx")
        # A period among years of bookings (the attendance report, Dashboards >
        # Club Attendance's last 30 days and the 30 before): a BRIN index, tiny,
        # as bookings are written roughly in the order of their start. It gives
        # the blocks of a range but no order, so it cannot take Log Sessions'
        # plan as the b-tree above did.
        create_index(
            self.env.cr,
            "club_booking_start_brin_idx",
            self._table,
            ["start"],
            method="brin",
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("start", "company_id.partner_id.tz")
    def _compute_start_local(self):
        # In the club's time zone (res.company._club_tz; the migration to
        # 18.0.1.3.0 computes it in SQL with the same rule, club_tz_sql).
        for booking in self:
            if not booking.start:
                booking.start_weekday = booking.start_hour = False
                continue
            tz = (booking.company_id or self.env.company)._club_tz()
            local = pytz.utc.localize(booking.start).astimezone(tz)
            booking.start_weekday = str(local.isoweekday())
            booking.start_hour = local.hour

    @api.depends("state")
    def _compute_outcome_flags(self):
        for booking in self:
            outcome = OUTCOME_BY_STATE.get(booking.state)
            for name, attribute in OUTCOME_FLAGS.items():
                booking[name] = bool(outcome and getattr(outcome, attribute))

    def _outcome_flag_domain(self, attribute, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on a booking's status."))
        positive = (operator == "=") == value
        return [("state", "in" if positive else "not in", states_where(attribute))]

    def _search_is_open(self, operator, value):
        return self._outcome_flag_domain("is_open", operator, value)

    def _search_is_logged(self, operator, value):
        return self._outcome_flag_domain("is_logged", operator, value)

    def _search_holds_seat(self, operator, value):
        return self._outcome_flag_domain("holds_seat", operator, value)

    def _search_is_correctable(self, operator, value):
        return self._outcome_flag_domain("correctable", operator, value)

    @api.depends("company_id.partner_id.tz")
    def _compute_company_tz(self):
        for booking in self:
            booking.company_tz = (
                (booking.company_id or self.env.company)._club_tz().zone
            )

    @api.depends("offering_id.offering_type", "booking_kind")
    def _compute_category(self):
        for booking in self:
            if booking.offering_id and booking.booking_kind:
                booking.category = (
                    f"{booking.offering_id.offering_type}_{booking.booking_kind}"
                )
            else:
                booking.category = False

    @api.depends("category")
    def _compute_log_group_id(self):
        Groups = self.env["res.groups"]
        for booking in self:
            booking.log_group_id = (
                self.env.ref(
                    log_group_xmlid(booking.category), raise_if_not_found=False
                )
                if booking.category
                else Groups
            )

    @api.depends("log_group_id")
    @api.depends_context("uid")
    def _compute_user_can_log(self):
        group_ids = set(self.env.user._get_group_ids())
        for booking in self:
            booking.user_can_log = booking.log_group_id.id in group_ids

    @api.depends("start", "offering_id")
    def _compute_stop(self):
        for booking in self:
            # A logged booking keeps the end it had (rewriting its start with
            # the same value must not recompute its end: history).
            if booking.start and (booking.state in OPEN_STATES or not booking.stop):
                booking.stop = booking.offering_id._end_of(booking.start)

    @api.depends("offering_id")
    def _compute_company_id(self):
        for booking in self:
            booking.company_id = (
                booking.offering_id.company_id or booking.company_id or self.env.company
            )

    @api.depends("credit_id.is_paid")
    def _compute_is_paid(self):
        for booking in self:
            booking.is_paid = booking.credit_id.is_paid

    @api.depends("partner_id", "offering_id")
    def _compute_calendar_title(self):
        for booking in self:
            booking.calendar_title = (
                f"{booking.offering_id.name or ''} · {booking.partner_id.name or ''}"
            )

    @api.depends("penalty_ids")
    def _compute_penalty_count(self):
        for booking in self:
            booking.penalty_count = len(booking.penalty_ids)

    @api.depends("state")
    def _compute_color(self):
        for booking in self:
            outcome = OUTCOME_BY_STATE.get(booking.state)
            booking.color = outcome.color if outcome else 0

    @api.depends("state", "start")
    def _compute_to_log(self):
        now = fields.Datetime.now()
        for booking in self:
            booking.to_log = (
                booking.state == "booked" and booking.start and booking.start <= now
            )

    def _search_to_log(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on To Log."))
        domain = [("state", "=", "booked"), ("start", "<=", fields.Datetime.now())]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends(
        "partner_id",
        "start",
        "company_id.club_kiosk_minutes_before",
        "company_id.club_kiosk_minutes_after",
    )
    def _compute_checked_in(self):
        # One query for the whole page: the first check-in of the member
        # within each booking's window.
        stored = self.filtered("id")
        (self - stored).update({"checked_in": False, "checked_in_at": False})
        if not stored:
            return
        times = stored._attendance(confirmed=False)
        for booking in stored:
            at = times[booking.id][1]
            booking.checked_in = bool(at)
            booking.checked_in_at = at or False

    @api.model
    def _first_checkin_sql(self, booking="b", company="c"):
        """SQL: when the member of booking alias ``booking`` (its company: alias
        ``company``) first checked in within the kiosk's time window of its
        start, or NULL. The window's one definition."""
        b = SQL.identifier(booking)
        # Within bounds, whatever was stored before the bounds existed.
        before, after = club_kiosk_window_sql(company)
        return SQL(
            """
            (SELECT MIN(k.checkin_time) FROM club_checkin k
              WHERE k.partner_id = %(b)s.partner_id
                AND k.company_id = %(b)s.company_id
                AND k.checkin_time
                    BETWEEN %(b)s.start - make_interval(mins => %(before)s)
                        AND %(b)s.start + make_interval(mins => %(after)s))
            """,
            b=b,
            before=before,
            after=after,
        )

    def _checkin_window(self):
        """Python: the instants (naive UTC) between which a check-in counts for
        this booking, both included -- the window of ``_first_checkin_sql``."""
        self.ensure_one()
        before, after = (self.company_id or self.env.company)._club_kiosk_window()
        return (
            self.start - timedelta(minutes=before),
            self.start + timedelta(minutes=after),
        )

    @api.model
    def _starts_in_window_of(self, at, company):
        """The starts (earliest, latest; naive UTC) of the bookings whose
        check-in window holds the instant ``at``: the same window, seen from
        the check-in (the kiosk's list)."""
        before, after = company._club_kiosk_window()
        return at - timedelta(minutes=after), at + timedelta(minutes=before)

    @api.model
    def _checked_in_sql(self, booking="b", company="c"):
        """SQL: the member checked in within the window (see
        ``_first_checkin_sql``)."""
        return SQL("%s IS NOT NULL", self._first_checkin_sql(booking, company))

    def _attendance(self, confirmed=True):
        """In one query for the recordset: ``{booking id: (confirmed at the
        kiosk, first check-in within the window or None)}``. Without
        ``confirmed``, the kiosk confirmation is not read (False)."""
        if not self.ids:
            return {}
        self.env["club.checkin"].flush_model()
        self.env["res.company"].flush_model(
            ["club_kiosk_minutes_before", "club_kiosk_minutes_after"]
        )
        self.flush_recordset(["partner_id", "start", "company_id", "kiosk_confirmed"])
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id, %(confirmed)s AND b.kiosk_confirmed IS TRUE,
                       %(first_checkin)s
                  FROM club_booking b
                  JOIN res_company c ON c.id = b.company_id
                 WHERE b.id IN %(ids)s
                """,
                confirmed=bool(confirmed),
                first_checkin=self._first_checkin_sql("b", "c"),
                ids=tuple(self.ids),
            )
        )
        return {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}

    def _attendance_evidence(self, confirmed=True):
        """What shows that each booking's member came: ``"kiosk_confirmed"``
        (confirmed at the kiosk), ``"checked_in"`` (checked in within the
        kiosk's window of its start) or ``False``. Without ``confirmed``, only
        check-ins count.

        :return: ``{booking id: evidence}``
        """
        evidence = {}
        for booking_id, (kiosk_confirmed, first_checkin) in self._attendance(
            confirmed
        ).items():
            if kiosk_confirmed:
                evidence[booking_id] = "kiosk_confirmed"
            elif first_checkin:
                evidence[booking_id] = "checked_in"
            else:
                evidence[booking_id] = False
        return evidence

    @api.depends(
        "partner_id",
        "start",
        "company_id.club_kiosk_minutes_before",
        "company_id.club_kiosk_minutes_after",
    )
    def _compute_day_checkin_summary(self):
        """Each check-in of the member on the booking's day, "06:52, Kiosk:
        within the window (06:45-07:15)": a member who arrived early is told
        apart from one who did not come."""
        Checkin = self.env["club.checkin"]
        sources = dict(Checkin._fields["source"]._description_selection(self.env))
        for booking in self:
            if not (booking.partner_id and booking.start):
                booking.day_checkin_summary = False
                continue
            company = booking.company_id or self.env.company
            tz = company._club_tz()
            day = pytz.utc.localize(booking.start).astimezone(tz).date()
            checkins = Checkin.search(
                [
                    ("partner_id", "=", booking.partner_id.id),
                    ("company_id", "=", company.id),
                    ("checkin_time", ">=", company._club_local_midnight(day, tz)),
                    (
                        "checkin_time",
                        "<",
                        company._club_local_midnight(day + timedelta(days=1), tz),
                    ),
                ],
                order="checkin_time, id",
            )
            if not checkins:
                booking.day_checkin_summary = self.env._("No check-in that day.")
                continue
            opens, closes = booking._checkin_window()

            def local(at, tz=tz):
                return pytz.utc.localize(at).astimezone(tz).strftime("%H:%M")

            window = f"{local(opens)}-{local(closes)}"
            where = {
                "before": self.env._("before the window (%s)", window),
                "within": self.env._("within the window (%s)", window),
                "after": self.env._("after the window (%s)", window),
            }
            lines = []
            for checkin in checkins:
                at = checkin.checkin_time
                position = (
                    "before" if at < opens else "after" if at > closes else "within"
                )
                lines.append(
                    self.env._(
                        "%(time)s, %(kind)s: %(where)s",
                        time=local(at),
                        kind=sources.get(checkin.source, checkin.source),
                        where=where[position],
                    )
                )
            booking.day_checkin_summary = "\n".join(lines)

    def _compute_booking_link_id(self):
        for booking in self:
            booking.booking_link_id = booking._origin

    @api.depends("partner_id", "start")
    def _compute_previous_booking_ids(self):
        for booking in self:
            if not booking.partner_id or not booking.start:
                booking.previous_booking_ids = False
                continue
            booking.previous_booking_ids = self.search(
                [
                    ("partner_id", "=", booking.partner_id.id),
                    ("start", "<", booking.start),
                    ("id", "!=", booking._origin.id),
                ],
                order="start desc, id desc",
                limit=10,
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("start", "stop")
    def _check_stop_after_start(self):
        for booking in self:
            if booking.start and booking.stop and booking.stop <= booking.start:
                raise ValidationError(
                    self.env._(
                        "Booking %(name)s must end after it starts.", name=booking.name
                    )
                )

    @api.constrains("credit_id", "partner_id", "offering_id", "start")
    def _check_credit_matches(self):
        for booking in self.filtered("credit_id"):
            credit = booking.credit_id
            if not credit._fits_booking(booking):
                raise ValidationError(
                    self.env._(
                        "%(credit)s cannot pay for booking %(booking)s: it belongs to "
                        "another member or another offering, or expires before the "
                        "booking's day.",
                        credit=credit.display_name,
                        booking=booking.name,
                    )
                )

    @api.constrains("state", "session_id")
    def _check_waitlisted_in_session(self):
        for booking in self:
            if booking.state == "waitlisted" and not booking.session_id:
                raise ValidationError(
                    self.env._(
                        "Booking %s is waitlisted: only a booking in a session waits "
                        "for a seat.",
                        booking.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # Before the sessions are locked and counted: who may not book
            # learns nothing about them.
            self.check_access("create")
            for vals in vals_list:
                protected = PROTECTED_FIELDS & vals.keys()
                state = vals.get("state", "booked")
                if (
                    protected - {"state"}
                    or state not in CREATE_STATES
                    or (state == "waitlisted" and not vals.get("session_id"))
                ):
                    raise AccessError(
                        self.env._(
                            "A new booking starts as booked (or waitlisted, in a full "
                            "session); log it off afterwards."
                        )
                    )
        # Superuser only: the caller checks the seats again (never an RPC).
        lock_late = self.env.su and self.env.context.get(LOCK_LATE_CONTEXT)
        if lock_late:
            # For these bookings only, not for what they cause (a promotion).
            self = self.with_context(**{LOCK_LATE_CONTEXT: False})
        sessions = self._sessions_of(vals_list)
        now = fields.Datetime.now()
        sequence = self.env["ir.sequence"]
        requests = []
        for vals in vals_list:
            if vals.get("session_id"):
                state = vals.get("state", "booked")
                session = sessions.browse(vals["session_id"])
                requests.append((session, vals.get("partner_id"), state))
                if state == "waitlisted":
                    vals.setdefault("waitlist_date", now)
            # The booking number comes from the sequence: a caller cannot pick
            # one (two bookings named alike would read alike on an invoice).
            if (
                not self.env.su
                or not vals.get("name")
                or vals["name"] == self.env._("New")
            ):
                vals["name"] = sequence.next_by_code("club.booking") or self.env._(
                    "New"
                )
        # Full, cancelled, the member twice: refused before anything is saved
        # (the sessions' rows stay locked until the end of the transaction).
        sessions._take_requests(requests, lock=not lock_late)
        if not self.env.su:
            # A seat (a walk-in too) until the session's end; the waitlist
            # closes at its start (_take_requests).
            sessions.browse(
                sorted(
                    {s.id for s, _partner, state in requests if state in SEAT_STATES}
                )
            )._check_walk_ins()
        for vals in vals_list:
            if vals.get("session_id"):
                vals.update(sessions.browse(vals["session_id"])._booking_values())
        creator = super()
        if self.env.context.get(QUEUE_NOTICES_CONTEXT):
            # No chatter line nor follow now: club.booking.notice makes them.
            creator = super(ClubBooking, self.with_context(tracking_disable=True))
        bookings = creator.create(vals_list).with_env(self.env)
        bookings.filtered(lambda b: b.state == "booked")._assign_credits()
        waiting = bookings.filtered(lambda b: b.state == "waitlisted")
        if waiting:
            waiting.session_id._trigger_waitlist_closing()
            if not lock_late:
                # Put on the waitlist of a session with a free seat: served at
                # once, in order (someone waiting before takes it first).
                waiting.session_id._promote_waitlist()
        return bookings

    @api.model
    def _sessions_of(self, vals_list):
        """The sessions the values name, checked: they exist and the user may
        read them (other companies' sessions are out of reach)."""
        ids = set()
        for vals in vals_list:
            value = vals.get("session_id")
            if value:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise UserError(self.env._("Unknown session."))
                ids.add(value)
        Session = self.env["club.session"]
        sessions = Session.browse(sorted(ids)).exists()
        if len(sessions) != len(ids):
            raise UserError(self.env._("Unknown session."))
        if not self.env.su:
            sessions.check_access("read")
        return sessions

    def write(self, vals):
        freed = self.env["club.session"]
        if vals.get("session_id"):
            session = self._sessions_of([vals])
            if not self.env.su and self.filtered(lambda b: b.session_id != session):
                session._check_walk_ins()
            vals = {**vals, **session._booking_values()}
        elif SESSION_FIELDS & vals.keys() and not self.env.context.get(
            "club_session_sync"
        ):
            self._check_session_fields(vals)
        self._check_history(vals)
        if not self.env.su:
            self._check_edit_rights(vals)
        if "session_id" in vals or "partner_id" in vals:
            freed = self._check_session_members(vals)
        if "state" in vals:
            # A correction (correct_outcome, through _apply_outcome) moves
            # between the logged outcomes the table says may be corrected.
            corrected = (
                CORRECTABLE_STATES
                if self.env.context.get("club_correction")
                and vals["state"] in CORRECTABLE_STATES
                else frozenset()
            )
            for booking in self:
                if (
                    vals["state"] != booking.state
                    and booking.state
                    not in OUTCOME_BY_STATE[vals["state"]].from_states | corrected
                ):
                    raise UserError(
                        self.env._(
                            "Booking %(name)s cannot go from %(old)s to %(new)s.",
                            name=booking.name,
                            old=booking._state_label(booking.state),
                            new=booking._state_label(vals["state"]),
                        )
                    )
        rematch = self.browse()
        if {"partner_id", "offering_id"} & vals.keys():
            # Another member or offering: the reserved credit may no longer fit;
            # the booking picks the best one again once changed.
            rematch = self.filtered(lambda b: b.state == "booked")
        elif vals.get("start"):
            # Moved past its credit's expiry date: it picks another one.
            day = fields.Datetime.to_datetime(vals["start"]).date()
            rematch = self.filtered(
                lambda b: b.state == "booked"
                and b.credit_id
                and not b.credit_id._fits_booking(b, day=day)
            )
        rematch._untie_credits()
        result = super().write(vals)
        rematch._assign_credits()
        # Out of their sessions: their seats go to the waitlists.
        freed._promote_waitlist()
        return result

    def _check_session_members(self, vals):
        """A booking moved into a session, or given another member, still
        fits: a seat left, the member once in the session, the session not
        cancelled. A waitlisted booking stays on its own session's waitlist.

        :return: the sessions bookings leave
        """
        new_session = self.env["club.session"]
        if "session_id" in vals:
            new_session = new_session.browse(vals["session_id"] or [])
            moving = self.filtered(lambda b: b.session_id != new_session)
            waitlisted = moving.filtered(lambda b: b.state == "waitlisted")
            if waitlisted:
                raise UserError(
                    self.env._(
                        "Booking %s waits for a seat in its own session: cancel it "
                        "and book the member into the other session.",
                        waitlisted[0].name,
                    )
                )
        requests = []
        for booking in self:
            session = new_session if "session_id" in vals else booking.session_id
            partner_id = vals.get("partner_id", booking.partner_id.id)
            if session and (
                session != booking.session_id or partner_id != booking.partner_id.id
            ):
                requests.append((session, partner_id, booking.state))
        if requests:
            sessions = self.env["club.session"].union(*(r[0] for r in requests))
            sessions._take_requests(requests, exclude_ids=self.ids)
        if "session_id" not in vals:
            return self.env["club.session"]
        return self.filtered(
            lambda b: b.session_id != new_session and b.state in SEAT_STATES
        ).session_id

    def _check_edit_rights(self, vals):
        if "name" in vals and any(booking.name != vals["name"] for booking in self):
            raise AccessError(
                self.env._(
                    "The booking number comes from the sequence: it cannot be "
                    "changed."
                )
            )
        protected = PROTECTED_FIELDS & vals.keys()
        if protected:
            raise AccessError(
                self.env._(
                    "The status, log and credit of a booking change only through its "
                    "actions (Log The Booking, Cancel, ...), not by editing: %s.",
                    ", ".join(sorted(protected)),
                )
            )
        log_form = LOG_FORM_FIELDS & vals.keys()
        if log_form:
            # Whatever else is written with it: the log of a logged booking is
            # history, and only those who may log a booking fill in its log.
            logged = self.filtered(lambda b: b.state != "booked")
            if logged:
                raise UserError(
                    self.env._(
                        "The log of a logged or cancelled booking cannot be changed "
                        "(%s).",
                        ", ".join(logged[:10].mapped("name")),
                    )
                )
            self._check_log_rights()
            if set(vals) <= LOG_FORM_FIELDS:
                return
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to edit bookings."))

    def _check_session_fields(self, vals):
        """A booking in a session takes its offering, times and trainer from
        it: move the session (its open bookings follow), or take the booking
        out of it."""
        fields_ = [name for name in SESSION_FIELDS if name in vals]
        for booking in self.filtered("session_id"):
            values = booking.session_id._booking_values(fields_)
            if any(
                self._fields[name].convert_to_cache(vals[name], booking)
                != self._fields[name].convert_to_cache(values[name], booking)
                for name in fields_
            ):
                raise UserError(
                    self.env._(
                        "Booking %(booking)s is in session %(session)s: its offering, "
                        "times and trainer are the session's. Move the session "
                        "instead.",
                        booking=booking.name,
                        session=booking.session_id.display_name,
                    )
                )

    def _check_history(self, vals):
        """Refuse, for everybody, a change of what a logged or cancelled booking
        was (member, offering, kind, times). Writing the value it has already is
        no change."""
        names = [name for name in HISTORY_FIELDS if name in vals]
        if not names:
            return

        def changes(booking):
            for name in names:
                field = self._fields[name]
                value = field.convert_to_record(
                    field.convert_to_cache(vals[name], booking), booking
                )
                if value != booking[name]:
                    return True
            return False

        bookings = self.filtered(
            lambda b: not OUTCOME_BY_STATE[b.state].is_open and changes(b)
        )
        if bookings:
            raise UserError(
                self.env._(
                    "Logged and cancelled bookings are the club's history: their "
                    "member, offering, kind, start and end cannot be changed "
                    "(%(bookings)s). A club manager can reopen a booking logged by "
                    "mistake (Reopen), then change it.",
                    bookings=", ".join(bookings[:10].mapped("name")),
                )
            )

    def unlink(self):
        # Deleted bookings free their seats: the waitlists move up.
        sessions = self.filtered(lambda b: b.state in SEAT_STATES).session_id
        result = super().unlink()
        sessions.exists()._promote_waitlist()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_logged(self):
        logged = self.filtered(lambda b: OUTCOME_BY_STATE[b.state].is_logged)
        if logged:
            raise UserError(
                self.env._(
                    "Logged bookings are the club's history and cannot be deleted "
                    "(%s). Reset them to booked first if they were logged by mistake.",
                    ", ".join(logged.mapped("name")),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_penalized(self):
        # A penalty, even a cancelled one, is the trail of what was charged.
        penalized = self.filtered("penalty_ids")
        if penalized:
            raise UserError(
                self.env._(
                    "Bookings with penalties are the club's history and cannot be "
                    "deleted (%s).",
                    ", ".join(penalized[:10].mapped("name")),
                )
            )

    def _state_label(self, state):
        return dict(self._fields["state"]._description_selection(self.env)).get(
            state, state
        )

    # ------------------------------------------------------------------
    # Log-off
    # ------------------------------------------------------------------
    def _check_log_rights(self):
        """Raise unless the current user may log every booking of ``self``."""
        if self.env.su:
            return
        self.check_access("read")
        user = self.env.user
        group_ids = set(user._get_group_ids())
        refused = self.filtered(lambda b: b.log_group_id.id not in group_ids)
        if refused:
            categories = dict(self._fields["category"]._description_selection(self.env))
            raise AccessError(
                self.env._(
                    "You are not allowed to log off %(categories)s bookings "
                    "(%(bookings)s).",
                    categories=", ".join(
                        sorted({categories[c] for c in refused.mapped("category")})
                    ),
                    bookings=", ".join(refused[:10].mapped("name")),
                )
            )

    def log_booking(self, status, note=None):
        """Log every booking of ``self`` as ``status`` (completed or no_show) by the
        current user. All of them or none: a refusal changes nothing."""
        outcome = OUTCOME_BY_STATE.get(status)
        if not outcome or not outcome.logged_by_staff:
            raise UserError(
                self.env._(
                    "A booking is logged as completed or no-show, not %r.", status
                )
            )
        if note is not None and not isinstance(note, str):
            raise UserError(self.env._("The note of a log-off must be text."))
        if not self:
            return True
        self._check_log_rights()
        self.sudo()._apply_outcome(
            status, note=note, source="staff", user=self.env.user
        )
        return True

    def _lock_rows(self, skip_locked=False):
        """Lock the rows, then drop what the cache knew: another transaction may
        have logged them while we waited."""
        if not self.ids:
            return self.browse()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM club_booking WHERE id IN %s ORDER BY id FOR UPDATE%s",
                tuple(self.ids),
                SQL(" SKIP LOCKED") if skip_locked else SQL(""),
            ),
            # A serialization failure is expected under load (another request
            # changed the rows since this one's snapshot): Odoo runs the
            # request again; not a "bad query" in the log.
            log_exceptions=False,
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset()
        return locked

    def _apply_outcome(
        self, state, note=None, source="staff", user=None, correction=False
    ):
        """The one log-off path (staff, kiosk, scheduled action): check, write the
        outcome and its log, move the credits, leave a trail in the chatter.
        Callers have checked the user's rights already; this runs as superuser.

        With ``correction``, the bookings are logged already and their outcome is
        turned into ``state`` (``correct_outcome``): the same checks but the
        first, the same log, and the credits move from what they were."""
        self._lock_rows()
        if correction:
            self._check_correction(state)
        else:
            not_open = self.filtered(lambda b: not OUTCOME_BY_STATE[b.state].is_open)
            if not_open:
                raise UserError(
                    self.env._(
                        "Only booked sessions can be logged; already logged or "
                        "cancelled: %s.",
                        ", ".join(not_open[:10].mapped("name")),
                    )
                )
        now = fields.Datetime.now()
        outcome = OUTCOME_BY_STATE[state]
        # A waitlisted booking has no seat: it is cancelled, never logged. (A
        # correction moves between logged outcomes: _check_correction.)
        unfit = (
            self.browse()
            if correction
            else self.filtered(lambda b: b.state not in outcome.from_states)
        )
        if unfit:
            raise UserError(
                self.env._(
                    "Waitlisted bookings have no seat: they can be cancelled, not "
                    "logged as %(state)s (%(bookings)s).",
                    state=self._state_label(state),
                    bookings=", ".join(unfit[:10].mapped("name")),
                )
            )
        if outcome.after_start:
            future = self.filtered(lambda b: b.start > now)
            if future:
                raise UserError(
                    self.env._(
                        "A session is logged once it has started; not started yet: %s.",
                        ", ".join(future[:10].mapped("name")),
                    )
                )
        user = user or self.env.user
        previous = None
        if correction:
            previous = {booking: booking.state for booking in self}
            # The former outcome's penalties go (the new one's come below).
            self._cancel_penalties(note)
        if outcome.credit_move == "use" or (
            correction and outcome.credit_move == "lose"
        ):
            # A member who bought credits after booking pays with them now; a
            # cancelled booking corrected into a no-show takes the credit it
            # would have held.
            self.filtered(lambda b: not b.credit_id)._assign_credits()
        vals = {
            "log_date": now,
            "log_user_id": user.id,
            "log_source": source,
            "log_status": state if outcome.logged_by_staff else False,
            # Whatever the outcome, the kiosk has nothing left to log later.
            "kiosk_log_at_start": False,
            # Whatever the outcome, no seat is offered any more.
            "offer_expires_at": False,
        }
        if correction:
            vals["late_cancel_waived"] = False
        if note is not None:
            vals["log_note"] = note or False
        credit_by_booking = {booking: booking.credit_id for booking in self}
        credits = self.credit_id
        # A waitlisted booking with a seat offered holds that seat too.
        seated = self.filtered(
            lambda b: OUTCOME_BY_STATE[b.state].holds_seat or b.offer_expires_at
        )
        # The chatter lines below are the trail; field tracking would add one
        # ORM message per record, too slow for the scheduled action's batches.
        self._transition(state, vals, correction=correction)
        if outcome.credit_move == "release":
            self._untie_credits()
        credits = credits.with_context(tracking_disable=True)
        if outcome.credit_move in ("use", "lose"):
            target = CREDIT_STATE_BY_MOVE[outcome.credit_move]
            credits.filtered(lambda c: c.state != target)._move(target)
        elif correction:
            # Used or lost by the former outcome: back to the member.
            credits.filtered(lambda c: c.state != "available")._mark_available()
        self._post_outcome_message(state, source, user, credit_by_booking, previous)
        # What an outcome costs the member follows it here, whoever logged or
        # corrected it: its penalty (club.penalty, the whole batch at once: the
        # scheduled action logs thousands) and strikes (models/club_strikes.py).
        if outcome.penalty:
            self.env["club.penalty"]._create_for_bookings(self, outcome.penalty, user)
        if outcome.strike:
            self._apply_strikes()
        if not outcome.holds_seat:
            # Seats freed before the session starts go to its waitlist.
            seated.session_id._promote_waitlist()
        return True

    def _transition(self, state, vals=None, correction=False, track=False):
        """The one writer of the bookings' ``state`` and its log (``vals``:
        log date, user, source, note...): the log-off path (_apply_outcome:
        log-offs, cancels, corrections), Reopen (_reopen) and the waitlist's
        promotion (_promote). ``write`` checks the move against the outcome
        table (``correction``: between correctable outcomes). Without
        ``track``, no field tracking: the callers write their own chatter line,
        one per booking, in one INSERT for the large batches."""
        context = {"club_correction": correction}
        if not track:
            context["tracking_disable"] = True
        self.with_context(**context).write({"state": state, **(vals or {})})
        return True

    def _reopen(self):
        """Back to booked (Reopen: a booking logged or cancelled by mistake):
        its log cleared, its credit back to the member and the best one
        reserved again, what the outcome charged cancelled. The caller checked
        the rights and the seat."""
        credits = self.credit_id
        self._transition(
            "booked",
            {
                "log_date": False,
                "log_user_id": False,
                "log_source": False,
                "log_status": False,
                "late_cancel_waived": False,
            },
            track=True,
        )
        credits._mark_available()
        self._assign_credits()
        # The outcome no longer holds, nor what it charged.
        self.env["club.penalty"]._cancel_for_bookings(
            self, self.env._("Reopened: the booking was logged by mistake.")
        )
        return True

    def _promote(self):
        """Waitlisted bookings (of sessions locked by the caller) get a seat:
        booked, with the member's best credit, a chatter line, an e-mail."""
        bookings = self._lock_rows().filtered(lambda b: b.state == "waitlisted")
        if not bookings:
            return bookings
        # A seat offered to them is theirs now: no longer an offer.
        bookings._transition("booked", {"offer_expires_at": False})
        credits = bookings._assign_credits()
        mailed = bookings._send_member_mail(WAITLIST_PROMOTED_TEMPLATE)
        bodies = {}
        for booking in bookings:
            lines = [
                self.env._(
                    "A seat freed up: promoted from the waitlist to booked (%s).",
                    booking.session_id.display_name,
                )
            ]
            if booking in credits:
                lines.append(
                    self.env._(
                        "Session credit #%(credit)s reserved.",
                        credit=credits[booking].id,
                    )
                )
            lines.append(
                self.env._("The member was told by e-mail.")
                if booking in mailed
                else self.env._("The member has no e-mail address: tell them.")
            )
            bodies[booking.id] = " ".join(lines)
        bookings._message_log_batch(bodies=bodies)
        return bookings

    def _send_member_mail(self, template_xmlid):
        """Queue the template's e-mail to each booking's member (Odoo's mail
        queue sends it: ``mail.mail``). Members without an e-mail address are
        left out. The mails that add or remove a booking from the member's
        calendar carry it as an .ics file (models/club_booking_calendar.py).

        :return: the bookings whose member was e-mailed
        """
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        bookings = self.filtered(lambda b: b.partner_id.email)
        if not template or not bookings:
            return self.browse()
        mails = template.sudo().send_mail_batch(bookings.ids, force_send=False)
        bookings._attach_ics(mails, template_xmlid)
        return bookings

    def _check_correction(self, state):
        """Raise unless each booking (locked) is logged in a correctable state
        other than ``state``."""
        self._check_correctable_status(state)
        not_logged = self.filtered(lambda b: b.state not in CORRECTABLE_STATES)
        if not_logged:
            raise UserError(
                self.env._(
                    "Only logged or cancelled bookings have an outcome to correct; "
                    "log these instead: %s.",
                    ", ".join(not_logged[:10].mapped("name")),
                )
            )
        same = self.filtered(lambda b: b.state == state)
        if same:
            # One whole sentence per state (a lazy text: its arguments after).
            template = self.env._(OUTCOME_BY_STATE[state].already_text)
            raise UserError(
                template % {"bookings": ", ".join(same[:10].mapped("name"))}
            )

    @api.model
    def _check_correctable_status(self, state):
        if not isinstance(state, str) or state not in CORRECTABLE_STATES:
            raise UserError(
                self.env._(
                    "An outcome is corrected into %(states)s, not %(state)r.",
                    states=", ".join(
                        self._state_label(s) for s in sorted(CORRECTABLE_STATES)
                    ),
                    state=state,
                )
            )

    def _post_outcome_message(
        self, state, source, user, credit_by_booking=None, previous=None
    ):
        """One chatter line per booking: its outcome, the credit it moved, its
        note; for a correction (``previous``: ``{booking: former state}``), from
        what to what. (The credits' own status tracking is left out: an ORM
        message per credit would cost more than the log-off of the booking.)"""
        sources = dict(self._fields["log_source"]._description_selection(self.env))
        head = {"status": self._state_label(state), "source": sources[source]}
        # Whole sentences, for translators: the outcome line, then the credit's.
        if previous:
            outcome_text = self.env._(
                "Outcome corrected from <b>%(former)s</b> to <b>%(status)s</b> "
                "(%(source)s)."
            )
        else:
            outcome_text = self.env._("Logged as <b>%(status)s</b> (%(source)s).")
        credit_text = self.env._(OUTCOME_BY_STATE[state].credit_text)
        templates = {}
        notes = {}
        for booking in self:
            credit = (credit_by_booking or {}).get(booking)
            note = booking.log_note
            key = (bool(credit), bool(note))
            if key not in templates:
                template = outcome_text
                if credit:
                    template += "<br/>" + credit_text
                if note:
                    template += "<br/>%(note)s"
                templates[key] = template
            values = head
            if credit or note or previous:
                values = dict(head, credit=credit.id if credit else 0, note=note or "")
            if previous:
                values["former"] = self._state_label(previous[booking])
            notes[booking.id] = (templates[key], values)
        log_notes(self, notes, author_id=user.partner_id.id)

    # ------------------------------------------------------------------
    # Credits
    # ------------------------------------------------------------------
    def _assign_credits(self):
        """Give each booking without a credit the member's best free credit.

        :return: ``{booking: credit}`` of the credits given
        """
        todo = self.filtered(lambda b: not b.credit_id)
        allocation = self.env["club.session.credit"].sudo()._allocate(todo)
        return self._tie_credits(allocation)

    @api.model
    def _tie_credits(self, allocation):
        """The one way a credit is tied to a booking (``{booking: credit}``);
        the credit's state is the caller's (see ``_replace_credit``).

        :return: ``allocation``
        """
        for booking, credit in allocation.items():
            booking.sudo().credit_id = credit
        return allocation

    def _untie_credits(self):
        """The one way credits are untied from their bookings: the credits go
        back to nobody (their state is the caller's: available, refunded...).

        :return: the credits untied
        """
        tied = self.filtered("credit_id")
        credits = tied.credit_id
        if tied:
            tied.sudo().write({"credit_id": False})
        return credits

    def _replace_credit(self, credit):
        """Tie ``credit`` to this booking in place of its current one, which goes
        back to the member as available. The new credit takes the state the
        booking's outcome gives it (used for a completed booking...)."""
        self.ensure_one()
        old = self.credit_id
        self._tie_credits({self: credit})
        move = OUTCOME_BY_STATE[self.state].credit_move
        credit._move(CREDIT_STATE_BY_MOVE.get(move, "available"))
        old._mark_available()
        self._message_log(
            body=self.env._("Paid by %(credit)s.", credit=credit.display_name),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_log_booking(self):
        """The Log Off tab's "Log The Booking" button."""
        for booking in self:
            if not booking.log_status:
                raise UserError(
                    self.env._(
                        "Select whether booking %s was completed or a no-show.",
                        booking.name,
                    )
                )
        for status, _label in STAFF_LOG_SELECTION:
            bookings = self.filtered(lambda b, s=status: b.log_status == s)
            if bookings:
                bookings.log_booking(status)
        return True

    def action_log_completed(self):
        return self.log_booking("completed")

    def action_log_no_show(self):
        return self.log_booking("no_show")

    def action_cancel(self):
        """Cancel by staff: see cancel_booking (a late cancel inside the
        offering's late-cancel window)."""
        return self.cancel_booking()

    def action_reset_to_booked(self):
        """Undo a log-off or a cancellation made by mistake (club managers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a club manager can reopen a booking."))
        if not self:  # called over RPC without ids: nothing to do
            return True
        # The sessions first, then the bookings (see action_cancel).
        self.session_id.sudo()._lock()
        self._lock_rows()
        if self.filtered(lambda b: OUTCOME_BY_STATE[b.state].is_open):
            raise UserError(self.env._("These bookings are open already."))
        # A cancelled booking of a session takes a seat again: there must be
        # one (a logged one holds its seat already).
        reseated = self.filtered(lambda b: b.session_id and b.state not in SEAT_STATES)
        if reseated:
            reseated.session_id._take_requests(
                [(b.session_id, b.partner_id.id, "booked") for b in reseated],
                exclude_ids=reseated.ids,
            )
        self.sudo()._reopen()
        return True

    def action_view_penalties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "club_session_logoff.club_penalty_action"
        )
        action["domain"] = [("booking_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_open_booking(self):
        """Open the booking's own form (from a member's account lists)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "club.booking",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

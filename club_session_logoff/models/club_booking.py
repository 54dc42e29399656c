from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index

from ..tools.bulk_chatter import log_notes
from .club_booking_outcomes import (
    CREDIT_STATE_BY_MOVE,
    OUTCOME_BY_STATE,
    STAFF_LOG_SELECTION,
    STATE_HELP,
    STATE_SELECTION,
)
from .club_session import SESSION_FIELDS
from .res_company import KIOSK_MINUTES_MAX

# Each category is logged off by the group named after it: group_logoff_<category>
# (security/club_security.xml). The booking stores it (log_group_id); the record
# rule, the Python check and the form read it there.
LOG_GROUP_XMLID = "club_session_logoff.group_logoff_%s"
BOOKING_USER_GROUP = "club_session_logoff.group_booking_user"
MANAGER_GROUP = "club_session_logoff.group_club_manager"

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
}
# What a staff member who may log a booking, but not edit it, may write.
LOG_FORM_FIELDS = {"log_status", "log_note"}
# What the session was: once a booking is logged or cancelled these are the
# club's history (credits and reports follow them), changed by nobody, superuser
# included, until a club manager reopens it (Reopen: action_reset_to_booked).
HISTORY_FIELDS = ("partner_id", "offering_id", "booking_kind", "start", "stop")


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

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
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
                    LOG_GROUP_XMLID % booking.category, raise_if_not_found=False
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
            if booking.start and (booking.state == "booked" or not booking.stop):
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
        stored = self.filtered("id")
        (self - stored).checked_in = False
        if not stored:
            return
        self.env["club.checkin"].flush_model()
        self.env["res.company"].flush_model(
            ["club_kiosk_minutes_before", "club_kiosk_minutes_after"]
        )
        self.flush_recordset(["partner_id", "start", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id FROM club_booking b
                  JOIN res_company c ON c.id = b.company_id
                 WHERE b.id IN %(ids)s
                   AND EXISTS (
                    SELECT 1 FROM club_checkin k
                     WHERE k.partner_id = b.partner_id
                       AND k.company_id = b.company_id
                       AND k.checkin_time
                           BETWEEN b.start - make_interval(mins => LEAST(
                                       c.club_kiosk_minutes_before, %(max)s))
                               AND b.start + make_interval(mins => LEAST(
                                       c.club_kiosk_minutes_after, %(max)s)))
                """,
                ids=tuple(stored.ids),
                # Within bounds, whatever was stored before the bounds existed.
                max=KIOSK_MINUTES_MAX,
            )
        )
        checked = {row[0] for row in self.env.cr.fetchall()}
        for booking in stored:
            booking.checked_in = booking.id in checked

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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                protected = PROTECTED_FIELDS & vals.keys()
                if protected - {"state"} or vals.get("state", "booked") != "booked":
                    raise AccessError(
                        self.env._(
                            "A new booking starts as booked; log it off afterwards."
                        )
                    )
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("session_id"):
                session = self.env["club.session"].browse(vals["session_id"])
                vals.update(session._booking_values())
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = sequence.next_by_code("club.booking") or self.env._(
                    "New"
                )
        bookings = super().create(vals_list)
        bookings.filtered(lambda b: b.state == "booked")._assign_credits()
        return bookings

    def write(self, vals):
        if vals.get("session_id"):
            session = self.env["club.session"].browse(vals["session_id"])
            vals = {**vals, **session._booking_values()}
        elif SESSION_FIELDS & vals.keys() and not self.env.context.get(
            "club_session_sync"
        ):
            self._check_session_fields(vals)
        self._check_history(vals)
        if not self.env.su:
            self._check_edit_rights(vals)
        if "state" in vals:
            for booking in self:
                if (
                    vals["state"] != booking.state
                    and booking.state not in OUTCOME_BY_STATE[vals["state"]].from_states
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
        if rematch.credit_id:
            rematch.filtered("credit_id").sudo().write({"credit_id": False})
        result = super().write(vals)
        rematch._assign_credits()
        return result

    def _check_edit_rights(self, vals):
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

        bookings = self.filtered(lambda b: b.state != "booked" and changes(b))
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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_logged(self):
        logged = self.filtered(lambda b: b.state in ("completed", "no_show"))
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
            )
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset()
        return locked

    def _apply_outcome(self, state, note=None, source="staff", user=None):
        """The one log-off path (staff, kiosk, scheduled action): check, write the
        outcome and its log, move the credits, leave a trail in the chatter.
        Callers have checked the user's rights already; this runs as superuser."""
        self._lock_rows()
        not_open = self.filtered(lambda b: b.state != "booked")
        if not_open:
            raise UserError(
                self.env._(
                    "Only booked sessions can be logged; already logged or cancelled: "
                    "%s.",
                    ", ".join(not_open[:10].mapped("name")),
                )
            )
        now = fields.Datetime.now()
        outcome = OUTCOME_BY_STATE[state]
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
        if outcome.credit_move == "use":
            # A member who bought credits after booking pays with them now.
            self.filtered(lambda b: not b.credit_id)._assign_credits()
        vals = {
            "state": state,
            "log_date": now,
            "log_user_id": user.id,
            "log_source": source,
            "log_status": state if outcome.logged_by_staff else False,
            # Whatever the outcome, the kiosk has nothing left to log later.
            "kiosk_log_at_start": False,
        }
        if note is not None:
            vals["log_note"] = note or False
        credit_by_booking = {booking: booking.credit_id for booking in self}
        credits = self.credit_id
        if outcome.credit_move == "release":
            vals["credit_id"] = False
        # The chatter lines below are the trail; field tracking would add one
        # ORM message per record, too slow for the scheduled action's batches.
        self.with_context(tracking_disable=True).write(vals)
        if outcome.credit_move in ("use", "lose"):
            credits.with_context(tracking_disable=True)._move(
                CREDIT_STATE_BY_MOVE[outcome.credit_move]
            )
        self._post_outcome_message(state, source, user, credit_by_booking)
        if outcome.penalty:
            # The whole batch at once (the scheduled action logs thousands).
            self.env["club.penalty"]._create_for_bookings(self, outcome.penalty, user)
        return True

    def _post_outcome_message(self, state, source, user, credit_by_booking=None):
        """One chatter line per booking: its outcome, the credit it moved, its
        note. (The credits' own status tracking is left out: an ORM message per
        credit would cost more than the log-off of the booking.)"""
        sources = dict(self._fields["log_source"]._description_selection(self.env))
        head = {
            "logged_as": self.env._("Logged as"),
            "status": self._state_label(state),
            "source": sources[source],
        }
        credit_text = self.env._(OUTCOME_BY_STATE[state].credit_text)
        templates = {}
        notes = {}
        for booking in self:
            credit = (credit_by_booking or {}).get(booking)
            note = booking.log_note
            key = (bool(credit), bool(note))
            if key not in templates:
                template = "%(logged_as)s <b>%(status)s</b> (%(source)s)"
                if credit:
                    template += "<br/>" + credit_text
                if note:
                    template += "<br/>%(note)s"
                templates[key] = template
            values = head
            if credit or note:
                values = dict(head, credit=credit.id if credit else 0, note=note or "")
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
        for booking, credit in allocation.items():
            booking.sudo().credit_id = credit
        return allocation

    def _replace_credit(self, credit):
        """Tie ``credit`` to this booking in place of its current one, which goes
        back to the member as available. The new credit takes the state the
        booking's outcome gives it (used for a completed booking...)."""
        self.ensure_one()
        old = self.credit_id
        self.sudo().credit_id = credit
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
        for status in ("completed", "no_show"):
            bookings = self.filtered(lambda b, s=status: b.log_status == s)
            if bookings:
                bookings.log_booking(status)
        return True

    def action_log_completed(self):
        return self.log_booking("completed")

    def action_log_no_show(self):
        return self.log_booking("no_show")

    def action_cancel(self):
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to cancel bookings."))
        if not self:  # called over RPC without ids: nothing to do
            return True
        self.check_access("write")
        self.sudo()._apply_outcome("cancelled", source="staff", user=self.env.user)
        return True

    def action_reset_to_booked(self):
        """Undo a log-off or a cancellation made by mistake (club managers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a club manager can reopen a booking."))
        if not self:  # called over RPC without ids: nothing to do
            return True
        self._lock_rows()
        if self.filtered(lambda b: b.state == "booked"):
            raise UserError(self.env._("These bookings are open already."))
        bookings = self.sudo()
        credits = bookings.credit_id
        bookings.write(
            {
                "state": "booked",
                "log_date": False,
                "log_user_id": False,
                "log_source": False,
                "log_status": False,
            }
        )
        credits._mark_available()
        bookings._assign_credits()
        # The outcome no longer holds, nor what it charged.
        self.env["club.penalty"]._cancel_for_bookings(
            bookings, self.env._("Reopened: the booking was logged by mistake.")
        )
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

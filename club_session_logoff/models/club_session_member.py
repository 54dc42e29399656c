"""A member books a session (member portal): the timetable a member may book,
and ``_book_as_member``, which goes through the rules of staff booking
(``club.booking.create``: the session lock and its checks, the member's best
credit, the strikes block) plus the portal's own (booking window, close time,
cap of upcoming bookings, a usable credit unless the club lets members book
unpaid)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, format_datetime

from ..tools.groups import BOOKING_USER_GROUP
from .club_booking import LOCK_LATE_CONTEXT, QUEUE_NOTICES_CONTEXT
from .club_session import SeatTaken

# The member's own bookings that count against the club's cap.
UPCOMING_STATES = ("booked", "waitlisted")
# A member holding one of these in a session is one of its members already.
MEMBER_STATES = ("booked", "waitlisted", "completed", "no_show")
# A page of the member's timetable (/my/club/sessions): whole days, as many as
# fit in this many sessions and days. What a page costs the server grows with
# its sessions: the 300 of a busy fortnight on one page cost 88 ms of CPU, and
# 20 members reading at once on two cores need a page under 20 ms
# (docs/deployment.md); 30 rows are also a long enough list on a phone.
TIMETABLE_PAGE_SESSIONS = 30
TIMETABLE_PAGE_DAYS = 7


class ClubSession(models.Model):
    _inherit = "club.session"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The window members book in
    # ------------------------------------------------------------------
    @api.model
    def _member_window_end(self, company):
        """Members book sessions starting before this instant (naive UTC): the
        end of the club's day ``club_booking_open_days`` after today."""
        last_day = company._club_today() + timedelta(
            days=company.club_booking_open_days
        )
        return company._club_local_midnight(last_day + timedelta(days=1))

    def _member_booking_closes_at(self):
        """When members stop booking the session: the offering's close time
        before its start."""
        self.ensure_one()
        return self.start - timedelta(
            minutes=self.sudo().offering_id.booking_close_minutes
        )

    @api.model
    def _member_timetable_domain(self, company, now):
        """The sessions of ``company`` in the booking window, not started."""
        return [
            ("company_id", "=", company.id),
            ("state", "=", "scheduled"),
            ("is_cancelled", "=", False),
            ("start", ">", now),
            ("start", "<", self._member_window_end(company)),
        ]

    @api.model
    def _member_timetable_index(self, company, now=None):
        """Every session a member may book now, soonest first, as ``(session
        id, offering id, trainer id, day)`` tuples (the day of its start in
        the club's time zone); read with the caller's rights (a portal user
        sees their own club's scheduled sessions).

        One query, whatever the number of sessions: the timetable's filters
        and pages are built from it, and only a page's sessions are then read
        as records (reading the window's 300 sessions as records cost more
        than showing a page of them)."""
        now = now or fields.Datetime.now()
        query = self._search(
            self._member_timetable_domain(company, now), order="start, id"
        )
        offering = query.join(
            self._table, "offering_id", "club_offering", "id", "offering_id"
        )
        start = self._field_to_sql(self._table, "start", query)
        # Still open for booking: _member_booking_closes_at, in SQL. The
        # offering's close time is one of the fields read as superuser for
        # members (as there).
        close = (
            self.env["club.offering"]
            .sudo()
            ._field_to_sql(offering, "booking_close_minutes", query)
        )
        query.add_where(
            SQL("%s - make_interval(mins => COALESCE(%s, 0)) > %s", start, close, now)
        )
        return self.env.execute_query(
            query.select(
                SQL.identifier(self._table, "id"),
                self._field_to_sql(self._table, "offering_id", query),
                self._field_to_sql(self._table, "trainer_id", query),
                # The day in the club's time zone (res.company._club_tz).
                SQL(
                    "(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date",
                    start,
                    company._club_tz().zone,
                ),
            )
        )

    @api.model
    def _member_timetable(self, company, offering=None, trainer=None, now=None):
        """The sessions of ``company`` a member may book now, soonest first,
        read with the caller's rights (a portal user sees their own club's
        scheduled sessions)."""
        return self.browse(
            [
                session_id
                for session_id, offering_id, trainer_id, _day in (
                    self._member_timetable_index(company, now=now)
                )
                if (not offering or offering_id == offering.id)
                and (not trainer or trainer_id == trainer.id)
            ]
        )

    @api.model
    def _member_timetable_pages(self, index):
        """The pages of a member's timetable: ``index`` (``(session id, day)``
        pairs, soonest first) as a list of pages, each a list of ``(day,
        [session ids])``.

        A page holds whole days: its first day, then the following ones while
        it stays within TIMETABLE_PAGE_SESSIONS sessions and
        TIMETABLE_PAGE_DAYS days from its first; a day busier than that is a
        page of its own (a member reads a day whole). Days without a session
        are on no page."""
        days = []
        for session_id, day in index:
            if not days or days[-1][0] != day:
                days.append((day, []))
            days[-1][1].append(session_id)
        pages = []
        for day, ids in days:
            page = pages[-1] if pages else None
            if (
                page
                and (day - page[0][0]).days < TIMETABLE_PAGE_DAYS
                and sum(len(i) for _d, i in page) + len(ids) <= TIMETABLE_PAGE_SESSIONS
            ):
                page.append((day, ids))
            else:
                pages.append([(day, ids)])
        return pages

    def _member_waitlist_positions(self):
        """``{booking id: position}`` of the waitlisted bookings of these
        sessions, first requested first (the order they are promoted in)."""
        if not self:
            return {}
        self.env["club.booking"].flush_model(
            ["session_id", "state", "waitlist_date", "create_date"]
        )
        # One query, whatever the number of sessions (the timetable asks for
        # a member's waitlisted ones).
        self.env.cr.execute(
            SQL(
                """
                SELECT id, row_number() OVER (
                           PARTITION BY session_id
                           ORDER BY COALESCE(waitlist_date, create_date), id)
                  FROM club_booking
                 WHERE session_id = ANY(%s) AND state = 'waitlisted'
                """,
                self.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------
    def _book_as_member(self, partner=None):
        """Book the calling portal user's member (or ``partner``, for staff and
        superuser callers) into the session: ``booked``, or ``waitlisted`` when
        it is full. Refused with a clear message, and nothing changed, for a
        session not in the member's timetable (another club's, cancelled,
        started, closed for booking, beyond the booking window), the member in
        it already, the cap of upcoming bookings reached, no usable credit
        (unless the club lets members book unpaid), or a strikes block.

        :return: the new booking (club.booking, with the caller's environment)
        """
        self.ensure_one()
        user = self.env.user
        if partner is None or not (self.env.su or user.has_group(BOOKING_USER_GROUP)):
            if user._is_public():
                raise AccessError(self.env._("Sign in to book a session."))
            partner = user.partner_id
        try:
            self.check_access("read")
        except AccessError:
            raise UserError(
                self.env._("This session is not in your club's timetable.")
            ) from None
        now = fields.Datetime.now()
        session = self.sudo()
        if not session.exists():
            raise UserError(self.env._("This session no longer exists."))
        # The member's own rules first, without the session's lock: members
        # booking the session at once are served one at a time from the lock
        # on, so the lock is kept for the seat alone. What may change meanwhile
        # (the session cancelled, the member booked by a second request) is
        # checked again on the locked row (club.session._seat_after_lock).
        session._check_member_may_book(partner, now)
        company = session.company_id
        Booking = self.env["club.booking"].sudo()
        if not company.club_portal_unpaid:
            probe = Booking.new(
                {
                    "partner_id": partner.id,
                    "offering_id": session.offering_id.id,
                    "start": session.start,
                    "stop": session.stop,
                    "company_id": company.id,
                }
            )
            if not self.env["club.session.credit"].sudo()._allocate(probe):
                raise UserError(
                    self.env._(
                        "You have no session credit for %(offering)s: buy one at "
                        "the front desk, then book.",
                        offering=session.offering_id.name,
                    )
                )
        # The seat: counted without the lock, then again on the locked row
        # right before the commit (club.session._seat_after_lock), so that
        # members booking the session at once wait for each other's count
        # only, in the order they take the lock. club.booking.create runs the
        # staff rules (the member's best credit, the strikes block); its
        # chatter line and confirmation are queued, sent after the commit
        # (club.booking.notice). A refusal rolls back to here.
        Booking = Booking.with_context(**{QUEUE_NOTICES_CONTEXT: True})
        full = session._is_full()
        vals = {
            "partner_id": partner.id,
            "session_id": session.id,
            "booking_kind": "session",
        }
        try:
            with self.env.cr.savepoint():
                booking = Booking.with_context(**{LOCK_LATE_CONTEXT: True}).create(
                    {**vals, "state": "waitlisted" if full else "booked"}
                )
                session._seat_after_lock(booking)
        except SeatTaken:
            # The last seat went to a member ahead meanwhile: the session's
            # row locked first, as staff book, the member is waitlisted.
            session = session._lock()
            if not session:
                raise UserError(self.env._("This session no longer exists.")) from None
            full = session._is_full()
            with self.env.cr.savepoint():
                booking = Booking.create(
                    {**vals, "state": "waitlisted" if full else "booked"}
                )
        return booking.with_env(self.env)

    def _check_member_may_book(self, partner, now):
        """Raise a UserError saying why ``partner`` may not book the session
        at ``now`` in the portal, if so (before the session's lock: what may
        change meanwhile is checked again on the locked row)."""
        self.ensure_one()
        company = self.company_id
        tz = company._club_tz().zone
        if self.is_cancelled or self.state == "cancelled":
            raise UserError(self.env._("%s is cancelled.", self.name))
        if self.start <= now:
            raise UserError(
                self.env._("%s has started: it can no longer be booked.", self.name)
            )
        closes = self._member_booking_closes_at()
        if closes <= now:
            raise UserError(
                self.env._(
                    "Booking %(session)s closed at %(time)s.",
                    session=self.name,
                    time=format_datetime(self.env, closes, tz=tz, dt_format="short"),
                )
            )
        if self.start >= self._member_window_end(company):
            local_start = fields.Datetime.context_timestamp(
                self.with_context(tz=tz), self.start
            )
            opens = local_start.date() - timedelta(days=company.club_booking_open_days)
            raise UserError(
                self.env._(
                    "%(session)s opens for booking on %(date)s (members book "
                    "%(days)s days ahead).",
                    session=self.name,
                    date=format_date(self.env, opens),
                    days=company.club_booking_open_days,
                )
            )
        Booking = self.env["club.booking"].sudo()
        mine = Booking.search(
            [
                ("session_id", "=", self.id),
                ("partner_id", "=", partner.id),
                ("state", "in", MEMBER_STATES),
            ],
            limit=1,
        )
        if mine.state == "waitlisted":
            raise UserError(
                self.env._("You are already on the waitlist of %s.", self.name)
            )
        if mine:
            raise UserError(self.env._("You are already booked in %s.", self.name))
        cap = company.club_max_open_bookings
        if cap:
            upcoming = Booking.search_count(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("state", "in", UPCOMING_STATES),
                    ("start", ">", now),
                ]
            )
            if upcoming >= cap:
                raise UserError(
                    self.env._(
                        "You already hold %(count)s upcoming bookings, the club's "
                        "limit: cancel one to book another.",
                        count=upcoming,
                    )
                )

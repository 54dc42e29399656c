"""Waitlist offers: a seat that frees up inside the offering's late-cancel window
is offered to the next waitlisted member for the club's
``club_waitlist_offer_minutes`` instead of being given at once (nobody is
dropped into a class an hour before it starts without asking).

- The offer is a waitlisted booking with ``offer_expires_at`` set: no new state.
  The session's seat counting (``club.session._compute_seats`` and
  ``_take_requests``) counts it as taking a seat, so nobody else gets that seat
  while the offer is open.
- The member takes the seat (``_accept_offer``: the signed link of the
  offer's mail, controllers/offers.py, or the portal's booking page): booked
  with their best credit through the promotion path (``_promote``), under the
  session's lock.
- An offer lapses at ``offer_expires_at`` (``ir_cron_club_waitlist_offers`` is
  triggered at that moment): the booking leaves the waitlist (cancelled, no
  penalty, a line in its chatter) and the seat goes to the next member waiting.
  An offer never outlives the session's start, when the waitlist closes.
- With offers on, promotion passes over a member without a usable credit
  (unless the club lets members book unpaid) and tells them once by e-mail.
- Staff promote a waitlisted booking by hand (``action_promote_now``).
"""

from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from ..tools.groups import BOOKING_USER_GROUP

# The scope of the offers' signed tokens (hash_sign).
ACCEPT_TOKEN_SCOPE = "club_session_logoff.booking_accept"
OFFERS_CRON = "club_session_logoff.ir_cron_club_waitlist_offers"
OFFER_TEMPLATE = "club_session_logoff.mail_template_club_waitlist_offer"
NO_CREDIT_TEMPLATE = "club_session_logoff.mail_template_club_waitlist_no_credit"


class ClubBooking(models.Model):
    _inherit = "club.booking"  # pylint: disable=consider-merging-classes-inherited

    offer_expires_at = fields.Datetime(
        string="Seat Offered Until",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A seat freed up inside the late-cancel window and is held for this "
        "waitlisted member until then: they take it (Take the seat) or it goes "
        "to the next member waiting.",
    )
    offer_open = fields.Boolean(
        string="Seat Offered",
        compute="_compute_offer",
        help="Waitlisted, with a seat held for the member right now.",
    )
    offer_until_text = fields.Char(
        string="Offered Until (Club Time)",
        compute="_compute_offer",
        help="When the offer lapses, in the club's time zone, the zone named.",
    )
    accept_url = fields.Char(
        string="Take-the-Seat Link",
        compute="_compute_accept_url",
        groups=BOOKING_USER_GROUP,
        help="The signed link of the offer's Take the seat button: valid until the "
        "offer lapses, for this booking only.",
    )
    no_credit_notified = fields.Boolean(
        string="Told: No Credit For A Free Seat",
        readonly=True,
        copy=False,
        help="The member was told by e-mail that a seat was free but they had no "
        "usable session credit (told once).",
    )

    @api.depends("state", "offer_expires_at", "company_id")
    @api.depends_context("lang")
    def _compute_offer(self):
        now = fields.Datetime.now()
        for booking in self:
            expires = booking.offer_expires_at
            booking.offer_open = bool(
                booking.state == "waitlisted" and expires and expires > now
            )
            text = False
            if expires:
                sudo = booking.sudo()
                tz = sudo.company_id._club_tz() if sudo.company_id else pytz.utc
                text = "{} ({})".format(
                    format_datetime(
                        self.env,
                        expires,
                        tz=tz.zone,
                        dt_format="EEE d MMM, HH:mm",
                        lang_code=self.env.lang,
                    ),
                    tz.zone,
                )
            booking.offer_until_text = text

    @api.depends("offer_expires_at", "partner_id")
    def _compute_accept_url(self):
        for booking in self:
            booking.accept_url = (
                booking._accept_url()
                if booking.id and booking.offer_expires_at
                else False
            )

    # ------------------------------------------------------------------
    # The signed link of the offer (the signing is club_booking_reminder.py's)
    # ------------------------------------------------------------------
    def _accept_token(self):
        """Take the seat's token: valid until the offer lapses."""
        return self._signed_token(ACCEPT_TOKEN_SCOPE, self.sudo().offer_expires_at)

    def _accept_url(self):
        return self._signed_url("accept", self._accept_token())

    @api.model
    def _from_accept_token(self, booking_id, token):
        return self._from_signed_token(ACCEPT_TOKEN_SCOPE, booking_id, token)

    # ------------------------------------------------------------------
    # Offering a seat (club.session._promote_waitlist decides who)
    # ------------------------------------------------------------------
    def _without_credit(self):
        """Those of these waitlisted bookings that promotion passes over for
        want of a usable credit: only in a club with waitlist offers on that
        does not let members book unpaid.

        :return: club.booking
        """
        todo = self.filtered(
            lambda b: not b.credit_id
            and b.company_id.club_waitlist_offer_minutes > 0
            and not b.company_id.club_portal_unpaid
        )
        if not todo:
            return self.browse()
        allocation = self.env["club.session.credit"].sudo()._allocate(todo)
        return todo.filtered(lambda b: b not in allocation)

    def _offer_seat(self, now):
        """Hold a seat for each of these waitlisted bookings (of sessions
        locked by the caller) for their club's minutes, never beyond the
        session's start; mail the member; plan the lapse run."""
        bookings = (
            self.sudo()
            ._lock_rows()
            .filtered(lambda b: b.state == "waitlisted" and not b.offer_expires_at)
        )
        if not bookings:
            return bookings
        expiries = set()
        for booking in bookings:
            minutes = booking.company_id.club_waitlist_offer_minutes
            expires = min(now + timedelta(minutes=minutes), booking.start)
            booking.write({"offer_expires_at": expires})
            expiries.add(expires)
        cron = self.env.ref(OFFERS_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=sorted(expiries))
        mailed = bookings._send_member_mail(OFFER_TEMPLATE)
        bodies = {}
        for booking in bookings:
            lines = [
                self.env._(
                    "A seat freed up inside the late-cancel window: offered to the "
                    "member until %(until)s, held for them meanwhile.",
                    until=booking.offer_until_text,
                ),
                self.env._("The member was told by e-mail.")
                if booking in mailed
                else self.env._("The member has no e-mail address: tell them."),
            ]
            bodies[booking.id] = " ".join(lines)
        bookings._message_log_batch(bodies=bodies)
        return bookings

    def _lapse_offer(self):
        """The offers of these bookings (locked by the caller) lapsed: they
        leave the waitlist (cancelled, without penalty). Their seats are free
        again: the caller gives them to the next members."""
        bookings = self.sudo().filtered(
            lambda b: b.state == "waitlisted" and b.offer_expires_at
        )
        if not bookings:
            return bookings
        notes = {booking.id: booking.offer_until_text for booking in bookings}
        # Not holding the seat any more first: _apply_outcome then has no seat
        # to give (the caller gives it).
        bookings.write({"offer_expires_at": False})
        for booking in bookings:
            booking._apply_outcome(
                "cancelled",
                note=self.env._(
                    "The seat offered until %(until)s was not taken: the offer "
                    "lapsed and the booking left the waitlist.",
                    until=notes[booking.id],
                ),
                source="auto",
            )
        return bookings

    def _note_no_credit(self):
        """Tell these waitlisted members, once, that a seat was free but they
        had no usable session credit (an e-mail and a chatter line)."""
        bookings = self.sudo().filtered(lambda b: not b.no_credit_notified)
        if not bookings:
            return bookings
        bookings.write({"no_credit_notified": True})
        mailed = bookings._send_member_mail(NO_CREDIT_TEMPLATE)
        bodies = {}
        for booking in bookings:
            lines = [
                self.env._(
                    "A seat freed up in %(session)s, but the member has no usable "
                    "session credit: passed over, still on the waitlist.",
                    session=booking.session_id.display_name,
                ),
                self.env._("The member was told by e-mail.")
                if booking in mailed
                else self.env._("The member has no e-mail address: tell them."),
            ]
            bodies[booking.id] = " ".join(lines)
        bookings._message_log_batch(bodies=bodies)
        return bookings

    # ------------------------------------------------------------------
    # Taking the seat (the member) and promoting by hand (staff)
    # ------------------------------------------------------------------
    def _accept_offer(self):
        """The member takes the seat offered to them: booked, with their best
        credit, through the promotion path. Under the session's lock, decided
        on what is locked: of two accepts at once, or an accept racing the
        lapse run, one outcome only. Refused, changing nothing, once the offer
        lapsed, and without a usable credit (unless the club lets members book
        unpaid).

        :return: True
        """
        self.ensure_one()
        self._check_member_may_act()
        booking = self.sudo()
        booking.session_id._lock()
        booking._lock_rows()
        now = fields.Datetime.now()
        if booking.state == "booked":
            raise UserError(
                self.env._("You have taken this seat already: you are booked.")
            )
        if (
            booking.state != "waitlisted"
            or not booking.offer_expires_at
            or booking.offer_expires_at <= now
            or booking.start <= now
        ):
            raise UserError(
                self.env._(
                    "This offer is no longer open: the seat went to the next member "
                    "waiting, or the session has started."
                )
            )
        company = booking.company_id
        if (
            not booking.credit_id
            and not company.club_portal_unpaid
            and not self.env["club.session.credit"].sudo()._allocate(booking)
        ):
            raise UserError(
                self.env._(
                    "You have no session credit for %(offering)s: buy one at the "
                    "front desk, then take the seat before %(until)s.",
                    offering=booking.offering_id.name,
                    until=booking.offer_until_text,
                )
            )
        booking._promote()
        return True

    def action_promote_now(self):
        """Promote (roster, booking users): give these waitlisted bookings a
        seat now, whoever is first on the waitlist and whether a seat is
        offered to someone else or not: there must be a free seat (a seat
        offered to the booking itself counts as free for it). All or nothing.

        :return: True
        """
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(
                self.env._("You are not allowed to promote waitlisted members.")
            )
        if not self:  # called over RPC without ids: nothing to do
            return True
        self.check_access("write")
        bookings = self.sudo()
        bookings.session_id._lock()
        bookings._lock_rows()
        now = fields.Datetime.now()
        not_waiting = bookings.filtered(lambda b: b.state != "waitlisted")
        if not_waiting:
            raise UserError(
                self.env._(
                    "Only waitlisted bookings are promoted; not waitlisted: %s.",
                    ", ".join(not_waiting[:10].mapped("name")),
                )
            )
        started = bookings.filtered(lambda b: b.start <= now)
        if started:
            raise UserError(
                self.env._(
                    "The session has started: its waitlist is closed (%s).",
                    ", ".join(started[:10].mapped("name")),
                )
            )
        for session in bookings.session_id:
            mine = bookings.filtered(lambda b, s=session: b.session_id == s)
            if not session.capacity:
                continue
            # Their own offers hold seats already: free for them.
            free = (
                session.capacity
                - session.seats_taken
                + len(mine.filtered("offer_expires_at"))
            )
            if len(mine) > free:
                raise UserError(
                    self.env._(
                        "%(session)s has no free seat for %(count)s more: "
                        "%(taken)s of %(capacity)s seats are taken (seats offered "
                        "to waitlisted members included). Cancel a booking or raise "
                        "the capacity first.",
                        session=session.display_name,
                        count=len(mine),
                        taken=session.seats_taken,
                        capacity=session.capacity,
                    )
                )
        promoted = bookings._promote()
        promoted._message_log_batch(
            bodies={
                booking.id: self.env._(
                    "Promoted by hand by %(user)s.", user=self.env.user.name
                )
                for booking in promoted
            }
        )
        return True


class ClubSession(models.Model):
    _inherit = "club.session"  # pylint: disable=consider-merging-classes-inherited

    def _offers_now(self, now):
        """Whether a seat of the session freeing up at ``now`` is offered
        (waitlist offers on, inside the offering's late-cancel window, before
        the start) rather than given at once."""
        self.ensure_one()
        hours = self.offering_id.late_cancel_hours
        return bool(
            self.company_id.club_waitlist_offer_minutes > 0
            and hours
            and self.start > now
            and now > self.start - timedelta(hours=hours)
        )

    def _lapse_offers(self, now):
        """The session (locked by the caller): its offers that lapsed at
        ``now`` leave the waitlist."""
        self.ensure_one()
        lapsed = self.booking_ids.filtered(
            lambda b: b.state == "waitlisted"
            and b.offer_expires_at
            and b.offer_expires_at <= now
        )
        return lapsed._lock_rows()._lapse_offer()

    @api.model
    def _cron_lapse_offers(self):
        """Scheduled action ``ir_cron_club_waitlist_offers``: the offers that
        lapsed leave the waitlist and their seats go to the next members
        (offered again, or given at once outside the window). Triggered at
        each offer's end; runs hourly as well."""
        now = fields.Datetime.now()
        bookings = (
            self.env["club.booking"]
            .sudo()
            .search(
                [("state", "=", "waitlisted"), ("offer_expires_at", "<=", now)],
                order="offer_expires_at, id",
            )
        )
        sessions = bookings.session_id
        # Started: the waitlist closes (_cron_close_waitlists); the others
        # lapse their offers and serve the next members.
        for session in sessions.filtered(lambda s: s.start <= now)._lock():
            session._lapse_offers(now)
        sessions.filtered(lambda s: s.start > now)._promote_waitlist()
        return True

"""What the reminders need of a booking: the values their mail shows (time in the
club's time zone with the zone named, the club's address, what cancelling now
would cost, the one-tap cancel link), the signed token of that link, and the
reminder runs each new booked booking plans (``ir.cron._trigger``). The
scheduled action itself: models/club_reminder_job.py."""

from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import format_datetime
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..tools.groups import BOOKING_USER_GROUP
from .club_reminder_rule import REMINDERS_CRON

# The scope of the one-tap cancel's signed tokens (hash_sign).
CANCEL_TOKEN_SCOPE = "club_session_logoff.booking_cancel"
ONE_MINUTE = timedelta(minutes=1)


class ClubBooking(models.Model):
    _inherit = "club.booking"  # pylint: disable=consider-merging-classes-inherited

    club_start_text = fields.Char(
        string="Starts (Club Time)",
        compute="_compute_club_mail_values",
        help="The start in the club's time zone, the zone named, in the reader's "
        "language.",
    )
    club_address_text = fields.Char(
        string="Club Address", compute="_compute_club_mail_values"
    )
    club_cancel_text = fields.Char(
        string="Cancelling Now",
        compute="_compute_club_mail_values",
        help="What cancelling the booking now would do, as the member reads it.",
    )
    club_cancel_url = fields.Char(
        string="One-Tap Cancel Link",
        compute="_compute_club_cancel_url",
        groups=BOOKING_USER_GROUP,
        help="The signed link of the reminder's Cancel button: valid until the "
        "session starts, for this booking only.",
    )

    @api.depends("start", "company_id", "offering_id", "state")
    @api.depends_context("lang")
    def _compute_club_mail_values(self):
        for booking in self:
            sudo = booking.sudo()
            tz = sudo.company_id._club_tz() if sudo.company_id else pytz.utc
            booking.club_start_text = booking._start_text(tz)
            booking.club_address_text = (
                booking._address_text() if sudo.company_id else False
            )
            booking.club_cancel_text = (
                sudo._cancel_consequence()["message"] if booking.id else False
            )

    def _start_text(self, tz):
        """``Monday 7 December 2026, 07:00 (Europe/Brussels)`` in the context's
        language."""
        self.ensure_one()
        if not self.start:
            return False
        when = format_datetime(
            self.env,
            self.start,
            tz=tz.zone,
            dt_format="EEEE d MMMM y, HH:mm",
            lang_code=self.env.lang,
        )
        return f"{when} ({tz.zone})"

    @api.depends("start", "partner_id")
    def _compute_club_cancel_url(self):
        for booking in self:
            booking.club_cancel_url = (
                booking._cancel_url() if booking.id and booking.start else False
            )

    # ------------------------------------------------------------------
    # Signed links: the one-tap cancel here, the waitlist offer's Take the
    # seat (club_booking_offer.py)
    # ------------------------------------------------------------------
    def _signed_token(self, scope, expires_at):
        """A token signed (odoo.tools.misc.hash_sign) for ``scope``, this
        booking and its member, expiring at ``expires_at`` (naive UTC)."""
        self.ensure_one()
        booking = self.sudo()
        return hash_sign(
            booking.env,
            scope,
            [booking.id, booking.partner_id.id],
            expiration=pytz.utc.localize(expires_at),
        )

    def _signed_url(self, action, token):
        self.ensure_one()
        base = self.sudo().get_base_url()
        return f"{base}/club/booking/{self.id}/{action}?token={token}"

    @api.model
    def _from_signed_token(self, scope, booking_id, token):
        """The booking (as superuser) the token was signed for with ``scope``, or
        an empty recordset: a wrong token, one of another booking, member or
        scope, or one expired."""
        Booking = self.sudo().browse()
        if not token or not isinstance(token, str):
            return Booking
        try:
            values = verify_hash_signed(self.sudo().env, scope, token)
        except (ValueError, TypeError, UnicodeDecodeError):
            return Booking
        booking = Booking.browse(booking_id).exists()
        if not booking or values != [booking.id, booking.partner_id.id]:
            return Booking
        return booking

    def _cancel_token(self):
        """The one-tap cancel's token: valid until the session starts."""
        return self._signed_token(CANCEL_TOKEN_SCOPE, self.sudo().start)

    def _cancel_url(self):
        return self._signed_url("cancel", self._cancel_token())

    @api.model
    def _from_cancel_token(self, booking_id, token):
        return self._from_signed_token(CANCEL_TOKEN_SCOPE, booking_id, token)

    # ------------------------------------------------------------------
    # Planning the reminders' runs
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        bookings = super().create(vals_list)
        bookings.filtered(lambda b: b.state == "booked")._plan_reminders()
        return bookings

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "booked" or "start" in vals:
            # Promoted from the waitlist, reopened or moved: its reminders'
            # moments.
            self.filtered(lambda b: b.state == "booked")._plan_reminders()
        return result

    def _plan_reminders(self):
        """The reminder action runs at each moment one of these bookings'
        reminders falls due (to the minute), as calendar alarms do."""
        if not self:
            return True
        rules = (
            self.env["club.reminder.rule"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids)])
        )
        now = fields.Datetime.now()
        moments = set()
        for booking in self:
            for rule in rules.filtered(
                lambda r, b=booking: r.company_id == b.company_id
            ):
                at = booking.start - rule._delta()
                if at > now:
                    # To the minute, never before the moment.
                    minute = at.replace(second=0, microsecond=0)
                    moments.add(minute if minute == at else minute + ONE_MINUTE)
        cron = self.env.ref(REMINDERS_CRON, raise_if_not_found=False)
        if moments and cron:
            cron.sudo()._trigger(at=sorted(moments))
        return True

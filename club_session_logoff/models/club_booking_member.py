"""What a member may do with a booking of their own: know what cancelling it
now would do (``_cancel_consequence``), and cancel it (``_cancel_as_member``).

Both decide through ``_cancel_kind`` (models/club_booking_no_show.py), the
function staff's ``cancel_booking`` decides with, and the fee and its
forgiveness come from the code that will create the penalty
(``club.penalty._forgiveness``): what the member reads is what happens.

Callers: the member portal (controllers/portal.py, as the member's portal
user) and the public one-tap cancel of the reminders (as superuser, after
checking its signed token).
"""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from ..tools.groups import BOOKING_USER_GROUP
from .club_penalty import KIND_BY_NAME


class ClubBooking(models.Model):
    # A member's booking page in the portal: /my/club/bookings/<id>, or with
    # its access_token (portal.mixin).
    _name = "club.booking"
    _inherit = ["club.booking", "portal.mixin"]

    log_source = fields.Selection(
        selection_add=[("member", "Member")],
        ondelete={"member": "set null"},
        help="Staff: logged in the back office.\n"
        "Kiosk: logged when the member confirmed at the check-in kiosk.\n"
        "Automatic: logged by the scheduled action for unlogged bookings.\n"
        "Member: cancelled by the member (member portal, reminder's cancel link).",
    )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for booking in self:
            booking.access_url = f"/my/club/bookings/{booking.id}"
        return result

    # Staff's note on the log: members read their own bookings in the portal
    # (and over RPC), not what staff wrote about them.
    log_note = fields.Text(groups="base.group_user")

    # ------------------------------------------------------------------
    # Who may act
    # ------------------------------------------------------------------
    def _check_member_may_act(self):
        """Raise unless the caller may act on these bookings as their member:
        superuser (a route that checked a signed token), front-desk staff, or
        the member's own (portal) user."""
        if self.env.su or self.env.user.has_group(BOOKING_USER_GROUP):
            return
        partner = self.env.user.partner_id
        if any(booking.sudo().partner_id != partner for booking in self):
            raise AccessError(self.env._("This booking is not yours."))

    # ------------------------------------------------------------------
    # The consequence of cancelling now
    # ------------------------------------------------------------------
    def _cancel_consequence(self, now=None):
        """What cancelling the booking at ``now`` (default: now) as its member
        would do, decided by the code the cancel then runs.

        :return: a dict with ``kind`` (``leave_waitlist`` | ``credit_back`` |
            ``late_cancel`` | ``too_late`` (started) | ``not_cancellable``
            (logged or cancelled already)), ``cancellable`` (bool),
            ``credit_lost`` (bool), ``fee`` (the fee to be invoiced; 0 without
            one or when forgiven), ``fee_amount`` (the offering's fee, forgiven
            or not), ``forgiven`` (bool), ``forgiveness_note``,
            ``fee_invoiced_after_hours`` (the club's grace period), ``currency``
            (res.currency) and ``message`` (translated, for the member)
        """
        self.ensure_one()
        self._check_member_may_act()
        booking = self.sudo()
        now = now or fields.Datetime.now()
        company = booking.company_id
        result = {
            "kind": booking._cancel_kind(now),
            "cancellable": True,
            "credit_lost": False,
            "fee": 0.0,
            "fee_amount": 0.0,
            "forgiven": False,
            "forgiveness_note": "",
            "fee_invoiced_after_hours": company.club_penalty_grace_hours,
            "currency": company.currency_id,
        }
        if result["kind"] in ("late_cancel", "credit_back") and booking.start <= now:
            # Staff may still cancel a started booking (a late cancel); its
            # member may not.
            result["kind"] = "too_late"
        kind = result["kind"]
        if kind == "late_cancel":
            result["credit_lost"] = bool(booking.credit_id)
            fee = booking.offering_id[KIND_BY_NAME["late_cancel"].fee_field]
            if fee > 0:
                result["fee_amount"] = fee
                note = (
                    self.env["club.penalty"]
                    .sudo()
                    ._forgiveness(company, booking, now)
                    .get(booking)
                )
                if note:
                    result.update(forgiven=True, forgiveness_note=note)
                else:
                    result["fee"] = fee
        if kind in ("too_late", "not_cancellable"):
            result["cancellable"] = False
        result["message"] = booking._cancel_consequence_message(result)
        return result

    def _cancel_consequence_message(self, consequence):
        """The sentence the member reads before cancelling."""
        self.ensure_one()
        kind = consequence["kind"]
        if kind == "leave_waitlist":
            return self.env._("You leave the waitlist.")
        if kind == "too_late":
            return self.env._(
                "The session has started: the booking can no longer be cancelled."
            )
        if kind == "not_cancellable":
            return self.env._(
                "This booking is %(state)s: there is nothing to cancel.",
                state=self._state_label(self.state).lower(),
            )
        if kind == "credit_back":
            if self.credit_id:
                return self.env._("Your credit comes back.")
            return self.env._("Your booking is cancelled; nothing is charged.")
        # A late cancel.
        fee = format_amount(
            self.env, consequence["fee_amount"], consequence["currency"]
        )
        hours = consequence["fee_invoiced_after_hours"]
        if consequence["fee"]:
            if hours:
                fee_text = self.env._(
                    "a fee of %(fee)s will be invoiced after %(hours)s hours.",
                    fee=fee,
                    hours=hours,
                )
            else:
                fee_text = self.env._("a fee of %(fee)s will be invoiced.", fee=fee)
        elif consequence["forgiven"]:
            fee_text = self.env._(
                "the fee of %(fee)s is forgiven this time (%(note)s).",
                fee=fee,
                note=consequence["forgiveness_note"],
            )
        else:
            fee_text = ""
        if consequence["credit_lost"]:
            if consequence["fee"]:
                return self.env._(
                    "This is a late cancel: the credit is lost and %(fee_text)s",
                    fee_text=fee_text,
                )
            if fee_text:
                return self.env._(
                    "This is a late cancel: the credit is lost; %(fee_text)s",
                    fee_text=fee_text,
                )
            return self.env._("This is a late cancel: the credit is lost.")
        if fee_text:
            return self.env._("This is a late cancel: %(fee_text)s", fee_text=fee_text)
        return self.env._("This is a late cancel.")

    # ------------------------------------------------------------------
    # Cancelling as the member
    # ------------------------------------------------------------------
    def _cancel_as_member(self):
        """Cancel the booking as its member would: through ``cancel_booking``'s
        body (``_cancel``), never waiving the penalty; a waitlisted booking
        leaves the waitlist. Refused, with nothing changed, once the session
        has started and for a booking logged or cancelled already.

        :return: True
        """
        self.ensure_one()
        self._check_member_may_act()
        booking = self.sudo()
        # The same order as the staff cancel: the session, then the booking;
        # decide on what is locked.
        booking.session_id._lock()
        booking._lock_rows()
        consequence = booking._cancel_consequence()
        if consequence["kind"] == "not_cancellable":
            if booking.state in ("cancelled", "late_cancel"):
                raise UserError(self.env._("This booking is already cancelled."))
            raise UserError(consequence["message"])
        if consequence["kind"] == "too_late":
            raise UserError(consequence["message"])
        booking._cancel(
            waive_penalty=False, source="member", user=booking._member_log_user()
        )
        return True

    def _member_log_user(self):
        """Who a member's own action is logged by: the member's user (the
        caller when it is them), else the superuser."""
        self.ensure_one()
        partner = self.sudo().partner_id
        if self.env.user.partner_id == partner and not self.env.user._is_public():
            return self.env.user
        return partner.user_ids[:1] or self.env.ref("base.user_root")

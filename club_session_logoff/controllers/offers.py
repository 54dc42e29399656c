"""Waitlist offers: the member takes the seat held for them, with the signed link
of the offer's mail (public, like the one-tap cancel: controllers/reminders.py)
or on their booking's page in the portal. Thin: the rules are the booking's
(``club.booking._accept_offer``, models/club_booking_offer.py)."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from .portal import REFUSALS
from .portal_booking_queue import ClubMemberPortalBookingQueue
from .reminders import in_member_lang, render_secret_page


class ClubOffersController(http.Controller):
    @http.route(
        "/club/booking/<int:booking_id>/accept",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def club_booking_accept(self, booking_id, token=None, **post):
        """GET: the session and until when its seat is held, with a Take the
        seat button. POST (that button, with the page's csrf_token): books the
        member. Mail scanners and link previews only GET: nothing changes
        then. A wrong token, or one whose offer lapsed: 404."""
        booking = request.env["club.booking"]._from_accept_token(booking_id, token)
        if not booking:
            raise NotFound()
        error = done = False
        if request.httprequest.method == "POST":
            if booking.state == "booked":
                error = request.env._(
                    "You have taken this seat already: you are booked."
                )
            else:
                try:
                    with request.env.cr.savepoint():
                        booking._accept_offer()
                    done = True
                except REFUSALS as refusal:
                    error = refusal.args[0]
        booking = in_member_lang(booking)
        values = {"booking": booking, "token": token, "done": done, "error": error}
        return render_secret_page("club_session_logoff.booking_accept_page", values)


class ClubMemberPortalOffers(ClubMemberPortalBookingQueue):
    @http.route(
        "/my/club/bookings/<int:booking_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def club_booking_accept_portal(self, booking_id, access_token=None, **kw):
        """Take the seat, on the booking's page of the portal."""
        booking = self._club_booking(booking_id, access_token)
        if booking is None:
            return self._club_booking_not_found()
        token_query = f"?access_token={access_token}" if access_token else ""
        try:
            with request.env.cr.savepoint():
                booking._accept_offer()
        except REFUSALS as error:
            self._club_flash("danger", error.args[0] if error.args else error)
        else:
            self._club_flash(
                "success", request.env._("The seat is yours: you are booked.")
            )
        return request.redirect(f"{booking.access_url}{token_query}")

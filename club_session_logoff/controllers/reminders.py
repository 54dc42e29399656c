"""Public routes of the reminders: the one-tap cancel of a booking and the
member's calendar feed. Thin: each resolves its token (wrong or expired: 404),
then calls the booking's or the member's methods, as superuser on what the
token names only."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request


def in_member_lang(booking):
    """The page in the booking's member's language (the one of their mails)."""
    lang = booking.partner_id.lang
    if lang and request.env["res.lang"]._lang_get(lang):
        request.update_context(lang=lang)
        booking = booking.with_context(lang=lang)
    return booking


def render_secret_page(template, values):
    """A page reached by a secret link: not passed on as a referrer, not cached,
    not indexed."""
    response = request.render(template, values)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


class ClubRemindersController(http.Controller):
    def _club_booking(self, booking_id, token):
        booking = request.env["club.booking"]._from_cancel_token(booking_id, token)
        if not booking:
            raise NotFound()
        return booking

    @http.route(
        "/club/booking/<int:booking_id>/cancel",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def club_booking_cancel(self, booking_id, token=None, **post):
        """GET: the booking and what cancelling it now would do, with a Cancel
        my booking button. POST (that button, with the page's csrf_token):
        cancels as the member would in the portal. Mail scanners and link
        previews only GET: nothing changes then."""
        booking = self._club_booking(booking_id, token)
        error = done = False
        consequence = booking._cancel_consequence()
        if request.httprequest.method == "POST":
            already = booking.state in ("cancelled", "late_cancel")
            if already:
                error = request.env._("This booking is already cancelled.")
            else:
                try:
                    with request.env.cr.savepoint():
                        booking._cancel_as_member()
                    done = True
                except UserError as refusal:
                    error = refusal.args[0]
        booking = in_member_lang(booking)
        values = {
            "booking": booking,
            # Cancelled: what it did (announced before); else what it would do.
            "consequence": consequence if done else booking._cancel_consequence(),
            "token": token,
            "done": done,
            "error": error,
            "already": booking.state in ("cancelled", "late_cancel"),
        }
        return render_secret_page("club_session_logoff.booking_cancel_page", values)

    @http.route(
        "/club/calendar/<string:token>.ics",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def club_calendar_feed(self, token):
        member = request.env["res.partner"]._club_from_calendar_token(token)
        if not member:
            raise NotFound()
        body = member._club_calendar_feed()
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Disposition", 'inline; filename="club.ics"'),
                ("Cache-Control", "no-store"),
                ("Referrer-Policy", "no-referrer"),
            ],
        )

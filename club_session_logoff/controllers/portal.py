"""The member portal (Odoo's ``portal`` module): members book sessions, join
waitlists, cancel, and see their bookings and credits under /my/club/.

Thin on purpose: pages read through the member's own rights (record rules of
security/club_portal_rules.xml); the rules of booking and cancelling live in
the models (``club.session._book_as_member``, ``club.booking._cancel_consequence``
and ``_cancel_as_member``). GET pages change nothing; the POST forms carry
Odoo's ``csrf_token``, which Odoo's http checks."""

from datetime import timedelta

import pytz

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date, format_datetime

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import pager as portal_pager

FLASH_KEY = "club_portal_flash"
REFUSALS = (UserError, AccessError, ValidationError, MissingError)
UPCOMING_STATES = ("booked", "waitlisted")


# On top of account's (and account_payment's) portal controller: it overrides
# their "invoices to pay" domain.
class ClubMemberPortal(PortalAccount):
    # ------------------------------------------------------------------
    # Home (/my): cards and counters
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "club_booking_count" in counters:
            values["club_booking_count"] = request.env["club.booking"].search_count(
                self._club_upcoming_domain()
            )
        if "club_credit_count" in counters:
            values["club_credit_count"] = request.env[
                "club.session.credit"
            ].search_count(self._club_usable_credit_domain())
        return values

    def _get_overdue_invoices_domain(self, partner_id=None):
        """Odoo's "Invoices to pay": a club's penalty invoices count as soon as
        they are posted and unpaid (the fee is due), not from their due date
        only."""
        domain = super()._get_overdue_invoices_domain(partner_id=partner_id)
        partner = partner_id or request.env.user.partner_id.id
        invoices = (
            request.env["club.penalty"]
            .sudo()
            .search([("partner_id", "=", partner), ("state", "=", "invoiced")])
            .invoice_id
        )
        if not invoices:
            return domain
        result = []
        for term in domain:
            if isinstance(term, list | tuple) and term[0] == "invoice_date_due":
                result += ["|", term, ("id", "in", invoices.ids)]
            else:
                result.append(term)
        return result

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _club_company(self):
        return request.env.user.company_id

    def _club_tz(self):
        return self._club_company()._club_tz().zone

    def _club_upcoming_domain(self):
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            ("state", "in", UPCOMING_STATES),
            ("start", ">", fields.Datetime.now()),
        ]

    def _club_usable_credit_domain(self):
        # The credits' own rule (USABLE_CREDIT), untied: what booking can use.
        today = self._club_company()._club_today()
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            *request.env["club.session.credit"]._usable_domain(today, free=True),
        ]

    def _club_time(self, value, pattern="short"):
        """``value`` (naive UTC) in the club's time zone."""
        if not value:
            return ""
        return format_datetime(
            request.env, value, tz=self._club_tz(), dt_format=pattern
        )

    @staticmethod
    def _club_hhmm(value, tz):
        """``value`` (naive UTC) as HH:mm in ``tz`` (a pytz zone): one
        conversion, not Babel's formatting (which looks the language up at
        each call)."""
        return pytz.utc.localize(value).astimezone(tz).strftime("%H:%M")

    def _club_flash(self, kind, message):
        request.session[FLASH_KEY] = [kind, str(message)]

    def _club_values(self, page_name, **values):
        """The layout's values, with the message left by the last POST."""
        result = self._prepare_portal_layout_values()
        flash = request.session.pop(FLASH_KEY, None)
        result.update(
            page_name=page_name,
            club_flash=flash,
            club_time=self._club_time,
            club_tz=self._club_tz(),
            **values,
        )
        return result

    @staticmethod
    def _club_int(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    # ------------------------------------------------------------------
    # Timetable
    # ------------------------------------------------------------------
    @http.route(
        ["/my/club/sessions", "/my/club/sessions/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def club_sessions(self, page=1, offering=None, trainer=None, **kw):
        """The timetable, a page of a few days at a time (see
        ``club.session._member_timetable_pages``): the window's sessions are
        listed in one query, and only the page's are read and shown."""
        env = request.env
        company = self._club_company()
        now = fields.Datetime.now()
        Session = env["club.session"]
        index = Session._member_timetable_index(company, now=now)
        # Filters: the window's offerings and trainers; only what the member
        # may read (an id of another club's offering filters nothing in).
        offerings = env["club.offering"].browse(
            list(dict.fromkeys(row[1] for row in index))
        )
        offering_rec = offerings.filtered(lambda o: o.id == self._club_int(offering))
        if offering and not offering_rec:
            offering_rec = env["club.offering"].browse(self._club_int(offering))
            offering_rec = offering_rec.exists()
            if offering_rec and not offering_rec.has_access("read"):
                offering_rec = env["club.offering"]
        # Trainers are users, whom members do not read: their names only
        # (fetched alone, not every column of the users and their partners).
        trainers = (
            env["res.users"]
            .sudo()
            .browse(list(dict.fromkeys(row[2] for row in index if row[2])))
        )
        trainers.fetch(["name"])
        trainer_names = {t.id: t.name for t in trainers}
        trainer_rec = trainers.filtered(lambda t: t.id == self._club_int(trainer))
        pages = Session._member_timetable_pages(
            [
                (session_id, day)
                for session_id, offering_id, trainer_id, day in index
                if (not offering_rec or offering_id == offering_rec.id)
                and (not trainer_rec or trainer_id == trainer_rec.id)
            ]
        )
        url_args = {}
        if offering_rec:
            url_args["offering"] = offering_rec.id
        if trainer_rec:
            url_args["trainer"] = trainer_rec.id
        pager = portal_pager(
            url="/my/club/sessions",
            url_args=url_args,
            total=len(pages),
            page=page,
            step=1,
        )
        page_days = pages[pager["page"]["num"] - 1] if pages else []
        # Only the page's sessions, read together (browse: the prefetch stays
        # within the page).
        sessions = Session.browse([sid for _day, ids in page_days for sid in ids])
        session_of = {session.id: session for session in sessions}
        mine = {
            booking.session_id.id: booking
            for booking in env["club.booking"].search(
                [
                    ("partner_id", "=", env.user.partner_id.id),
                    ("session_id", "in", sessions.ids),
                    ("state", "in", ("booked", "waitlisted")),
                ]
            )
        }
        # Positions of the member's own waitlisted bookings only.
        positions = Session.browse(
            [sid for sid, booking in mine.items() if booking.state == "waitlisted"]
        )._member_waitlist_positions()
        tz = pytz.timezone(self._club_tz())
        days = []
        for day, ids in page_days:
            rows = []
            for session in map(session_of.get, ids):
                booking = mine.get(session.id)
                late_hours = session.offering_id.late_cancel_hours
                rows.append(
                    {
                        "session": session,
                        "time": self._club_hhmm(session.start, tz),
                        "end": self._club_hhmm(session.stop, tz),
                        "trainer": trainer_names.get(session.trainer_id.id, ""),
                        "full": session._is_full(),
                        "booking": booking,
                        "position": booking and positions.get(booking.id),
                        "late_window": bool(late_hours)
                        and now > session.start - timedelta(hours=late_hours),
                    }
                )
            days.append(
                {
                    "label": format_date(env, day, date_format="EEEE d MMMM"),
                    "rows": rows,
                }
            )
        values = self._club_values(
            "club_sessions",
            days=days,
            offerings=offerings.sorted("name"),
            trainers=trainers.sorted("name"),
            offering=offering_rec,
            trainer=trainer_rec,
            open_days=company.club_booking_open_days,
            pager=pager,
            # One token for every Book form of the page (Odoo's token belongs
            # to the member's login session, not to a form): one computed per
            # form cost 15 % of a page of 300 sessions.
            csrf_token=request.csrf_token(),
        )
        return request.render("club_session_logoff.portal_club_sessions", values)

    @http.route(
        "/my/club/sessions/<int:session_id>/book",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def club_session_book(self, session_id, **kw):
        session = request.env["club.session"].browse(session_id)
        try:
            booking = session._book_as_member()
        except REFUSALS as error:
            self._club_flash("danger", error.args[0] if error.args else error)
            return request.redirect("/my/club/sessions")
        if booking.state == "waitlisted":
            position = session._member_waitlist_positions().get(booking.id)
            self._club_flash(
                "warning",
                request.env._(
                    "The session is full: you are on its waitlist, position "
                    "%(position)s. The first seat that frees up goes to the "
                    "waitlist in order.",
                    position=position,
                ),
            )
        else:
            self._club_flash("success", request.env._("You are booked."))
        return request.redirect(booking.access_url)

    # ------------------------------------------------------------------
    # My Bookings
    # ------------------------------------------------------------------
    def _club_booking_filters(self):
        now = fields.Datetime.now()
        return {
            "upcoming": {
                "label": request.env._("Upcoming"),
                "domain": [("start", ">", now)],
                "order": "start asc, id asc",
            },
            "past": {
                "label": request.env._("Past"),
                "domain": [("start", "<=", now)],
                "order": "start desc, id desc",
            },
        }

    @http.route(
        ["/my/club/bookings", "/my/club/bookings/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def club_bookings(self, page=1, filterby=None, **kw):
        Booking = request.env["club.booking"]
        filters = self._club_booking_filters()
        if filterby not in filters:
            filterby = "upcoming"
        domain = [
            ("partner_id", "=", request.env.user.partner_id.id),
            *filters[filterby]["domain"],
        ]
        count = Booking.search_count(domain)
        pager = portal_pager(
            url="/my/club/bookings",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        bookings = Booking.search(
            domain,
            order=filters[filterby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_club_bookings_history"] = bookings.ids[:100]
        values = self._club_values(
            "club_bookings",
            bookings=bookings,
            positions=bookings.session_id._member_waitlist_positions(),
            pager=pager,
            default_url="/my/club/bookings",
            searchbar_filters=filters,
            filterby=filterby,
        )
        return request.render("club_session_logoff.portal_club_bookings", values)

    def _club_booking(self, booking_id, access_token=None):
        """The booking, as superuser, if the caller may see it (their own, or
        with its access token); None otherwise."""
        try:
            return self._document_check_access(
                "club.booking", booking_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return None

    def _club_booking_not_found(self):
        self._club_flash(
            "danger",
            request.env._("This booking does not exist or is not yours."),
        )
        if request.env.user._is_public():
            return request.redirect("/web/login?redirect=/my/club/bookings")
        return request.redirect("/my/club/bookings")

    @http.route(
        "/my/club/bookings/<int:booking_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def club_booking(self, booking_id, access_token=None, **kw):
        booking = self._club_booking(booking_id, access_token)
        if booking is None:
            return self._club_booking_not_found()
        consequence = booking._cancel_consequence()
        values = self._club_values(
            "club_booking",
            booking=booking,
            consequence=consequence,
            position=booking.session_id._member_waitlist_positions().get(booking.id),
            penalties=booking.penalty_ids,
            access_token=access_token,
        )
        values = self._get_page_view_values(
            booking, access_token, values, "my_club_bookings_history", False, **kw
        )
        return request.render("club_session_logoff.portal_club_booking", values)

    @http.route(
        "/my/club/bookings/<int:booking_id>/cancel",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def club_booking_cancel(self, booking_id, access_token=None, **kw):
        booking = self._club_booking(booking_id, access_token)
        if booking is None:
            return self._club_booking_not_found()
        token_query = f"?access_token={access_token}" if access_token else ""
        if request.httprequest.method == "POST":
            leaving = booking.state == "waitlisted"
            try:
                with request.env.cr.savepoint():
                    booking._cancel_as_member()
            except REFUSALS as error:
                self._club_flash("danger", error.args[0] if error.args else error)
            else:
                self._club_flash(
                    "success",
                    request.env._("You left the waitlist.")
                    if leaving
                    else request.env._("Your booking is cancelled."),
                )
            return request.redirect(f"{booking.access_url}{token_query}")
        values = self._club_values(
            "club_booking_cancel",
            booking=booking,
            consequence=booking._cancel_consequence(),
            access_token=access_token,
            token_query=token_query,
        )
        return request.render("club_session_logoff.portal_club_booking_cancel", values)

    # ------------------------------------------------------------------
    # My Credits
    # ------------------------------------------------------------------
    @http.route(
        "/my/club/credits", type="http", auth="user", methods=["GET"], website=True
    )
    def club_credits(self, **kw):
        Credit = request.env["club.session.credit"]
        usable = Credit.search(self._club_usable_credit_domain()).sorted(
            lambda c: (not c.expiry_date, c.expiry_date or fields.Date.today(), c.id)
        )
        used = Credit.search(
            [
                ("partner_id", "=", request.env.user.partner_id.id),
                ("state", "in", ("used", "lost")),
            ],
            order="id desc",
            limit=self._items_per_page,
        )
        reserved = Credit.search(
            [
                ("partner_id", "=", request.env.user.partner_id.id),
                ("state", "=", "available"),
                ("booking_id", "!=", False),
            ],
            order="id",
        )
        values = self._club_values(
            "club_credits", usable=usable, reserved=reserved, used=used
        )
        return request.render("club_session_logoff.portal_club_credits", values)

from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import format_time, py_to_js_locale
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..tools.kiosk_pin import PIN_MAX_DIGITS, PIN_MIN_DIGITS, is_valid_pin
from ..tools.png_signature import signature_png

# Repeated identifications of a member within this delay are one check-in.
CHECKIN_DEDUP_SECONDS = 120
# How long a visit's ticket lets the kiosk list and confirm the member's bookings.
TICKET_MINUTES = 5
# Seconds without a touch before the kiosk forgets the member (and other screens
# go back to the welcome screen).
IDLE_SECONDS = 20
MAX_CODE_LENGTH = 64
MAX_TICKET_LENGTH = 512
KIOSK_SETTINGS = [
    "name",
    "partner_id",
    "club_kiosk_token",
    "club_kiosk_show_bookings",
    "club_kiosk_minutes_before",
    "club_kiosk_minutes_after",
    "club_kiosk_confirm_mode",
    "club_kiosk_auto_log",
    "club_kiosk_log_before_redirect",
]
# What the kiosk reads of a member and of a booking.
MEMBER_FIELDS = [
    "name",
    "lang",
    "active",
    "company_id",
    "commercial_partner_id",
    "club_blocked_until",
]
BOOKING_FIELDS = [
    "partner_id",
    "offering_id",
    "start",
    "stop",
    "state",
    "log_source",
    "kiosk_confirmed",
    "kiosk_log_at_start",
]
# What each JSON route accepts; anything else (a domain, a field list, a
# setting...) is refused.
IDENTIFY_PARAMS = {"code", "pin"}
# The modules whose JavaScript translations the kiosk's own bundle needs.
KIOSK_TRANSLATION_MODULES = ("web", "barcodes", "club_session_logoff")
TRANSLATIONS_URL = "/club/kiosk_translations"
LIST_PARAMS = {"ticket"}
CONFIRM_PARAMS = {"ticket", "booking_id", "signature"}


class ClubKiosk(models.AbstractModel):
    """The rules of the public check-in kiosk. The kiosk's routes resolve the
    kiosk's token to its company and call these methods, which run as
    superuser in that company only and answer with whitelisted values: a
    member's first name, and the times and names of the member's bookings.

    Every failure gets the same answer, ``{"status": "refused"}``: an unknown
    card, a wrong PIN, a lockout, someone else's booking or one out of the time
    window cannot be told apart from the outside.

    What the kiosk does to bookings is here too: confirming them, and logging
    them as completed, now or when they start (its scheduled action). The
    log-off itself is the booking's one path, ``_apply_outcome``, the same
    as staff's and the unlogged-bookings job's."""

    _name = "club.kiosk"
    _description = "Check-in Kiosk"

    # ------------------------------------------------------------------
    # Entry points (the controller's)
    # ------------------------------------------------------------------
    @api.model
    def _for_company(self, company):
        """This service bound to the kiosk's company: superuser, the company's
        language and time zone, and nothing from the request's context."""
        company = company.sudo()
        # Only what the kiosk reads, not the company's hundred columns.
        company.fetch(KIOSK_SETTINGS)
        company.partner_id.fetch(["lang", "tz"])
        lang = company.partner_id.lang
        if lang not in dict(self.env["res.lang"].get_installed()):
            lang = "en_US"
        # A context of its own: nothing the request carries (language cookie,
        # anything else) reaches the kiosk's searches.
        # The club's time zone, as the unlogged-bookings action counts days.
        tz = company._club_tz().zone
        kiosk_env = self.env(context={"lang": lang, "tz": tz})
        return self.with_env(kiosk_env).sudo().with_company(company)

    @api.model
    def _page_values(self):
        """What the page and its app start with: the club's language (the
        member's comes with the identification), and where the app loads the
        texts of each installed language (a hash per language, so that
        browsers cache them until they change)."""
        company = self.env.company
        Http = self.env["ir.http"]
        return {
            "token": company.club_kiosk_token,
            "company_id": company.id,
            "company_name": company.name,
            "lang": py_to_js_locale(self.env.lang),
            "club_lang": self.env.lang,
            "translations": {
                "url": TRANSLATIONS_URL,
                "hashes": {
                    code: Http.get_web_translations_hash(
                        KIOSK_TRANSLATION_MODULES, code
                    )
                    for code, _name in self.env["res.lang"].get_installed()
                },
            },
            "idle_seconds": IDLE_SECONDS,
            "pin_digits": {"min": PIN_MIN_DIGITS, "max": PIN_MAX_DIGITS},
        }

    @api.model
    def _translations(self, lang):
        """The kiosk app's texts in ``lang`` (an installed language, else
        English), in the form of Odoo's /web/webclient/translations."""
        installed = dict(self.env["res.lang"].get_installed())
        if lang not in installed:
            lang = "en_US"
        Http = self.env["ir.http"]
        modules, lang_params = Http.get_translations_for_webclient(
            list(KIOSK_TRANSLATION_MODULES), lang
        )
        return {
            "lang": lang,
            "lang_parameters": lang_params,
            "modules": modules,
            "multi_lang": len(installed) > 1,
        }

    @api.model
    def _member_lang(self, partner):
        """The language the kiosk speaks to an identified member: theirs when it
        is installed, else the club's."""
        lang = partner.lang
        if lang and lang in dict(self.env["res.lang"].get_installed()):
            return lang
        return self.env.lang

    @api.model
    def _for_member(self, partner):
        """This service in the member's language (names of offerings, times)."""
        return self.with_context(lang=self._member_lang(partner))

    @api.model
    def _identify(self, params, ip=None, browser=None):
        """A member scanned a card (``code``: the card code, alone) or typed the
        member number (``code``) and a ``pin``: check them in and answer with
        the visit. A member number without a PIN, or a card code with one,
        identifies nobody."""
        company = self.env.company
        Guard = self.env["club.kiosk.guard"]
        nobody = self.env["res.partner"]
        if Guard._is_locked(company, ip=ip):
            return self._refused()
        code, pin = params.get("code"), params.get("pin")
        valid = (
            set(params) <= IDENTIFY_PARAMS
            and self._valid_code(code)
            and (pin is None or is_valid_pin(pin))
        )
        if pin is None:
            # A card: its random code is the proof. The member's PIN lockout
            # (someone guessing their PIN) does not keep them out by card.
            partner = self._member_by_card(code) if valid else nobody
            known = bool(partner)
        else:
            partner = self._member_by_number(code) if valid else nobody
            if partner and Guard._is_locked(company, partner=partner):
                return self._refused()
            known = valid and partner._club_check_kiosk_pin(pin)
        if not known:
            Guard._record_failure(company, ip=ip)
            if partner and pin is not None:
                Guard._record_failure(company, partner=partner)
            return self._refused()
        Guard._record_success(company, partner, pin=pin is not None)
        checkin = self._check_in(partner, ip, browser)
        bookings = self._shown_bookings(partner)
        if (
            bookings
            and company.club_kiosk_confirm_mode == "none"
            and company.club_kiosk_auto_log
        ):
            # Nothing to confirm: the check-in logs the bookings.
            to_log = bookings._lock_rows().filtered(
                lambda b: b.state == "booked" and not b.kiosk_log_at_start
            )
            self._log_bookings(to_log)
        member_kiosk = self._for_member(partner)
        return {
            **member_kiosk._visit_values(partner, bookings),
            "ticket": self._ticket(partner, checkin),
            "first_name": self._first_name(partner),
            "lang": member_kiosk.env.lang,
        }

    @api.model
    def _list(self, params):
        """The bookings of the member of a visit (``ticket``)."""
        if set(params) != LIST_PARAMS:
            return self._refused()
        partner = self._ticket_member(params["ticket"])
        if not partner:
            return self._refused()
        return self._for_member(partner)._visit_values(
            partner, self._shown_bookings(partner)
        )

    @api.model
    def _confirm(self, params):
        """The member of a visit (``ticket``) confirms one of the bookings shown
        (``booking_id``), with a ``signature`` when the club asks for one."""
        company = self.env.company
        mode = company.club_kiosk_confirm_mode
        if not set(params) <= CONFIRM_PARAMS or not {"ticket", "booking_id"} <= set(
            params
        ):
            return self._refused()
        booking_id, signature = params["booking_id"], params.get("signature")
        if (
            mode == "none"
            or not isinstance(booking_id, int)
            or isinstance(booking_id, bool)
            or not 0 < booking_id < 2**31
            or (mode == "button" and signature is not None)
        ):
            return self._refused()
        if mode == "signature":
            signature = signature_png(signature)
            if not signature:
                return self._refused()
        partner = self._ticket_member(params["ticket"])
        if not partner:
            return self._refused()
        booking = self._shown_bookings(partner, booking_id=booking_id)
        if not booking:
            return self._refused()
        # Two taps, or two kiosks, confirm once: the second one waits for the
        # first one's lock and then finds the booking confirmed.
        booking = booking._lock_rows()
        if not booking.kiosk_confirmed:
            if booking.state != "booked":
                return self._refused()
            self._confirm_bookings(
                booking,
                partner,
                signature=signature or None,
                log=company.club_kiosk_auto_log,
            )
        return {
            "status": "ok",
            "booking": self._for_member(partner)._booking_values(booking),
        }

    # ------------------------------------------------------------------
    # Members and their visit
    # ------------------------------------------------------------------
    @api.model
    def _refused(self):
        return {"status": "refused"}

    @api.model
    def _refuse_malformed(self, ip=None):
        """A malformed request (controllers/kiosk.py): refused, and counted as
        a failure of this kiosk (``ip``) by the lockout."""
        self.env["club.kiosk.guard"]._record_failure(self.env.company, ip=ip)
        return self._refused()

    @api.model
    def _valid_code(self, code):
        return (
            isinstance(code, str)
            and 0 < len(code.strip()) <= MAX_CODE_LENGTH
            and code.isprintable()
        )

    @api.model
    def _member_by_number(self, code):
        """The member of this member number (typed by hand, with the PIN)."""
        return self._find_member([("club_member_ref", "=", code.strip())])

    @api.model
    def _member_by_card(self, code):
        """The member of this card code (scanned). Codes are upper case; a
        scanner with caps lock on sends them in lower case."""
        return self._find_member(
            [
                ("club_card_code", "=", code.strip().upper()),
                ("club_member_ref", "!=", False),
            ]
        )

    @api.model
    def _find_member(self, domain):
        members = self.env["res.partner"].search_fetch(
            [*domain, ("company_id", "in", [self.env.company.id, False])],
            MEMBER_FIELDS,
            limit=2,
        )
        return members if len(members) == 1 else members.browse()

    @api.model
    def _first_name(self, partner):
        return (partner.name or "").split(" ", 1)[0]

    @api.model
    def _check_in(self, partner, ip, browser):
        """Record the member's arrival, once for repeated scans."""
        Checkin = self.env["club.checkin"]
        now = fields.Datetime.now()
        recent = Checkin.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.env.company.id),
                ("source", "=", "kiosk"),
                ("checkin_time", ">=", now - timedelta(seconds=CHECKIN_DEDUP_SECONDS)),
                ("checkin_time", "<=", now),
            ],
            order="checkin_time desc, id desc",
            limit=1,
        )
        if recent:
            recent.scan_count += 1
            return recent
        return Checkin.create(
            {
                "partner_id": partner.id,
                "company_id": self.env.company.id,
                "checkin_time": now,
                "source": "kiosk",
                "user_id": False,
                "kiosk_ip": (ip or "")[:64] or False,
                "kiosk_browser": (browser or "")[:256] or False,
            }
        )

    @api.model
    def _ticket_scope(self):
        # A new kiosk token also voids the visits started with the old one.
        return f"club.kiosk.visit:{self.env.company.club_kiosk_token}"

    @api.model
    def _ticket(self, partner, checkin):
        return hash_sign(
            self.env,
            self._ticket_scope(),
            {"p": partner.id, "k": checkin.id},
            expiration=timedelta(minutes=TICKET_MINUTES),
        )

    @api.model
    def _ticket_member(self, ticket):
        """The member of a valid, unexpired ticket of this kiosk, or nobody."""
        nobody = self.env["res.partner"]
        if not isinstance(ticket, str) or not 0 < len(ticket) <= MAX_TICKET_LENGTH:
            return nobody
        try:
            values = verify_hash_signed(self.env, self._ticket_scope(), ticket)
        except (ValueError, TypeError):
            return nobody
        if not isinstance(values, dict) or not isinstance(values.get("p"), int):
            return nobody
        # Archived members are not found (active_test).
        partner = nobody.search_fetch([("id", "=", values["p"])], MEMBER_FIELDS)
        if partner.company_id and partner.company_id != self.env.company:
            return nobody
        return partner

    @api.model
    def _visit_values(self, partner, bookings):
        company = self.env.company
        return {
            "status": "ok",
            "front_desk": self._front_desk(partner),
            "confirm_mode": company.club_kiosk_confirm_mode,
            "bookings": [self._booking_values(b) for b in bookings],
        }

    @api.model
    def _today(self):
        """Today at the kiosk: in the club's time zone."""
        return self.env.company._club_today()

    @api.model
    def _front_desk(self, partner):
        """Whether the member is sent to the front desk: past due, or blocked
        from booking after too many no-shows. The tablet never says which."""
        return bool(partner.club_past_due or partner._club_blocked_on(self._today()))

    # ------------------------------------------------------------------
    # Bookings
    # ------------------------------------------------------------------
    @api.model
    def _shown_bookings(self, partner, booking_id=None):
        """The member's bookings the kiosk shows now: today's (in the club's
        time zone), whose start lies in the check-in window around now; open
        ones, and the ones the kiosk logged already."""
        company = self.env.company
        Booking = self.env["club.booking"]
        if not company.club_kiosk_show_bookings or (
            self._front_desk(partner) and not company.club_kiosk_log_before_redirect
        ):
            return Booking
        now = fields.Datetime.now()
        today = self._today()
        tz = company._club_tz()
        day_start = company._club_local_midnight(today, tz)
        day_end = company._club_local_midnight(today + timedelta(days=1), tz)
        # The bookings whose check-in window holds now (club.booking's window).
        earliest, latest = Booking._starts_in_window_of(now, company)
        domain = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", company.id),
            ("start", ">=", max(earliest, day_start)),
            ("start", "<=", latest),
            ("start", "<", day_end),
            "|",
            ("state", "=", "booked"),
            "&",
            ("state", "=", "completed"),
            ("log_source", "=", "kiosk"),
        ]
        if booking_id is not None:
            domain.append(("id", "=", booking_id))
        bookings = Booking.search_fetch(domain, BOOKING_FIELDS, order="start, id")
        bookings.offering_id.fetch(["name"])
        return bookings

    @api.model
    def _booking_values(self, booking):
        mode = self.env.company.club_kiosk_confirm_mode
        if booking.state == "completed":
            state = "logged"
        elif booking.kiosk_confirmed or booking.kiosk_log_at_start:
            state = "confirmed"
        else:
            state = "open"
        tz = self.env.company._club_tz().zone
        # In this service's language (the member's): the offering's name too.
        booking = booking.with_env(self.env)
        return {
            "id": booking.id,
            "name": booking.offering_id.name or "",
            "start": format_time(self.env, booking.start, tz=tz, time_format="short"),
            "stop": format_time(self.env, booking.stop, tz=tz, time_format="short"),
            "state": state,
            "can_confirm": state == "open" and mode != "none",
        }

    @api.model
    def _confirm_bookings(self, bookings, partner, signature=None, log=False):
        """The member confirmed these bookings (locked rows) at the kiosk; with
        ``log``, log them (now, or when they start)."""
        vals = {"kiosk_confirmed": True, "kiosk_confirm_date": fields.Datetime.now()}
        if signature:
            vals["kiosk_signature"] = signature
        bookings.sudo().write(vals)
        logged = self._log_bookings(bookings) if log else bookings.browse()
        # A booking logged now says it in its "Logged as ... (Kiosk)" line; the
        # others tell staff that the member confirmed.
        waiting = bookings - logged
        if waiting:
            body = (
                self.env._("Confirmed with a signature at the check-in kiosk.")
                if signature
                else self.env._("Confirmed at the check-in kiosk.")
            )
            waiting._message_log_batch(
                bodies=dict.fromkeys(waiting.ids, body), author_id=partner.id
            )
        return True

    @api.model
    def _log_bookings(self, bookings):
        """Log as completed, source kiosk, what has started; what has not is
        logged by the scheduled action when it starts (log-off at start).
        Returns what was logged now."""
        now = fields.Datetime.now()
        started = bookings.filtered(lambda b: b.start <= now)
        if started:
            started.with_user(SUPERUSER_ID)._apply_outcome("completed", source="kiosk")
        later = bookings - started
        if later:
            later.sudo().write({"kiosk_log_at_start": True})
            cron = self.env.ref(
                "club_session_logoff.ir_cron_kiosk_log_at_start",
                raise_if_not_found=False,
            )
            if cron:
                cron.sudo()._trigger(at=sorted(set(later.mapped("start"))))
        return started

    # ------------------------------------------------------------------
    # Log-off at start (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _cron_log_at_start(self):
        """Log the bookings confirmed at the kiosk before they started, once
        they have started. A few per session at most: one transaction."""
        bookings = (
            self.env["club.booking"]
            .sudo()
            .search(
                [
                    ("kiosk_log_at_start", "=", True),
                    ("state", "=", "booked"),
                    ("start", "<=", fields.Datetime.now()),
                ],
                order="start, id",
            )
        )
        if not bookings:
            return True
        # Rows staff are editing right now wait for the next run; the others
        # are re-checked once locked: staff may have logged or cancelled them.
        bookings = bookings._lock_rows(skip_locked=True).filtered(
            lambda b: b.state == "booked" and b.kiosk_log_at_start
        )
        if bookings:
            bookings.with_user(SUPERUSER_ID)._apply_outcome("completed", source="kiosk")
        return True

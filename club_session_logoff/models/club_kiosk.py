import base64
import struct
import zlib
from datetime import timedelta
from io import BytesIO

import pytz
from PIL import Image, UnidentifiedImageError

from odoo import api, fields, models
from odoo.tools import format_time, py_to_js_locale
from odoo.tools.misc import hash_sign, verify_hash_signed

# Repeated identifications of a member within this delay are one check-in.
CHECKIN_DEDUP_SECONDS = 120
# How long a visit's ticket lets the kiosk list and confirm the member's bookings.
TICKET_MINUTES = 5
# Seconds without a touch before the kiosk forgets the member (and other screens
# go back to the welcome screen).
IDLE_SECONDS = 20
MAX_CODE_LENGTH = 64
MAX_TICKET_LENGTH = 512
# A signature drawn on the kiosk is a small PNG (a few kB): anything bigger or
# stranger is refused before it is decoded.
MAX_SIGNATURE_CHARS = 200_000
MAX_SIGNATURE_WIDTH = 2000
MAX_SIGNATURE_HEIGHT = 1000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A PNG chunk: 4-byte length, 4-byte type, the data, 4-byte CRC of type + data.
PNG_CHUNK_OVERHEAD = 12
PNG_DATA_URL = "data:image/png;base64,"
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
MEMBER_FIELDS = ["name", "active", "company_id", "commercial_partner_id"]
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
LIST_PARAMS = {"ticket"}
CONFIRM_PARAMS = {"ticket", "booking_id", "signature"}


class ClubKiosk(models.AbstractModel):
    """The rules of the public check-in kiosk. The kiosk's routes resolve the
    kiosk's token to its company and call these methods, which run as
    superuser in that company only and answer with whitelisted values: a
    member's first name, and the times and names of the member's bookings.

    Every failure gets the same answer, ``{"status": "refused"}``: an unknown
    card, a wrong PIN, a lockout, someone else's booking or one out of the time
    window cannot be told apart from the outside."""

    _name = "club.kiosk"
    _description = "Check-in Kiosk"

    # ------------------------------------------------------------------
    # Entry points (the controller's)
    # ------------------------------------------------------------------
    @api.model
    def _club_kiosk_for_company(self, company):
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
    def _club_kiosk_page_values(self):
        company = self.env.company
        return {
            "token": company.club_kiosk_token,
            "company_id": company.id,
            "company_name": company.name,
            "lang": py_to_js_locale(self.env.lang),
            "idle_seconds": IDLE_SECONDS,
        }

    @api.model
    def _club_kiosk_identify(self, params, ip=None, browser=None):
        """A member scanned a card (``code``: the card code, alone) or typed the
        member number (``code``) and a ``pin``: check them in and answer with
        the visit. A member number without a PIN, or a card code with one,
        identifies nobody."""
        company = self.env.company
        Guard = self.env["club.kiosk.guard"]
        nobody = self.env["res.partner"]
        if Guard._club_is_locked(company, ip=ip):
            return self._club_refused()
        code, pin = params.get("code"), params.get("pin")
        valid = (
            set(params) <= IDENTIFY_PARAMS
            and self._club_valid_code(code)
            and (pin is None or self._club_valid_pin(pin))
        )
        if pin is None:
            # A card: its random code is the proof. The member's PIN lockout
            # (someone guessing their PIN) does not keep them out by card.
            partner = self._club_kiosk_card_member(code) if valid else nobody
            known = bool(partner)
        else:
            partner = self._club_kiosk_member(code) if valid else nobody
            if partner and Guard._club_is_locked(company, partner=partner):
                return self._club_refused()
            known = valid and partner._club_check_kiosk_pin(pin)
        if not known:
            Guard._club_record_failure(company, ip=ip)
            if partner and pin is not None:
                Guard._club_record_failure(company, partner=partner)
            return self._club_refused()
        Guard._club_record_success(company, partner, pin=pin is not None)
        checkin = self._club_kiosk_checkin(partner, ip, browser)
        bookings = self._club_kiosk_bookings(partner)
        if (
            bookings
            and company.club_kiosk_confirm_mode == "none"
            and company.club_kiosk_auto_log
        ):
            # Nothing to confirm: the check-in logs the bookings.
            to_log = bookings._lock_rows().filtered(
                lambda b: b.state == "booked" and not b.kiosk_log_at_start
            )
            to_log._club_kiosk_log()
        return {
            **self._club_kiosk_visit(partner, bookings),
            "ticket": self._club_kiosk_ticket(partner, checkin),
            "first_name": self._club_first_name(partner),
        }

    @api.model
    def _club_kiosk_list(self, params):
        """The bookings of the member of a visit (``ticket``)."""
        if set(params) != LIST_PARAMS:
            return self._club_refused()
        partner = self._club_kiosk_ticket_member(params["ticket"])
        if not partner:
            return self._club_refused()
        return self._club_kiosk_visit(partner, self._club_kiosk_bookings(partner))

    @api.model
    def _club_kiosk_confirm(self, params):
        """The member of a visit (``ticket``) confirms one of the bookings shown
        (``booking_id``), with a ``signature`` when the club asks for one."""
        company = self.env.company
        mode = company.club_kiosk_confirm_mode
        if not set(params) <= CONFIRM_PARAMS or not {"ticket", "booking_id"} <= set(
            params
        ):
            return self._club_refused()
        booking_id, signature = params["booking_id"], params.get("signature")
        if (
            mode == "none"
            or not isinstance(booking_id, int)
            or isinstance(booking_id, bool)
            or not 0 < booking_id < 2**31
            or (mode == "button" and signature is not None)
        ):
            return self._club_refused()
        if mode == "signature":
            signature = self._club_signature_png(signature)
            if not signature:
                return self._club_refused()
        partner = self._club_kiosk_ticket_member(params["ticket"])
        if not partner:
            return self._club_refused()
        booking = self._club_kiosk_bookings(partner, booking_id=booking_id)
        if not booking:
            return self._club_refused()
        # Two taps, or two kiosks, confirm once: the second one waits for the
        # first one's lock and then finds the booking confirmed.
        booking = booking._lock_rows()
        if not booking.kiosk_confirmed:
            if booking.state != "booked":
                return self._club_refused()
            booking._club_kiosk_confirm(
                partner, signature=signature or None, log=company.club_kiosk_auto_log
            )
        return {"status": "ok", "booking": self._club_kiosk_booking_values(booking)}

    # ------------------------------------------------------------------
    # Members and their visit
    # ------------------------------------------------------------------
    @api.model
    def _club_refused(self):
        return {"status": "refused"}

    @api.model
    def _club_valid_code(self, code):
        return (
            isinstance(code, str)
            and 0 < len(code.strip()) <= MAX_CODE_LENGTH
            and code.isprintable()
        )

    @api.model
    def _club_valid_pin(self, pin):
        return (
            isinstance(pin, str)
            and 4 <= len(pin) <= 8
            and pin.isascii()
            and pin.isdigit()
        )

    @api.model
    def _club_kiosk_member(self, code):
        """The member of this member number (typed by hand, with the PIN)."""
        return self._club_kiosk_find_member([("club_member_ref", "=", code.strip())])

    @api.model
    def _club_kiosk_card_member(self, code):
        """The member of this card code (scanned). Codes are upper case; a
        scanner with caps lock on sends them in lower case."""
        return self._club_kiosk_find_member(
            [
                ("club_card_code", "=", code.strip().upper()),
                ("club_member_ref", "!=", False),
            ]
        )

    @api.model
    def _club_kiosk_find_member(self, domain):
        members = self.env["res.partner"].search_fetch(
            [*domain, ("company_id", "in", [self.env.company.id, False])],
            MEMBER_FIELDS,
            limit=2,
        )
        return members if len(members) == 1 else members.browse()

    @api.model
    def _club_first_name(self, partner):
        return (partner.name or "").split(" ", 1)[0]

    @api.model
    def _club_kiosk_checkin(self, partner, ip, browser):
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
    def _club_kiosk_ticket_scope(self):
        # A new kiosk token also voids the visits started with the old one.
        return f"club.kiosk.visit:{self.env.company.club_kiosk_token}"

    @api.model
    def _club_kiosk_ticket(self, partner, checkin):
        return hash_sign(
            self.env,
            self._club_kiosk_ticket_scope(),
            {"p": partner.id, "k": checkin.id},
            expiration=timedelta(minutes=TICKET_MINUTES),
        )

    @api.model
    def _club_kiosk_ticket_member(self, ticket):
        """The member of a valid, unexpired ticket of this kiosk, or nobody."""
        nobody = self.env["res.partner"]
        if not isinstance(ticket, str) or not 0 < len(ticket) <= MAX_TICKET_LENGTH:
            return nobody
        try:
            values = verify_hash_signed(
                self.env, self._club_kiosk_ticket_scope(), ticket
            )
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
    def _club_kiosk_visit(self, partner, bookings):
        company = self.env.company
        return {
            "status": "ok",
            "front_desk": partner.club_past_due,
            "confirm_mode": company.club_kiosk_confirm_mode,
            "bookings": [self._club_kiosk_booking_values(b) for b in bookings],
        }

    # ------------------------------------------------------------------
    # Bookings
    # ------------------------------------------------------------------
    @api.model
    def _club_kiosk_bookings(self, partner, booking_id=None):
        """The member's bookings the kiosk shows now: today's (in the club's
        time zone), whose start lies in the check-in window around now; open
        ones, and the ones the kiosk logged already."""
        company = self.env.company
        Booking = self.env["club.booking"]
        if not company.club_kiosk_show_bookings or (
            partner.club_past_due and not company.club_kiosk_log_before_redirect
        ):
            return Booking
        now = fields.Datetime.now()
        tz = pytz.timezone(self.env.context.get("tz") or "UTC")
        today = pytz.utc.localize(now).astimezone(tz).date()
        day_start = company._club_local_midnight(today, tz)
        day_end = company._club_local_midnight(today + timedelta(days=1), tz)
        # A check-in counts for a booking when it is at most minutes_before
        # before its start and at most minutes_after after it (within bounds).
        minutes_before, minutes_after = company._club_kiosk_window()
        earliest = now - timedelta(minutes=minutes_after)
        latest = now + timedelta(minutes=minutes_before)
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
    def _club_kiosk_booking_values(self, booking):
        mode = self.env.company.club_kiosk_confirm_mode
        if booking.state == "completed":
            state = "logged"
        elif booking.kiosk_confirmed or booking.kiosk_log_at_start:
            state = "confirmed"
        else:
            state = "open"
        tz = self.env.context.get("tz") or "UTC"
        return {
            "id": booking.id,
            "name": booking.offering_id.name or "",
            "start": format_time(self.env, booking.start, tz=tz, time_format="short"),
            "stop": format_time(self.env, booking.stop, tz=tz, time_format="short"),
            "state": state,
            "can_confirm": state == "open" and mode != "none",
        }

    @api.model
    def _club_signature_png(self, data):
        """The signature as base64 PNG, or False when it is not a sane one."""
        if not isinstance(data, str) or len(data) > MAX_SIGNATURE_CHARS:
            return False
        data = data.removeprefix(PNG_DATA_URL)
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError:
            return False
        # The size, from the PNG header, before anything decodes the pixels.
        if len(raw) < 33 or not raw.startswith(PNG_MAGIC) or raw[12:16] != b"IHDR":
            return False
        width, height = struct.unpack(">II", raw[16:24])
        if not (
            0 < width <= MAX_SIGNATURE_WIDTH and 0 < height <= MAX_SIGNATURE_HEIGHT
        ):
            return False
        # What is stored and shown to staff is a PNG and nothing else: image
        # readers stop at IEND, so bytes after it would ride along unseen.
        if not self._club_png_ends_at_iend(raw):
            return False
        if not self._club_png_has_ink(raw):
            return False
        return base64.b64encode(raw)

    @api.model
    def _club_png_ends_at_iend(self, raw):
        """Walk the PNG's chunks from the header: each one whole, with a good
        CRC, and the data ends exactly with an empty IEND chunk."""
        offset = len(PNG_MAGIC)
        while offset + PNG_CHUNK_OVERHEAD <= len(raw):
            length, kind = struct.unpack(">I4s", raw[offset : offset + 8])
            end = offset + PNG_CHUNK_OVERHEAD + length
            if end > len(raw):
                return False
            (crc,) = struct.unpack(">I", raw[end - 4 : end])
            if zlib.crc32(raw[offset + 4 : end - 4]) != crc:
                return False
            if kind == b"IEND":
                return length == 0 and end == len(raw)
            offset = end
        return False

    @api.model
    def _club_png_has_ink(self, raw):
        """A blank pad is no signature: something must be drawn."""
        try:
            with Image.open(BytesIO(raw)) as image:
                alpha = image.convert("RGBA").getchannel("A")
                return alpha.getbbox() is not None
        except (
            OSError,
            ValueError,
            UnidentifiedImageError,
            Image.DecompressionBombError,
        ):
            return False

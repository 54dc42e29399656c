"""Shared set-up of the kiosk tests: a club in Brussels with its kiosk settings,
and helpers that call the kiosk the way its routes do."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.addons.club_session_logoff.models.res_partner import ResPartner

from .common import ClubCase

# 15:00 in Brussels (CET), a Tuesday.
NOW = datetime(2026, 3, 10, 14, 0, 0)
KIOSK_IP = "10.0.0.5"
# The members' card codes (set by the tests; the kiosk tours scan MIA_CARD too:
# see static/tests/tours/kiosk/club_kiosk_tours.js).
MIA_CARD = "MZ7K2P9QWX4D"
OTTO_CARD = "T8HV3RNJ6CYB"
BROWSER = "Mozilla/5.0 (Linux; Android 14; Club Tablet) Chrome/130.0"


class KioskCase(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.company.write(
            {
                "club_kiosk_show_bookings": True,
                "club_kiosk_minutes_before": 60,
                "club_kiosk_minutes_after": 30,
                "club_kiosk_confirm_mode": "button",
                "club_kiosk_auto_log": True,
                "club_kiosk_log_before_redirect": False,
            }
        )
        cls.kiosk = cls.env["club.kiosk"]._for_company(cls.company)
        # Known card codes (generated ones are random); only sudo may set one.
        cls.member.sudo().club_card_code = MIA_CARD
        cls.other_member.sudo().club_card_code = OTTO_CARD
        # Every test starts with kiosks and members that never failed.
        cls.env["club.kiosk.guard"].search([]).unlink()

    @classmethod
    def book_at(cls, start, offering=None, partner=None, **vals):
        return cls.env["club.booking"].create(
            {
                "partner_id": (partner or cls.member).id,
                "offering_id": (offering or cls.spinning).id,
                "start": start,
                **vals,
            }
        )

    def identify(self, code=None, pin=None, ip=KIOSK_IP, kiosk=None, **extra):
        """Mia scans her card; with a ``pin``, she types her member number."""
        if code is None:
            code = MIA_CARD if pin is None else "M-0001"
        params = {"code": code, **extra}
        if pin is not None:
            params["pin"] = pin
        return (self.kiosk if kiosk is None else kiosk)._identify(
            params, ip=ip, browser=BROWSER
        )

    def confirm(self, ticket, booking, signature=None, kiosk=None, **extra):
        params = {"ticket": ticket, "booking_id": booking.id, **extra}
        if signature is not None:
            params["signature"] = signature
        return (self.kiosk if kiosk is None else kiosk)._confirm(params)

    def list_bookings(self, ticket, kiosk=None):
        return (self.kiosk if kiosk is None else kiosk)._list({"ticket": ticket})

    def kiosk_checkins(self, partner=None):
        return self.env["club.checkin"].search(
            [("partner_id", "=", (partner or self.member).id), ("source", "=", "kiosk")]
        )

    @contextmanager
    def past_due(self, *partners):
        """The members have an overdue invoice (the foundation computes it from
        accounting; the kiosk only reads the flag)."""
        ids = {partner.commercial_partner_id.id for partner in partners}

        def past_due_ids(self, partner_ids=None):
            return ids if partner_ids is None else ids & set(partner_ids)

        with patch.object(ResPartner, "_club_past_due_partner_ids", past_due_ids):
            self.env.invalidate_all()
            yield
        self.env.invalidate_all()

    @staticmethod
    def minutes(n):
        return timedelta(minutes=n)

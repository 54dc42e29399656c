"""The member portal's timetable (/my/club/sessions) in the member's language:
a Spanish member reads it in Spanish, with no English text of the addon left
but names, its days and times written the Spanish way in the club's time
zone."""

import os
import re
from datetime import timedelta

import polib
import pytz
from babel.dates import format_date

from odoo.tests import HttpCase, tagged

from .portal_common import PortalCase
from .test_i18n_kiosk import I18N, load_languages

# What the timetable page renders: its templates and its controller.
PORTAL_SOURCES = (
    "club_session_logoff.portal_club_sessions",
    "club_session_logoff.portal_club_status",
    "club_session_logoff.portal_club_flash",
    "controllers/portal.py",
)
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\{\{.*?\}\}")


def portal_terms(lang):
    """``{English: translation}`` of the timetable's texts in ``lang``."""
    # (polib: Babel's reader drops the locations of views' terms.)
    catalog = polib.pofile(os.path.join(I18N, f"{lang}.po"))
    return {
        entry.msgid: entry.msgstr
        for entry in catalog
        if entry.msgid
        and any(
            source in path
            for path, _line in entry.occurrences
            for source in PORTAL_SOURCES
        )
    }


def page_text(html):
    """The page's visible texts and labels, between ``<main>`` tags: Odoo's
    own layout around it is Odoo's translations' business."""
    main = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    html = main.group(1) if main else html
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', html))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html) + " " + labels)


@tagged("post_install", "-at_install")
class TestSpanishTimetable(PortalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "es_ES")
        cls.company.partner_id.lang = "en_US"
        # The member's own time zone is not the club's: the club's is shown.
        cls.member.write({"lang": "es_ES", "tz": "America/Mexico_City"})
        cls.spinning.with_context(lang="es_ES").name = "Ciclo indoor"
        cls.yoga.with_context(lang="es_ES").name = "Yoga suave"
        cls.spinning.write({"late_cancel_hours": 24})
        # In 21 hours (inside the late-cancel window): booked by Mia.
        cls.booked = cls.session_in(timedelta(hours=21), capacity=5)
        cls.give_credit()
        cls.env["club.booking"].create(
            {"partner_id": cls.member.id, "session_id": cls.booked.id}
        )
        # Full, with Mia on its waitlist.
        cls.full = cls.session_in(timedelta(days=2), capacity=1)
        cls.give_credit(cls.other_member)
        cls.env["club.booking"].create(
            {"partner_id": cls.other_member.id, "session_id": cls.full.id}
        )
        cls.env["club.booking"].create(
            {
                "partner_id": cls.member.id,
                "session_id": cls.full.id,
                "state": "waitlisted",
            }
        )
        # Full, to join the waitlist; seats left; an open class.
        cls.other_full = cls.session_in(timedelta(days=3), capacity=1)
        cls.give_credit(cls.other_member)
        cls.env["club.booking"].create(
            {"partner_id": cls.other_member.id, "session_id": cls.other_full.id}
        )
        cls.session_in(timedelta(days=4), offering=cls.yoga, capacity=8)
        cls.session_in(timedelta(days=5), offering=cls.yoga, capacity=0)

    def english_texts(self):
        """The timetable's English texts (their words between placeholders and
        tags) that Spanish says otherwise."""
        texts = set()
        for source, text in portal_terms("es").items():
            if not text or text == source:
                continue
            for part in PLACEHOLDER.split(re.sub(r"<[^>]+>", " ", source)):
                part = re.sub(r"\s+", " ", part).strip(" .,:;()")
                if len(part) > 2:
                    texts.add(part)
        return sorted(texts)

    def test_timetable_in_spanish(self):
        english = self.english_texts()
        self.assertGreater(len(english), 15)
        self.authenticate("mia_portal", "mia_portal")
        response = self.url_open("/my/club/sessions")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('"bundle_params": {"lang": "es_ES"}', html)
        # The timetable's pages (a few days each: the demo club's sessions
        # share them with this test's), each page's text.
        texts = [page_text(html)]
        number = 1
        while f'href="/my/club/sessions/page/{number + 1}"' in html:
            number += 1
            html = self.url_open(f"/my/club/sessions/page/{number}").text
            texts.append(page_text(html))
        text = " ".join(texts)
        brussels = pytz.timezone("Europe/Brussels")
        start = pytz.utc.localize(self.booked.start).astimezone(brussels)
        # Spanish texts of each kind of row.
        for spanish in (
            "Horario del club",
            "Todas las clases",
            "Todos los entrenadores",
            "Filtrar",
            "Las horas son las del club (",
            "Europe/Brussels",
            "días de antelación",
            "Reservada",
            "En lista de espera · posición 1",
            "Completa · lista de espera",
            "plazas libres",
            "Clase sin límite de plazas",
            "Ventana de cancelación tardía abierta",
            "Apuntarse a la lista de espera",
            "Reservar",
            "Ver",
            "Ciclo indoor",
            "Yoga suave",
            # The day as Spanish writes it, and the time, in Brussels.
            format_date(start.date(), "EEEE d MMMM", locale="es_ES"),
            start.strftime("%H:%M"),
        ):
            with self.subTest(spanish=spanish):
                self.assertIn(spanish, text)
        # No English text of the addon left (whole words), nor English dates.
        english_dates = [
            format_date(start.date(), "EEEE", locale="en_US"),
            format_date(start.date(), "MMMM", locale="en_US"),
        ]
        # (Offerings' names are names: the demo data's "Spinning" has no
        # Spanish one, this test's has.)
        for source in english + english_dates:
            with self.subTest(english=source):
                pattern = r"(?<!\w)" + re.escape(source) + r"(?!\w)"
                self.assertIsNone(re.search(pattern, text), source)

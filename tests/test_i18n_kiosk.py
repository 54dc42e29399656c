"""The check-in kiosk in the club's language, then in the member's: its texts
come from the addon's fr.po and es.po (no English left on the screens but
names), loaded from the kiosk's own translations route."""

import json
import os
from datetime import timedelta
from unittest.mock import patch

from babel.messages.pofile import read_po
from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase

from .kiosk_common import MIA_CARD, NOW, KioskCase

I18N = os.path.join(os.path.dirname(__file__), "..", "club_session_logoff", "i18n")
KIOSK_SOURCES = ("static/src/kiosk/",)
# The visit the browser test walks through (a script run in the kiosk's page).
VISIT_JS = os.path.join(os.path.dirname(__file__), "kiosk_i18n_visit.js")


def kiosk_terms(lang):
    """``{English: translation}`` of the texts of the kiosk's app in ``lang``."""
    with open(os.path.join(I18N, f"{lang}.po"), "rb") as po:
        catalog = read_po(po)
    return {
        message.id: message.string
        for message in catalog
        if message.id
        and any(
            source in path
            for path, _line in message.locations
            for source in KIOSK_SOURCES
        )
    }


def load_languages(env, *langs):
    for lang in langs:
        env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms(["club_session_logoff"], list(langs))


class KioskLanguageCase(KioskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "fr_FR", "es_ES")
        cls.company.partner_id.lang = "fr_FR"
        cls.member.lang = "es_ES"
        cls.spinning.with_context(lang="fr_FR").name = "Vélo en salle"
        cls.spinning.with_context(lang="es_ES").name = "Ciclo indoor"
        cls.kiosk = cls.env["club.kiosk"]._for_company(cls.company)


@freeze_time(NOW)
class TestKioskLanguage(KioskLanguageCase):
    def test_page_in_the_clubs_language(self):
        values = self.kiosk._page_values()
        self.assertEqual(values["lang"], "fr-FR")
        self.assertEqual(values["club_lang"], "fr_FR")
        self.assertEqual(
            set(values["translations"]["hashes"]), {"en_US", "fr_FR", "es_ES"}
        )
        self.assertEqual(values["translations"]["url"], "/club/kiosk_translations")

    def test_identified_member_in_their_language(self):
        booking = self.book_at(NOW - timedelta(minutes=10))
        result = self.identify()
        self.assertEqual(result["status"], "ok")
        self.assertEqual(result["lang"], "es_ES")
        (shown,) = result["bookings"]
        self.assertEqual(shown["id"], booking.id)
        self.assertEqual(shown["name"], "Ciclo indoor")
        # Times as Spanish writes them, in the club's time zone (Brussels).
        self.assertEqual((shown["start"], shown["stop"]), ("14:50", "15:50"))
        # The member's visit keeps their language.
        listed = self.list_bookings(result["ticket"])
        confirmed = self.confirm(result["ticket"], booking)
        self.assertEqual(listed["bookings"][0]["name"], "Ciclo indoor")
        self.assertEqual(confirmed["booking"]["name"], "Ciclo indoor")

    def test_member_without_a_language_gets_the_clubs(self):
        self.member.lang = False
        self.book_at(NOW - timedelta(minutes=10))
        result = self.identify()
        self.assertEqual(result["lang"], "fr_FR")
        self.assertEqual(result["bookings"][0]["name"], "Vélo en salle")

    def test_every_kiosk_text_is_translated(self):
        for lang in ("fr", "es"):
            terms = kiosk_terms(lang)
            self.assertGreater(len(terms), 30)
            untranslated = sorted(source for source, text in terms.items() if not text)
            self.assertEqual(untranslated, [], lang)


@patch("odoo.addons.club_session_logoff.models.club_kiosk.IDLE_SECONDS", 3)
class TestKioskLanguageInBrowser(KioskLanguageCase, HttpCase):
    """The real page in headless Chromium: every text of every screen the
    visit goes through is in the club's language, then in the member's, then
    in the club's again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit()
        cls.company.club_kiosk_confirm_mode = "signature"
        cls.booking = cls.book_at(fields.Datetime.now() - timedelta(minutes=10))
        cls.url = f"/club/kiosk/{cls.company.club_kiosk_token}"

    def run_visit(self, club_lang, member_lang, expected):
        """Walk the kiosk's screens; fail on any English text of the app, or
        on a screen whose ``expected`` text (by language) is missing."""
        self.company.partner_id.lang = club_lang
        self.member.lang = member_lang
        english = {
            lang: sorted(
                source
                for source, text in kiosk_terms(lang[:2]).items()
                if text != source
            )
            for lang in (club_lang, member_lang)
        }
        with open(VISIT_JS, encoding="utf-8") as file:
            code = file.read()
        for name, value in (
            ("ENGLISH", english),
            ("EXPECTED", expected),
            ("CLUB", club_lang),
            ("MEMBER", member_lang),
            ("CARD", MIA_CARD),
        ):
            code = code.replace(f"__{name}__", json.dumps(value))
        self.browser_js(
            self.url,
            code,
            ready="!!document.querySelector('.o_club_kiosk_welcome')",
            timeout=90,
        )

    def test_french_club_spanish_member(self):
        self.run_visit(
            "fr_FR",
            "es_ES",
            {
                "welcome": "Bienvenue !",
                "manual": "Votre numéro de membre et votre PIN",
                "refused": "Désolé, cela n'a pas fonctionné.",
                "member": "Firme para confirmar su reserva.",
                "sign": "Firme aquí",
                "done": "¡Disfrute de su sesión!",
            },
        )

    def test_spanish_club_french_member(self):
        self.run_visit(
            "es_ES",
            "fr_FR",
            {
                "welcome": "¡Bienvenido/a!",
                "manual": "Su número de socio y su PIN",
                "refused": "Lo sentimos, no ha funcionado.",
                "member": "Merci de signer pour confirmer votre réservation.",
                "sign": "Signez ici",
                "done": "Bonne séance !",
            },
        )

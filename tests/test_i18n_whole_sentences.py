"""QWeb sentences with a value inside are one term each (issue 20): the value is
a ``<t class="o_translate_inline" t-out="..."/>``, which Odoo's term extractor
keeps inside the sentence (a bare ``<t t-out>`` or ``<span t-out>`` cuts it in
pieces), and which QWeb renders without a tag (the page is unchanged)."""

import glob
import os
import re

import polib
from lxml import etree

from odoo.tests import tagged
from odoo.tools.translate import xml_translate

from .test_i18n_kiosk import I18N, load_languages
from .test_reminders import ReminderCase

ADDON = os.path.join(os.path.dirname(__file__), "..", "club_session_logoff")
SPACE = re.compile(r"[\s\uFEFF]*")

# Sentences once exported in pieces, now whole (English, French, Spanish).
WHOLE = {
    "club_session_logoff.portal_club_sessions": (
        "Times are the club's (",
        "Les heures sont celles du club (",
        "Las horas son las del club (",
    ),
    "club_session_logoff.mail_body_club_booking_reminder": (
        "See you soon at ",
        "À bientôt chez ",
        "Hasta pronto en ",
    ),
    "club_session_logoff.booking_accept_page": (
        "The seat is held for you until ",
        "La place vous est réservée jusqu'au ",
        "La plaza está reservada para usted hasta ",
    ),
    "club_session_logoff.booking_cancel_page": (
        "Cancelling now: ",
        "Si vous annulez maintenant : ",
        "Si cancela ahora: ",
    ),
    "club_session_logoff.club_booking_view_form_offers": (
        "A seat is offered to the member and held for them until",
        "Une place est proposée au membre et lui est réservée jusqu'au",
        "Se ofrece una plaza al socio, reservada para él hasta",
    ),
}
# Pieces of those sentences, which no translator should see alone any more.
FRAGMENTS = (
    "Times are the club's (",
    "). You may book up to",
    "days ahead.",
    "Seat offered until",
    "The seat is held for you until",
    ": they take it with the link of their mail or in the portal; then it goes to "
    "the next member waiting.",
    ". Taking it books you with your session credit; cancelling from then on is a "
    "late cancel.",
    "Cancelling now:",
    "Your booking is cancelled:",
    "See you soon at",
    "Hello",
    "seats left",
    "Session credit #",
    "(invoiced from",
)


def glued_values(path):
    """``(line, text)`` of each bare ``<t t-out/t-esc>`` inside a sentence in
    the XML file ``path``."""
    found = []
    for el in etree.parse(path).iter("t"):
        if not {"t-out", "t-esc"} & set(el.attrib):
            continue
        if "o_translate_inline" in el.get("class", "").split():
            continue
        parent = el.getparent()
        if parent is None or parent.tag in ("script", "style", "field"):
            continue
        previous = el.getprevious()
        before = previous.tail if previous is not None else parent.text
        after = el.tail
        if any(text and not SPACE.fullmatch(text) for text in (before, after)):
            found.append((el.sourceline, etree.tostring(el, encoding="unicode")))
    return found


@tagged("post_install", "-at_install")
class TestWholeSentences(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "fr_FR", "es_ES")

    def test_no_value_glued_in_a_sentence_in_views(self):
        # (Mail templates' bodies are translated whole: only views are cut.)
        for path in sorted(glob.glob(os.path.join(ADDON, "views", "*.xml"))):
            with self.subTest(view=os.path.basename(path)):
                self.assertEqual(glued_values(path), [])

    def test_extractor_keeps_the_sentence_whole(self):
        for xmlid, (english, _french, _spanish) in WHOLE.items():
            view = self.env.ref(xmlid)
            terms = []
            xml_translate(terms.append, view.arch_db)
            with self.subTest(view=xmlid):
                whole = [t for t in terms if t.startswith(english.strip())]
                self.assertTrue(whole, terms)
                self.assertIn("o_translate_inline", whole[0])

    def test_po_files_hold_whole_sentences_translated(self):
        for index, lang in ((1, "fr"), (2, "es")):
            catalog = polib.pofile(os.path.join(I18N, f"{lang}.po"))
            msgids = {entry.msgid: entry.msgstr for entry in catalog}
            flat = {" ".join(msgid.split()) for msgid in msgids}
            for english, *translations in WHOLE.values():
                with self.subTest(lang=lang, sentence=english):
                    whole = [m for m in msgids if m.startswith(english.strip())]
                    self.assertTrue(whole)
                    self.assertTrue(
                        msgids[whole[0]].startswith(translations[index - 1].strip())
                    )
            for fragment in FRAGMENTS:
                with self.subTest(lang=lang, fragment=fragment):
                    self.assertNotIn(fragment, flat)

    def test_views_translated_whole_and_rendered_without_extra_tags(self):
        booking = self.booked()
        for lang, greeting, soon in (
            ("en_US", "Hello Mia Member,", "See you soon at"),
            ("fr_FR", "Bonjour Mia Member,", "À bientôt chez"),
            ("es_ES", "Hola, Mia Member:", "Hasta pronto en"),
        ):
            html = str(
                self.env["ir.qweb"]
                .with_context(lang=lang)
                ._render(
                    "club_session_logoff.mail_body_club_booking_reminder",
                    {"object": booking},
                )
            )
            with self.subTest(lang=lang):
                self.assertIn(f"<p>{greeting}</p>", html)
                self.assertIn(f"<p>{soon} {self.company.name}", html)
                self.assertNotIn("o_translate_inline", html)

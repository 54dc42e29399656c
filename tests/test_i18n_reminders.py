"""A French member's reminder and waitlist mails are in French, their dates
written the French way in the club's time zone (Brussels), whatever the
member's own time zone (Montreal here)."""

import html as html_lib
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .test_i18n_kiosk import load_languages
from .test_reminders import START, ReminderCase

# English texts of the reminder's and the waitlist mail's bodies: none is left
# in a French member's mail.
ENGLISH = (
    "Hello",
    "See you soon",
    "Session",
    "Trainer",
    "When",
    "Where",
    "Booking",
    "Cannot come",
    "Cancelling now",
    "your credit comes back",
    ">Cancel<",
    "The session is attached",
    "A seat freed up",
    "you are now booked",
    "Monday",
    "December",
)


def visible_text(html):
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


@tagged("post_install", "-at_install")
class TestFrenchReminderMail(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "fr_FR")
        cls.company.partner_id.lang = "en_US"
        # The member lives six hours behind the club: mails give the club's time.
        cls.member.write({"lang": "fr_FR", "tz": "America/Montreal"})
        cls.spinning.with_context(lang="fr_FR").name = "Vélo en salle"

    def french_mails(self, booking, subject):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "club.booking"),
                ("res_id", "=", booking.id),
                ("subject", "like", subject),
            ]
        )

    def test_reminder_in_french_in_the_clubs_time_zone(self):
        booking = self.booked()
        self.run_job(START - timedelta(hours=23))
        mail = self.french_mails(booking, "Rappel :")
        mail.ensure_one()
        # 18:00 UTC: 19:00 in Brussels (13:00 in Montreal, not shown).
        self.assertEqual(
            mail.subject,
            "Rappel : Vélo en salle, lundi 7 décembre 2026, 19:00 (Europe/Brussels)",
        )
        body = str(mail.body_html)
        text = visible_text(body)
        self.assertIn("Bonjour Mia Member,", text)
        self.assertIn("À bientôt chez", text)
        self.assertIn("lundi 7 décembre 2026, 19:00 (Europe/Brussels)", text)
        self.assertNotIn("13:00", text)
        self.assertIn("Séance", text)
        self.assertIn("Quand", text)
        self.assertIn("Si vous annulez maintenant", text)
        # No credit held: nothing to lose.
        self.assertIn(
            "Si vous annulez maintenant : Votre réservation est annulée ; rien n'est "
            "facturé.",
            text,
        )
        self.assertIn("La séance est jointe pour votre agenda.", text)
        for english in ENGLISH:
            with self.subTest(english=english):
                self.assertNotIn(english, body if english.startswith(">") else text)

    def test_reminder_says_a_late_cancel_in_french(self):
        self.spinning.write({"late_cancel_hours": 48, "late_cancel_fee": 15.0})
        booking = self.booked()
        self.run_job(START - timedelta(hours=23))
        text = visible_text(str(self.french_mails(booking, "Rappel :").body_html))
        self.assertIn(
            "C'est une annulation tardive : des frais de $ 15,00 seront facturés "
            "après 24 heures.",
            text,
        )
        self.assertNotIn("late cancel", text)

    def test_waitlist_mail_in_french_in_the_clubs_time_zone(self):
        other = self.other_member
        other.write({"lang": "en_US"})
        with freeze_time(START - timedelta(days=2)):
            seated = self.booked(partner=other, capacity=1)
            session = seated.session_id
            waiting = self.env["club.booking"].create(
                {
                    "partner_id": self.member.id,
                    "session_id": session.id,
                    "state": "waitlisted",
                }
            )
            self.assertEqual(waiting.state, "waitlisted")
            seated.with_user(self.manager).action_cancel()
        self.assertEqual(waiting.state, "booked")
        mail = self.french_mails(waiting, "Vous avez une place")
        mail.ensure_one()
        self.assertEqual(
            mail.subject,
            "Vous avez une place : Vélo en salle, lun. 7 déc., 19:00 (Europe/Brussels)",
        )
        text = visible_text(str(mail.body_html))
        self.assertIn("Une place s'est libérée pour", text)
        self.assertIn("lundi 7 décembre, 19:00", text)
        self.assertNotIn("13:00", text)
        for english in ENGLISH:
            with self.subTest(english=english):
                self.assertNotIn(english, text)

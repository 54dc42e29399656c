"""The mails members get are in the member's language, their dates written the
way that language writes them, in the club's time zone."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from .common import ClubCase
from .kiosk_common import NOW
from .test_i18n_kiosk import load_languages
from .test_session_waitlist import WaitlistCase

# 13:00 in Brussels, Tuesday 10 March 2026: two no-shows block until the 17th.
STRIKES_NOW = datetime(2026, 3, 10, 12, 0, 0)


@freeze_time(NOW)
class TestMemberMailLanguage(WaitlistCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "fr_FR", "es_ES")
        # The club is in Brussels and speaks English; its members do not. They
        # set no time zone of their own: times are the club's.
        cls.company.partner_id.write({"tz": "Europe/Brussels", "lang": "en_US"})
        cls.ann.write({"lang": "fr_FR", "tz": False})
        cls.ben.write({"lang": "es_ES", "tz": False})
        cls.cleo.write({"lang": "fr_FR", "tz": False})
        cls.spinning.with_context(lang="fr_FR").name = "Vélo en salle"
        cls.spinning.with_context(lang="es_ES").name = "Ciclo indoor"

    def wednesday_session(self, capacity=1):
        # Wednesday 11 March 2026, 17:00 in Brussels (16:00 UTC).
        return self.session(hours_ago=-26, capacity=capacity)

    def test_a_french_members_waitlist_mail_is_in_french(self):
        session = self.wednesday_session()
        self.assertEqual(session.start, NOW + timedelta(hours=26))
        seated = self.book_in(session, self.ben)
        cleo = self.waitlist(session, self.cleo)

        seated.with_user(self.desk).action_cancel()

        self.assertEqual(cleo.state, "booked")
        mail = self.queued_mails(cleo)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            mail.subject,
            "Vous avez une place : Vélo en salle, mer. 11 mars, 17:00 "
            "(Europe/Brussels)",
        )
        body = str(mail.body_html)
        self.assertIn("Bonjour Cleo Third,", body)
        self.assertIn("Une place s'est libérée pour", body)
        self.assertIn("mercredi 11 mars, 17:00", body)
        self.assertIn("votre place est maintenant réservée", body)
        self.assertNotIn("you are now booked", body)
        self.assertNotIn("March", body)

    def test_a_spanish_member_is_told_in_spanish_that_the_session_is_cancelled(self):
        session = self.wednesday_session(capacity=2)
        ben = self.book_in(session, self.ben)
        ann = self.book_in(session, self.ann)

        session.with_user(self.manager).action_cancel_session()

        # (Each was told of the booking when it was made, too.)
        ben_mail = self.queued_mails(ben).filtered(
            lambda m: m.subject.startswith("Cancelada")
        )
        ann_mail = self.queued_mails(ann).filtered(
            lambda m: m.subject.startswith("Annulée")
        )
        self.assertEqual(
            ben_mail.subject,
            "Cancelada: Ciclo indoor, mié 11 mar, 17:00 (Europe/Brussels)",
        )
        self.assertIn("miércoles 11 marzo, 17:00", str(ben_mail.body_html))
        self.assertIn("Lo sentimos: hemos tenido que cancelar", str(ben_mail.body_html))
        self.assertEqual(
            ann_mail.subject,
            "Annulée : Vélo en salle, mer. 11 mars, 17:00 (Europe/Brussels)",
        )
        self.assertIn("mercredi 11 mars, 17:00", str(ann_mail.body_html))


@freeze_time(STRIKES_NOW)
class TestBlockedMailLanguage(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "fr_FR")
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.company.write(
            {
                "club_strike_count": 2,
                "club_strike_days": 30,
                "club_strike_block_days": 7,
            }
        )
        cls.member.write({"email": "mia@example.com", "lang": "fr_FR"})

    def test_a_french_member_is_told_of_the_block_in_french(self):
        for ago in (timedelta(days=2), timedelta(hours=2)):
            booking = self.env["club.booking"].create(
                {
                    "partner_id": self.member.id,
                    "offering_id": self.spinning.id,
                    "start": STRIKES_NOW - ago,
                }
            )
            booking.with_user(self.manager).log_booking("no_show")
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.member.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertTrue(mail.subject.startswith("Vos réservations à "))
        body = str(mail.body_html)
        self.assertIn("Vous avez manqué plusieurs séances", body)
        # French dates: day, month, year.
        self.assertIn("17/03/2026", body)

"""The reminder's one-tap cancel, GET /club/booking/<id>/cancel?token=...: a page
with the booking and the consequence; only the POST (the page's form, with its
csrf_token) cancels, as the member would in the portal; a wrong or expired token
is a 404; a second POST says it is already cancelled and changes nothing."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from .batch_commits import SimulatedCommitsMixin

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class OneTapCase(SimulatedCommitsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.offering = cls.env["club.offering"].create(
            {"name": "Tap Spinning", "offering_type": "class", "duration": 1.0}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Tap Member", "email": "tap@example.com"}
        )
        cls.credit = cls.env["club.session.credit"].create(
            {"partner_id": cls.member.id, "is_paid": True}
        )
        cls.now = fields.Datetime.now()

    def book(self, hours_ahead=72, **vals):
        session = self.env["club.session"].create(
            {
                "offering_id": self.offering.id,
                "start": self.now + timedelta(hours=hours_ahead),
                **vals,
            }
        )
        return self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": session.id}
        )

    def url(self, booking, token=None):
        token = booking._cancel_token() if token is None else token
        return f"/club/booking/{booking.id}/cancel?token={token}"

    def get(self, booking, token=None):
        return self.url_open(self.url(booking, token))

    def post(self, booking, page=None, token=None):
        page = page or self.get(booking, token)
        csrf = CSRF.search(page.text).group(1)
        return self.url_open(
            f"/club/booking/{booking.id}/cancel",
            data={"csrf_token": csrf, "token": token or booking._cancel_token()},
        )


@tagged("post_install", "-at_install")
class TestOneTapCancel(OneTapCase):
    def test_get_shows_the_booking_and_changes_nothing(self):
        booking = self.book()
        written = booking.write_date
        mails = self.env["mail.mail"].search_count([])
        for _attempt in range(3):  # a mail scanner, a link preview, the member
            page = self.get(booking)
            self.assertEqual(page.status_code, 200)
        self.assertIn("Tap Spinning", page.text)
        self.assertIn("(Europe/Brussels)", page.text)
        self.assertIn("Cancel my booking", page.text)
        self.assertIn(booking._cancel_consequence()["message"], page.text)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "booked")
        self.assertEqual(booking.write_date, written)
        self.assertEqual(booking.credit_id, self.credit)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_page_in_the_member_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.member.lang = "fr_FR"
        booking = self.book()
        expected = booking.with_context(lang="fr_FR").club_start_text
        self.assertNotEqual(
            expected, booking.with_context(lang="en_US").club_start_text
        )
        page = self.get(booking)
        self.assertIn(expected, page.text)
        self.assertIn('lang="fr-FR"', page.text)

    def test_post_cancels_as_the_member_and_replay_changes_nothing(self):
        booking = self.book()
        page = self.get(booking)
        response = self.post(booking, page)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your booking is cancelled", response.text)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.log_source, "member")
        self.assertFalse(booking.credit_id)
        self.assertEqual(self.credit.state, "available")
        written = booking.write_date
        # The same form sent again (a double tap, a replay).
        again = self.post(booking, page)
        self.assertEqual(again.status_code, 200)
        self.assertIn("already cancelled", again.text)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.write_date, written)
        # And the link opened again says so too.
        self.assertIn("already cancelled", self.get(booking).text)

    def test_late_cancel_is_what_the_portal_gives(self):
        self.offering.write({"late_cancel_hours": 48, "late_cancel_fee": 9.0})
        booking = self.book(hours_ahead=24)
        announced = booking._cancel_consequence()
        self.assertEqual(announced["kind"], "late_cancel")
        self.post(booking)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "late_cancel")
        self.assertEqual(self.credit.state, "lost")
        self.assertEqual(booking.penalty_ids.amount, announced["fee"])

    def test_post_without_csrf_changes_nothing(self):
        booking = self.book()
        self.get(booking)
        with mute_logger("odoo.http"):  # "No CSRF validation token provided"
            response = self.url_open(
                f"/club/booking/{booking.id}/cancel",
                data={"token": booking._cancel_token()},
            )
        self.assertEqual(response.status_code, 400)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "booked")

    def test_wrong_token_404(self):
        booking = self.book()
        other = self.book(hours_ahead=96)
        good = booking._cancel_token()
        for token in ("", "nope", good[:-2] + "xx", other._cancel_token()):
            with self.subTest(token=token):
                self.assertEqual(self.get(booking, token).status_code, 404)
        self.assertEqual(
            self.url_open(f"/club/booking/{booking.id}/cancel").status_code, 404
        )
        # A POST with a wrong token cancels nothing either.
        page = self.get(other)
        csrf = CSRF.search(page.text).group(1)
        response = self.url_open(
            f"/club/booking/{booking.id}/cancel",
            data={"csrf_token": csrf, "token": other._cancel_token()},
        )
        self.assertEqual(response.status_code, 404)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "booked")

    def test_token_of_another_member_404(self):
        booking = self.book()
        token = booking._cancel_token()
        other = self.env["res.partner"].create({"name": "Someone Else"})
        booking.sudo().write({"partner_id": other.id})
        self.assertEqual(self.get(booking, token).status_code, 404)

    def test_expired_token_404(self):
        """The token expires when the session starts."""
        booking = self.book(hours_ahead=-1)
        self.assertEqual(self.get(booking).status_code, 404)


@tagged("post_install", "-at_install", "is_tour")
class TestOneTapCancelTour(OneTapCase):
    def test_tour_reminder_link_cancels(self):
        self.simulate_batch_commits("club.reminder.job")
        booking = self.book(hours_ahead=20)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE club_booking SET create_date = %s WHERE id = %s",
                self.now - timedelta(days=2),
                booking.id,
            )
        )
        self.env["club.reminder.job"]._run(companies=self.company)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "club.booking"),
                ("res_id", "=", booking.id),
                ("subject", "like", "Reminder:"),
            ]
        )
        link = re.search(r'href="[^"]*(/club/booking/[^"]+)"', str(mail.body_html))
        self.assertTrue(link, "the reminder has a Cancel link")
        path = link.group(1).replace("&amp;", "&")
        self.start_tour(path, "club_one_tap_cancel_tour", login=None)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.log_source, "member")

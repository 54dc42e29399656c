"""The member portal over HTTP, as a portal user: each page shows the member's
own records only; bad input (another member's booking, a wrong access token,
another club's session, twice the same session, a missing csrf_token, a GET
that tries to change something) gets a clear answer and changes nothing."""

from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPortalHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "club_booking_open_days": 14,
                "club_max_open_bookings": 0,
                "club_portal_unpaid": False,
                "club_forgive_count": 0,
                "club_penalty_grace_hours": 24,
                "club_strike_count": 0,
            }
        )
        cls.now = fields.Datetime.now()
        cls.spinning = cls.env["club.offering"].create(
            {
                "name": "Portal Spinning",
                "offering_type": "class",
                "late_cancel_hours": 24,
                "late_cancel_fee": 12.0,
            }
        )
        cls.member, cls.other_member = cls.env["res.partner"].create(
            [{"name": "Mia Portal"}, {"name": "Otto Portal"}]
        )
        cls.mia = new_test_user(
            cls.env,
            login="mia_portal",
            groups="base.group_portal",
            partner_id=cls.member.id,
        )
        cls.otto = new_test_user(
            cls.env,
            login="otto_portal",
            groups="base.group_portal",
            partner_id=cls.other_member.id,
        )
        cls.Booking = cls.env["club.booking"]

    def session_in(self, delta, capacity=10, offering=None):
        return self.env["club.session"].create(
            {
                "offering_id": (offering or self.spinning).id,
                "start": self.now + delta,
                "capacity": capacity,
            }
        )

    def credit(self, partner=None):
        return self.env["club.session.credit"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_type": "class",
                "is_paid": True,
            }
        )

    def book(self, session, partner=None):
        self.credit(partner)
        return self.Booking.create(
            {"partner_id": (partner or self.member).id, "session_id": session.id}
        )

    def get(self, url):
        response = self.url_open(url, allow_redirects=False)
        return response

    def post(self, url, csrf=True):
        if not csrf:
            # Odoo's http refuses it (400) and logs a warning: expected here.
            with mute_logger("odoo.http"):
                return self.url_open(url, data={"x": "1"}, allow_redirects=False)
        data = {"csrf_token": http.Request.csrf_token(self)}
        return self.url_open(url, data=data, allow_redirects=False)

    def bookings_of(self, partner):
        return self.Booking.search([("partner_id", "=", partner.id)])

    # ------------------------------------------------------------------
    def test_pages_show_the_members_own_records(self):
        session = self.session_in(timedelta(days=2))
        mine = self.book(session)
        theirs = self.book(session, self.other_member)
        my_credit, their_credit = self.credit(), self.credit(self.other_member)
        self.authenticate("mia_portal", "mia_portal")

        page = self.get("/my/club/bookings").text
        self.assertIn(f'data-booking-id="{mine.id}"', page)
        self.assertNotIn(f'data-booking-id="{theirs.id}"', page)
        self.assertNotIn("Otto Portal", page)

        page = self.get("/my/club/credits").text
        self.assertIn(f'data-credit-id="{my_credit.id}"', page)
        self.assertIn(f'data-credit-id="{mine.credit_id.id}"', page)
        self.assertNotIn(f'data-credit-id="{their_credit.id}"', page)

        page = self.get(f"/my/club/bookings/{mine.id}").text
        self.assertIn(mine.name, page)
        # Another member's booking: nothing of it, back to the list.
        response = self.get(f"/my/club/bookings/{theirs.id}")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my/club/bookings"))
        page = self.url_open(response.headers["Location"]).text
        self.assertNotIn(theirs.name, page)
        self.assertIn("does not exist or is not yours", page)
        response = self.get(f"/my/club/bookings/{theirs.id}/cancel")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            self.post(f"/my/club/bookings/{theirs.id}/cancel").status_code, 303
        )
        self.assertEqual(theirs.state, "booked")
        # Past bookings, of a session done (which the member no longer reads).
        past = self.book(self.session_in(-timedelta(days=2)))
        past.log_booking("completed")
        self.assertEqual(past.session_id.state, "done")
        page = self.get("/my/club/bookings?filterby=past").text
        self.assertIn(f'data-booking-id="{past.id}"', page)
        self.assertNotIn(f'data-booking-id="{mine.id}"', page)
        self.assertIn(past.name, self.get(past.access_url).text)
        page = self.get("/my/club/credits").text
        self.assertIn(f'data-credit-id="{past.credit_id.id}"', page)
        # A booking that does not exist either.
        self.assertEqual(self.get("/my/club/bookings/999999999").status_code, 303)

    def test_timetable_shows_own_clubs_bookable_sessions(self):
        here = self.session_in(timedelta(days=1))
        full = self.session_in(timedelta(days=1, hours=1), capacity=1)
        self.book(full, self.other_member)
        beyond = self.session_in(timedelta(days=20))
        cancelled = self.session_in(timedelta(days=2))
        cancelled.write({"is_cancelled": True})
        other_company = self.env["res.company"].create({"name": "Other Club"})
        foreign = self.session_in(
            timedelta(days=1),
            offering=self.env["club.offering"].create(
                {"name": "Foreign Spin", "company_id": other_company.id}
            ),
        )
        waiting = self.Booking.create(
            {"partner_id": self.member.id, "session_id": full.id, "state": "waitlisted"}
        )
        self.authenticate("mia_portal", "mia_portal")
        page = self.get("/my/club/sessions").text
        self.assertIn(f'data-session-id="{here.id}"', page)
        self.assertIn(f'data-session-id="{full.id}"', page)
        for hidden in (beyond, cancelled, foreign):
            self.assertNotIn(f'data-session-id="{hidden.id}"', page)
        self.assertIn("Full · waitlist 1", page)
        self.assertIn("10 seats left", page)
        self.assertIn("Waitlisted", page)
        self.assertIn("position 1", page)
        self.assertIn(waiting.access_url, page)
        # Filters: by offering (another club's id filters nothing in).
        page = self.get(f"/my/club/sessions?offering={foreign.offering_id.id}").text
        self.assertIn(f'data-session-id="{here.id}"', page)
        page = self.get("/my/club/sessions?offering=abc&trainer=-3").text
        self.assertIn(f'data-session-id="{here.id}"', page)

    def test_book_and_cancel_over_http(self):
        session = self.session_in(timedelta(hours=5))
        self.credit()
        self.authenticate("mia_portal", "mia_portal")
        url = f"/my/club/sessions/{session.id}/book"

        # No csrf_token, or a GET: refused, nothing booked.
        self.assertEqual(self.post(url, csrf=False).status_code, 400)
        self.assertIn(self.get(url).status_code, (404, 405))
        self.assertFalse(self.bookings_of(self.member))

        response = self.post(url)
        self.assertEqual(response.status_code, 303)
        booking = self.bookings_of(self.member)
        self.assertEqual(booking.state, "booked")
        self.assertTrue(response.headers["Location"].endswith(booking.access_url))
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("You are booked.", page)

        # Twice: a clear message, still one booking.
        response = self.post(url)
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("You are already booked in", page)
        self.assertEqual(len(self.bookings_of(self.member)), 1)

        # The cancel page states the consequence; reading it changes nothing.
        cancel_url = f"{booking.access_url}/cancel"
        page = self.get(cancel_url).text
        self.assertIn("This is a late cancel: the credit is lost and a fee of", page)
        self.assertIn("will be invoiced after 24 hours.", page)
        self.assertEqual(booking.state, "booked")
        self.assertEqual(self.post(cancel_url, csrf=False).status_code, 400)
        self.assertEqual(booking.state, "booked")

        response = self.post(cancel_url)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(booking.state, "late_cancel")
        self.assertEqual(booking.penalty_ids.amount, 12.0)
        # Again: already cancelled, nothing changes.
        response = self.post(cancel_url)
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("already cancelled", page)
        self.assertEqual(len(booking.penalty_ids), 1)

    def test_refusals_over_http(self):
        other_company = self.env["res.company"].create({"name": "Other Club"})
        foreign = self.session_in(
            timedelta(days=1),
            offering=self.env["club.offering"].create(
                {"name": "Foreign Spin", "company_id": other_company.id}
            ),
        )
        beyond = self.session_in(timedelta(days=20))
        self.authenticate("mia_portal", "mia_portal")
        for session, message in (
            (foreign, "not in your club&#39;s timetable"),
            (beyond, "opens for booking on"),
            (self.session_in(timedelta(days=1)), "no session credit"),
        ):
            with self.subTest(session=session.name):
                response = self.post(f"/my/club/sessions/{session.id}/book")
                self.assertEqual(response.status_code, 303)
                page = self.url_open(response.headers["Location"]).text
                self.assertIn(message, page)
        self.assertEqual(self.post("/my/club/sessions/999999999/book").status_code, 303)
        self.assertFalse(self.bookings_of(self.member))

    def test_access_token(self):
        booking = self.book(self.session_in(timedelta(days=3)))
        token = booking.sudo()._portal_ensure_token()
        # Signed out: with the token, the page; with a wrong one, nothing.
        page = self.get(f"{booking.access_url}?access_token={token}").text
        self.assertIn(booking.name, page)
        response = self.get(f"{booking.access_url}?access_token=wrong{token}")
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        # Another member with the wrong token sees nothing either.
        self.authenticate("otto_portal", "otto_portal")
        response = self.get(f"{booking.access_url}?access_token=wrong")
        self.assertEqual(response.status_code, 303)
        response = self.post(f"{booking.access_url}/cancel?access_token=wrong")
        self.assertEqual(booking.state, "booked")

    def test_home_counters_and_penalty_invoice_to_pay(self):
        self.book(self.session_in(timedelta(days=1)))
        self.book(self.session_in(-timedelta(days=1)))  # past: not upcoming
        self.credit()
        self.credit(self.other_member)
        self.authenticate("mia_portal", "mia_portal")
        page = self.get("/my").text
        self.assertIn("Club Timetable", page)
        self.assertIn("/my/club/bookings", page)
        self.assertIn("/my/club/credits", page)
        counters = ["club_booking_count", "club_credit_count", "overdue_invoice_count"]
        result = self.make_jsonrpc_request("/my/counters", {"counters": counters})
        self.assertEqual(result["club_booking_count"], 1)
        self.assertEqual(result["club_credit_count"], 1)
        self.assertEqual(result["overdue_invoice_count"], 0)

        # A penalty invoice, due in ten days: to pay now.
        booking = self.book(self.session_in(timedelta(days=2)))
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.member.id,
                "invoice_date_due": fields.Date.today() + timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Late-cancel fee", "quantity": 1, "price_unit": 12.0}
                    )
                ],
            }
        )
        invoice.action_post()
        self.env["club.penalty"].create(
            {
                "partner_id": self.member.id,
                "booking_id": booking.id,
                "kind": "late_cancel",
                "amount": 12.0,
                "state": "invoiced",
                "invoice_id": invoice.id,
                "company_id": self.company.id,
            }
        )
        result = self.make_jsonrpc_request("/my/counters", {"counters": counters})
        self.assertEqual(result["overdue_invoice_count"], 1)
        page = self.get(booking.access_url).text
        self.assertIn(f"/my/invoices/{invoice.id}", page)
        self.assertIn("Pay the invoice", page)

"""The kiosk over HTTP: its page, its JSON routes and how they fail."""

import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user
from odoo.tests.common import JsonRpcException

from .kiosk_common import MIA_CARD, KioskCase

REFUSED = {"status": "refused"}


class TestKioskHttp(KioskCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.company.club_kiosk_token
        cls.member._club_set_kiosk_pin("2468")

    def route(self, name, token=None):
        return f"/club/kiosk/{token or self.token}/{name}"

    def call(self, name, params, token=None):
        return self.make_jsonrpc_request(self.route(name, token), params)

    def started_booking(self, **vals):
        return self.book_at(fields.Datetime.now() - timedelta(minutes=10), **vals)

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------
    def test_page(self):
        other = self.env["res.company"].create({"name": "Other Club"})
        response = self.url_open(f"/club/kiosk/{self.token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertIn("club_session_logoff.assets_kiosk", response.text)
        self.assertNotIn("web.assets_backend", response.text)
        self.assertIn(self.company.name, response.text)
        self.assertNotIn(other.name, response.text)
        self.assertNotIn(self.member.name, response.text)

    def test_unknown_or_regenerated_token_is_not_found(self):
        old = self.token
        self.assertEqual(self.url_open("/club/kiosk/not-a-kiosk").status_code, 404)
        self.company.with_user(self.manager).action_club_regenerate_kiosk_token()
        new = self.company.club_kiosk_token
        self.assertNotEqual(new, old)
        self.assertEqual(self.url_open(f"/club/kiosk/{old}").status_code, 404)
        self.assertEqual(self.url_open(f"/club/kiosk/{new}").status_code, 200)
        for name, params in (
            ("identify", {"code": MIA_CARD}),
            ("bookings", {"ticket": "x"}),
            ("confirm", {"ticket": "x", "booking_id": 1}),
        ):
            for token in (old, "not-a-kiosk"):
                with (
                    self.subTest(route=name, token=token),
                    self.assertRaises(JsonRpcException) as caught,
                ):
                    self.call(name, params, token=token)
                self.assertEqual(caught.exception.code, 404)
        self.assertFalse(self.kiosk_checkins())

    def test_page_signs_staff_out(self):
        self.authenticate("club_manager", "club_manager")
        self.assertEqual(self.url_open("/odoo", allow_redirects=False).status_code, 200)
        self.url_open(f"/club/kiosk/{self.token}")
        response = self.url_open("/odoo", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))

    def test_open_kiosk_menu_signs_out_then_opens_the_kiosk(self):
        action = (
            self.env["res.company"].with_user(self.manager)._action_club_open_kiosk()
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate("club_manager", "club_manager")
        response = self.url_open(action["url"], allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(
            response.headers["Location"].endswith(f"/club/kiosk/{self.token}")
        )
        response = self.url_open("/odoo", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
        # Front-desk staff cannot open it (nor learn its address).
        self.authenticate("club_desk", "club_desk")
        response = self.url_open(action["url"], allow_redirects=False)
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------
    # The JSON routes
    # ------------------------------------------------------------------
    def test_identify_list_confirm(self):
        credit = self.credit()
        booking = self.started_booking()
        visit = self.call("identify", {"code": MIA_CARD})
        self.assertEqual(visit["status"], "ok")
        self.assertEqual(visit["first_name"], "Mia")
        self.assertEqual([b["id"] for b in visit["bookings"]], [booking.id])
        checkin = self.kiosk_checkins()
        self.assertEqual(checkin.kiosk_ip, "127.0.0.1")
        self.assertIn("python-requests", checkin.kiosk_browser)

        listed = self.call("bookings", {"ticket": visit["ticket"]})
        self.assertEqual(listed["bookings"], visit["bookings"])

        confirmed = self.call(
            "confirm", {"ticket": visit["ticket"], "booking_id": booking.id}
        )
        self.assertEqual(confirmed["booking"]["state"], "logged")
        again = self.call(
            "confirm", {"ticket": visit["ticket"], "booking_id": booking.id}
        )
        self.assertEqual(again, confirmed)
        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_source, "kiosk")
        self.assertEqual(credit.state, "used")
        self.assertEqual(
            sum("Logged as" in b for b in booking.message_ids.mapped("body")), 1
        )

    def test_identify_with_pin(self):
        self.assertEqual(
            self.call("identify", {"code": "M-0001", "pin": "2468"})["status"], "ok"
        )

    def test_member_number_without_pin_is_refused_and_counted(self):
        for _attempt in range(5):
            self.assertEqual(self.call("identify", {"code": "M-0001"}), REFUSED)
        # That was guessing at this kiosk: it is locked, even for a real card.
        self.assertEqual(self.call("identify", {"code": MIA_CARD}), REFUSED)
        guard = self.env["club.kiosk.guard"].search([("kiosk_ip", "=", "127.0.0.1")])
        self.assertTrue(guard.is_locked)
        self.assertFalse(self.kiosk_checkins())

    def test_new_card_stops_the_old_card(self):
        self.assertEqual(self.call("identify", {"code": MIA_CARD})["status"], "ok")
        self.member.with_user(self.desk).action_club_new_card()
        new_code = self.member.club_card_code
        self.assertEqual(self.call("identify", {"code": MIA_CARD}), REFUSED)
        self.assertEqual(self.call("identify", {"code": new_code})["first_name"], "Mia")

    def test_card_works_while_the_pin_is_locked(self):
        for _attempt in range(3):
            self.call("identify", {"code": "M-0001", "pin": "0000"})
        # A card identification leaves the member's PIN failures alone...
        self.assertEqual(self.call("identify", {"code": MIA_CARD})["status"], "ok")
        member_guard = self.env["club.kiosk.guard"].search(
            [("partner_id", "=", self.member.id)]
        )
        self.assertEqual(member_guard.failure_count, 3)
        for _attempt in range(2):
            self.call("identify", {"code": "M-0001", "pin": "0000"})
        self.assertTrue(member_guard.is_locked)
        # ...and the member's PIN lockout leaves the card alone (once the front
        # desk unlocked this kiosk, locked too by the same five failures).
        kiosk_guard = self.env["club.kiosk.guard"].search(
            [("kiosk_ip", "=", "127.0.0.1")]
        )
        kiosk_guard.with_user(self.desk).action_unlock()
        self.assertEqual(
            self.call("identify", {"code": "M-0001", "pin": "2468"}), REFUSED
        )
        self.assertEqual(self.call("identify", {"code": MIA_CARD})["first_name"], "Mia")

    def test_failures_look_alike(self):
        booking = self.started_booking(partner=self.other_member)
        ticket = self.call("identify", {"code": MIA_CARD})["ticket"]
        answers = [
            self.call("identify", {"code": "M-4242"}),
            self.call("identify", {"code": "M-0001"}),
            self.call("identify", {"code": MIA_CARD, "pin": "2468"}),
            self.call("identify", {"code": "M-0001", "pin": "0000"}),
            self.call("identify", {"code": MIA_CARD, "fields": ["email"]}),
            self.call("bookings", {"ticket": ticket + "x"}),
            self.call("bookings", {"ticket": ticket, "domain": []}),
            self.call("confirm", {"ticket": ticket, "booking_id": booking.id}),
        ]
        for answer in answers:
            self.assertEqual(answer, REFUSED)
        self.assertEqual(booking.state, "booked")

    def test_lockout_over_http(self):
        for _attempt in range(5):
            self.assertEqual(
                self.call("identify", {"code": "M-0001", "pin": "0000"}), REFUSED
            )
        # The right PIN comes too late: both the member and this kiosk are locked.
        self.assertEqual(
            self.call("identify", {"code": "M-0001", "pin": "2468"}), REFUSED
        )
        locked = (
            self.env["club.kiosk.guard"]
            .with_user(self.desk)
            .search([("is_locked", "=", True)])
        )
        self.assertEqual(set(locked.mapped("scope")), {"member", "kiosk"})
        self.assertEqual(
            locked.filtered(lambda g: g.scope == "kiosk").kiosk_ip, "127.0.0.1"
        )
        self.assertTrue(self.member.with_user(self.desk).club_kiosk_locked_until)
        self.member.with_user(self.desk).action_club_unlock_kiosk()
        self.assertEqual(
            self.call("identify", {"code": "M-0001", "pin": "2468"}), REFUSED
        )
        locked.with_user(self.desk).action_unlock()
        self.assertEqual(
            self.call("identify", {"code": "M-0001", "pin": "2468"})["status"], "ok"
        )

    def test_cross_site_forms_cannot_post(self):
        """A page on another site can post a form, not a JSON body: the routes
        refuse it before doing anything."""
        for content_type, body in (
            ("application/x-www-form-urlencoded", f"code={MIA_CARD}"),
            ("text/plain", json.dumps({"params": {"code": MIA_CARD}})),
            (
                "multipart/form-data; boundary=x",
                '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\n'
                f"{MIA_CARD}\r\n--x--",
            ),
        ):
            with self.subTest(content_type=content_type):
                response = self.url_open(
                    self.route("identify"),
                    data=body,
                    headers={"Content-Type": content_type},
                )
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        self.assertFalse(self.kiosk_checkins())

    def test_oversized_bodies_are_refused(self):
        booking = self.started_booking()
        big = json.dumps({"params": {"code": "M-0001", "pad": "x" * 5000}})
        response = self.url_open(
            self.route("identify"),
            data=big,
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.kiosk_checkins())
        self.company.club_kiosk_confirm_mode = "signature"
        ticket = self.call("identify", {"code": MIA_CARD})["ticket"]
        huge = json.dumps(
            {
                "params": {
                    "ticket": ticket,
                    "booking_id": booking.id,
                    "signature": "A" * 300_000,
                }
            }
        )
        response = self.url_open(
            self.route("confirm"),
            data=huge,
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 413)
        self.assertFalse(booking.kiosk_confirmed)


class TestKioskSettings(KioskCase):
    def test_kiosk_address_for_club_managers_only(self):
        company = self.company.with_user(self.manager)
        url = company.club_kiosk_url
        self.assertTrue(url.endswith(f"/club/kiosk/{self.company.club_kiosk_token}"))
        company.action_club_regenerate_kiosk_token()
        self.assertNotEqual(company.club_kiosk_url, url)
        with self.assertRaises(AccessError):
            self.company.with_user(self.desk).club_kiosk_url  # noqa: B018
        with self.assertRaises(AccessError):
            self.company.with_user(self.desk).action_club_regenerate_kiosk_token()

    def test_club_settings_form_shows_the_address(self):
        form = Form(
            self.company.with_user(self.manager),
            view="club_session_logoff.res_company_view_form_club",
        )
        self.assertEqual(form.club_kiosk_url, self.company.club_kiosk_url)

    def test_odoo_settings_show_the_address_and_regenerate_it(self):
        admin = new_test_user(
            self.env,
            login="club_admin",
            groups="base.group_system,club_session_logoff.group_club_manager",
        )
        settings = Form(self.env["res.config.settings"].with_user(admin))
        url = settings.club_kiosk_url
        self.assertIn("/club/kiosk/", url)
        record = settings.save()
        record.action_club_regenerate_kiosk_token()
        self.assertNotEqual(self.company.club_kiosk_url, url)

    def test_settings_helps(self):
        arch = self.env.ref("club_session_logoff.res_config_settings_view_form").arch
        for label in (
            "Show Bookings Tied To Log-Off",
            "Time Constraints",
            "Ask Customer To Confirm Booking",
            "Automatically Log Sessions When They Confirm",
            "Allow Session Log-Offs Before Problem Redirect",
            "Kiosk Address",
        ):
            self.assertIn(f'string="{label}"', arch)


@patch("odoo.addons.club_session_logoff.models.club_kiosk.IDLE_SECONDS", 2)
class TestKioskTour(KioskCase, HttpCase):
    """The real page in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit()
        cls.booking = cls.book_at(fields.Datetime.now() - timedelta(minutes=10))
        cls.url = f"/club/kiosk/{cls.company.club_kiosk_token}"

    def test_scan_and_confirm(self):
        self.start_tour(self.url, "club_kiosk_scan_confirm")
        self.assertTrue(self.booking.kiosk_confirmed)
        self.assertTrue(self.booking.checked_in)
        self.assertEqual(self.booking.state, "completed")
        self.assertEqual(self.booking.log_source, "kiosk")

    def test_scan_and_sign(self):
        self.company.club_kiosk_confirm_mode = "signature"
        self.start_tour(self.url, "club_kiosk_scan_sign")
        self.assertEqual(self.booking.state, "completed")
        self.assertTrue(self.booking.kiosk_signature)

    def test_camera(self):
        # Headless Chromium has no camera: the kiosk says so and still scans.
        self.start_tour(self.url, "club_kiosk_camera")
        self.assertEqual(len(self.kiosk_checkins()), 1)

    def test_pin_then_idle(self):
        self.member._club_set_kiosk_pin("2468")
        self.start_tour(self.url, "club_kiosk_pin_then_idle")
        self.assertEqual(len(self.kiosk_checkins()), 1)
        self.assertEqual(self.booking.state, "booked")

"""Malformed tokens and bodies at the kiosk's public routes (issue 16): the same
quiet refusal as any wrong token or bad input (404 for an unknown kiosk, the
JSON refusal from a known one, counted by the kiosk's lockout), never a
traceback in the reply nor an error in the log."""

import json

from odoo.tests import HttpCase

from .kiosk_common import MIA_CARD, KioskCase

REFUSED = {"status": "refused"}
ROUTES = ("identify", "bookings", "confirm")
# What a reply must never show: Odoo's traceback, the server's paths.
LEAKS = ("Traceback", 'File "', "/odoo/", "site-packages")


class TestMalformedKioskInput(KioskCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.company.club_kiosk_token

    def post(self, path, body):
        return self.url_open(
            path, data=body, headers={"Content-Type": "application/json"}
        )

    def assert_quiet(self, response):
        for leak in LEAKS:
            self.assertNotIn(leak, response.text)

    def kiosk_failures(self):
        guard = self.env["club.kiosk.guard"].search(
            [("company_id", "=", self.company.id), ("scope", "=", "kiosk")]
        )
        return guard.failure_count

    def test_a_nul_in_the_token_is_an_unknown_kiosk(self):
        with self.assertNoLogs(level="WARNING"):
            for path in (
                f"/club/kiosk/{self.token}%00",
                "/club/kiosk/%00",
                f"/club/kiosk/%00{self.token}",
                f"/club/kiosk/{self.token}%C3%A9",
                f"/club/kiosk/{'a' * 200}",
                f"/club/kiosk/{self.token}?self=1",
            ):
                with self.subTest(path=path):
                    response = self.url_open(path)
                    self.assertEqual(response.status_code, 404)
                    self.assert_quiet(response)
            body = json.dumps({"jsonrpc": "2.0", "params": {"ticket": "x"}})
            for name in ROUTES:
                for token in ("%00", f"{self.token}%00", "x%00y"):
                    with self.subTest(route=name, token=token):
                        response = self.post(f"/club/kiosk/{token}/{name}", body)
                        self.assertEqual(response.status_code, 200)
                        self.assertEqual(response.json()["error"]["code"], 404)
                        self.assert_quiet(response)
        self.assertFalse(self.kiosk_checkins())

    def test_malformed_bodies_are_refused_and_counted(self):
        # Within the 4 kB limit, deeper than Python's JSON parser goes.
        deep = "[" * 1500 + "]" * 1500
        bodies = {
            "params a list": {"jsonrpc": "2.0", "id": 1, "params": [MIA_CARD]},
            "params a list of pairs": {"params": [["code", MIA_CARD]]},
            "params a string": {"params": MIA_CARD},
            "params a number": {"params": 7},
            "params null": {"params": None},
            "a list": [{"params": {"code": MIA_CARD}}],
            "a string": "code",
            "an id that is an object": {"id": {"x": 1}, "params": []},
            # Names Odoo gives the route's own arguments.
            "a parameter named self": {"params": {"self": 1, "code": MIA_CARD}},
            "a parameter named token": {"params": {"token": "x", "code": MIA_CARD}},
        }
        raw = {
            "not JSON": "{params: code}",
            "nested too deep": deep,
            "nested too deep in params": '{"params": {"code": ' + deep + "}}",
            "invalid UTF-8": b'{"params": {"code": "\xff"}}',
        }
        answers = {}
        with self.assertNoLogs(level="WARNING"):
            for name in ROUTES:
                for label, body in bodies.items():
                    answers[name, label] = self.post(
                        f"/club/kiosk/{self.token}/{name}", json.dumps(body)
                    )
                for label, body in raw.items():
                    answers[name, label] = self.post(
                        f"/club/kiosk/{self.token}/{name}", body
                    )
        for (name, label), response in answers.items():
            with self.subTest(route=name, body=label):
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["result"], REFUSED)
                self.assert_quiet(response)
        self.assertEqual(answers["identify", "params a list"].json()["id"], 1)
        self.assertIsNone(answers["identify", "an id that is an object"].json()["id"])
        self.assertFalse(self.kiosk_checkins())
        # Counted by the lockout: this kiosk is locked after five.
        self.assertGreaterEqual(self.kiosk_failures(), 5)
        guard = self.env["club.kiosk.guard"].search(
            [("company_id", "=", self.company.id), ("scope", "=", "kiosk")]
        )
        self.assertTrue(guard.is_locked)
        # Even the right card is refused at a locked kiosk.
        response = self.post(
            f"/club/kiosk/{self.token}/identify",
            json.dumps({"params": {"code": MIA_CARD}}),
        )
        self.assertEqual(response.json()["result"], REFUSED)

    def test_nul_and_odd_values_in_well_formed_params(self):
        for name, params in (
            ("identify", {"code": "M-0001\x00", "pin": "2468"}),
            ("identify", {"code": MIA_CARD + "\x00"}),
            ("identify", {"code": {"$ne": ""}}),
            ("identify", {"code": ["M-0001"], "pin": ["2468"]}),
            ("bookings", {"ticket": "x\x00y"}),
            ("bookings", {"ticket": ["x"]}),
            ("confirm", {"ticket": "x\x00", "booking_id": 1}),
            ("confirm", {"ticket": "x", "booking_id": 2**70}),
            ("confirm", {"ticket": "x", "booking_id": 1.5}),
        ):
            with (
                self.subTest(route=name, params=params),
                self.assertNoLogs(level="WARNING"),
            ):
                response = self.post(
                    f"/club/kiosk/{self.token}/{name}", json.dumps({"params": params})
                )
                self.assertEqual(response.json()["result"], REFUSED)
                self.assert_quiet(response)

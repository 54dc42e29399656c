"""Screenshots of the check-in kiosk for the README, from a running `make run`.

    scripts/kiosk_screenshots.py [--url http://localhost:8069] [--out docs/screenshots]

Logs in as admin/admin over JSON-RPC to read the kiosk's address and the demo
member Emma's (M-1001) card code, and to give Emma a booking that started ten
minutes ago, then drives the kiosk page in headless Chromium
(scripts/screenshots.py's browser): the welcome screen, Emma after scanning her
card, and the signature pad; then, signed in as admin, the booking's customer
validation, the kiosk settings and Emma's member card. The club's kiosk settings
are put back as they were.
"""

import argparse
import json
import os
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from http.cookiejar import CookieJar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from screenshots import Browser  # noqa: E402

# A keyboard-wedge scanner reading the member card: its code, then Enter.
SCAN = """
for (const key of [...%s, "Enter"]) {
    document.body.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
}
"""
SIGN = """
const canvas = document.querySelector(".o_club_kiosk_signature_canvas");
const rect = canvas.getBoundingClientRect();
const at = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {
    bubbles: true, pointerId: 1, pointerType: "touch",
    clientX: rect.left + x, clientY: rect.top + y}));
at("pointerdown", 60, 150);
for (let i = 0; i <= 120; i++) {
    const x = 60 + i * 5;
    at("pointermove", x, 150 - 60 * Math.sin(i / 6) * Math.exp(-i / 90));
}
at("pointerup", 660, 150);
"""
LOGIN = """
document.querySelector('input[name=login]').value = 'admin';
document.querySelector('input[name=password]').value = 'admin';
document.querySelector('form.oe_login_form').submit();
"""


class Odoo:
    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request) as response:
            answer = json.load(response)
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.post(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--db", default="club_demo")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    odoo = Odoo(args.url)
    odoo.post(
        "/web/session/authenticate",
        {"db": args.db, "login": "admin", "password": "admin"},
    )
    settings = ["club_kiosk_confirm_mode", "club_kiosk_show_bookings", "club_kiosk_url"]
    company = odoo.call("res.company", "search_read", [["id", "=", 1]], settings)[0]
    # The card code is random: read it (admin is a club manager).
    emma = odoo.call(
        "res.partner",
        "search_read",
        [["club_member_ref", "=", "M-1001"]],
        ["id", "club_card_code"],
    )[0]
    scan = SCAN % json.dumps(emma["club_card_code"])
    spinning = odoo.call(
        "club.offering", "search_read", [["name", "=", "Spinning"]], ["id"], limit=1
    )[0]
    start = datetime.utcnow().replace(second=0, microsecond=0) - timedelta(minutes=10)
    odoo.call(
        "club.booking",
        "create",
        {
            "partner_id": emma["id"],
            "offering_id": spinning["id"],
            "start": start.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    odoo.call(
        "res.company",
        "write",
        [1],
        {"club_kiosk_confirm_mode": "button", "club_kiosk_show_bookings": True},
    )
    # The kiosk page signs the browser out: it gets a browser of its own.
    browser = Browser()
    try:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=800,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.goto(company["club_kiosk_url"])
        browser.wait_for(".o_club_kiosk_welcome")
        save(browser, args.out, "kiosk_welcome")
        browser.evaluate(scan)
        browser.wait_for(".o_club_kiosk_member .o_club_kiosk_confirm")
        save(browser, args.out, "kiosk_member")
        odoo.call("res.company", "write", [1], {"club_kiosk_confirm_mode": "signature"})
        browser.goto(company["club_kiosk_url"])
        browser.wait_for(".o_club_kiosk_welcome")
        browser.evaluate(scan)
        browser.wait_for(".o_club_kiosk_member .o_club_kiosk_confirm")
        browser.evaluate("document.querySelector('.o_club_kiosk_confirm').click()")
        browser.wait_for(".o_club_kiosk_signature_canvas")
        browser.evaluate(SIGN)
        time.sleep(1)
        save(browser, args.out, "kiosk_signature")
        browser.evaluate("document.querySelector('.o_club_kiosk_sign_confirm').click()")
        browser.wait_for(".o_club_kiosk_booking[data-state=logged]")
    finally:
        browser.close()
    # What staff see: the booking's customer validation, and the settings.
    booking = odoo.call(
        "club.booking",
        "search_read",
        [["partner_id", "=", emma["id"]], ["kiosk_confirmed", "=", True]],
        ["id"],
        limit=1,
        order="kiosk_confirm_date desc",
    )[0]
    staff = Browser()
    try:
        staff.goto(f"{args.url}/web/login")
        staff.evaluate(LOGIN)
        time.sleep(4)
        staff.goto(
            f"{args.url}/odoo/action-club_session_logoff.club_booking_action/{booking['id']}"
        )
        staff.wait_for(".o_form_view .o_notebook")
        save(staff, args.out, "kiosk_booking_validation")
        staff.goto(
            f"{args.url}/odoo/action-club_session_logoff.res_company_action_club_settings"
        )
        staff.wait_for(".o_form_view")
        save(staff, args.out, "kiosk_settings")
        # The member card on the member's form: its code, barcode and New Card.
        staff.goto(
            f"{args.url}/odoo/action-club_session_logoff.res_partner_action_club_members/"
            f"{emma['id']}"
        )
        staff.wait_for(".o_form_view button[name=action_club_new_card]")
        save(staff, args.out, "kiosk_member_card")
    finally:
        staff.close()
        odoo.call(
            "res.company",
            "write",
            [1],
            {key: company[key] for key in settings if key != "club_kiosk_url"},
        )


def save(browser, folder, name):
    target = os.path.join(folder, f"{name}.png")
    browser.shot(target)
    print(f"saved {target}")


if __name__ == "__main__":
    main()

"""Screenshots of the check-in kiosk in French, from a running `make run`, or
of the member portal's timetable in Spanish (--portal).

    scripts/screenshots_i18n.py [--url http://localhost:8069] [--out docs/screenshots]
    scripts/screenshots_i18n.py --portal --lang es_ES

Logs in as admin/admin over JSON-RPC, installs French (Settings > Languages) if
it is not yet, makes it the club's language and the demo member Emma's (M-1001),
gives Emma a booking that started ten minutes ago, then drives the kiosk page in
headless Chromium (scripts/screenshots.py's browser): the welcome screen, and
Emma after scanning her card. The club's and Emma's languages and the kiosk
settings are put back as they were.

With --portal: Emma gets a portal user (emma_portal, password emma_portal) if
she has none, in the language asked, books the next Spinning session and joins
the waitlist of a full one if there is one; the browser signs in as her and
shoots /my/club/sessions (portal_timetable_<lang>.png). Emma's language is put
back; her bookings stay (demo data).
"""

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kiosk_screenshots import SCAN, Odoo, save  # noqa: E402
from screenshots import Browser  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--db", default="club_demo")
    parser.add_argument("--lang", default="fr_FR")
    parser.add_argument(
        "--portal", action="store_true", help="the portal's timetable, as Emma"
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    odoo = Odoo(args.url)
    odoo.post(
        "/web/session/authenticate",
        {"db": args.db, "login": "admin", "password": "admin"},
    )
    lang = odoo.call(
        "res.lang",
        "search_read",
        [["code", "=", args.lang], ["active", "in", [True, False]]],
        ["id", "active"],
    )[0]
    if not lang["active"]:
        wizard = odoo.call(
            "base.language.install", "create", {"lang_ids": [[6, 0, [lang["id"]]]]}
        )
        odoo.call("base.language.install", "lang_install", [wizard])
    if args.portal:
        portal_timetable(odoo, args)
        return
    settings = ["club_kiosk_confirm_mode", "club_kiosk_show_bookings", "club_kiosk_url"]
    company = odoo.call(
        "res.company", "search_read", [["id", "=", 1]], [*settings, "partner_id"]
    )[0]
    club = company["partner_id"][0]
    emma = odoo.call(
        "res.partner",
        "search_read",
        [["club_member_ref", "=", "M-1001"]],
        ["id", "club_card_code", "lang"],
    )[0]
    club_lang = odoo.call("res.partner", "read", [club], ["lang"])[0]["lang"]
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
    odoo.call("res.partner", "write", [club, emma["id"]], {"lang": args.lang})
    odoo.call(
        "res.company",
        "write",
        [1],
        {"club_kiosk_confirm_mode": "button", "club_kiosk_show_bookings": True},
    )
    suffix = args.lang.split("_")[0]
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
        save(browser, args.out, f"kiosk_welcome_{suffix}")
        browser.evaluate(SCAN % json.dumps(emma["club_card_code"]))
        browser.wait_for(".o_club_kiosk_member .o_club_kiosk_confirm")
        save(browser, args.out, f"kiosk_member_{suffix}")
    finally:
        browser.close()
        odoo.call("res.partner", "write", [club], {"lang": club_lang})
        odoo.call("res.partner", "write", [emma["id"]], {"lang": emma["lang"]})
        odoo.call(
            "res.company",
            "write",
            [1],
            {key: company[key] for key in settings if key != "club_kiosk_url"},
        )


def portal_timetable(odoo, args):
    emma = odoo.call(
        "res.partner",
        "search_read",
        [["club_member_ref", "=", "M-1001"]],
        ["id", "lang", "user_ids"],
    )[0]
    login = "emma_portal"
    if not odoo.call(
        "res.users", "search", [["login", "=", login]], context={"active_test": False}
    ):
        portal = odoo.call(
            "ir.model.data", "check_object_reference", "base", "group_portal"
        )[1]
        odoo.call(
            "res.users",
            "create",
            {
                "name": "Emma",
                "login": login,
                "password": login,
                "partner_id": emma["id"],
                "groups_id": [[6, 0, [portal]]],
            },
        )
    odoo.call("res.partner", "write", [emma["id"]], {"lang": args.lang})
    now = datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    upcoming = odoo.call(
        "club.session",
        "search_read",
        [["start", ">", now], ["state", "=", "scheduled"]],
        ["id", "capacity", "seats_available"],
        order="start",
        limit=40,
    )
    mine = odoo.call(
        "club.booking",
        "search_read",
        [
            ["partner_id", "=", emma["id"]],
            ["session_id", "in", [s["id"] for s in upcoming]],
        ],
        ["session_id"],
    )
    if not mine:
        free = [s for s in upcoming if not s["capacity"] or s["seats_available"] > 0]
        full = [s for s in upcoming if s["capacity"] and s["seats_available"] <= 0]
        for session in free[:1] + full[:1]:
            odoo.call(
                "club.booking",
                "create",
                {"partner_id": emma["id"], "session_id": session["id"]},
            )
    suffix = args.lang.split("_")[0]
    browser = Browser()
    try:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.goto(f"{args.url}/web/login")
        browser.evaluate(
            f"""
            document.querySelector('input[name=login]').value = {json.dumps(login)};
            document.querySelector('input[name=password]').value = {json.dumps(login)};
            document.querySelector('form.oe_login_form').submit();
            """
        )
        time.sleep(3)
        # The login page set the frontend_lang cookie to the public user's
        # language, which outranks the member's: the URL says the language.
        code = odoo.call(
            "res.lang", "search_read", [["code", "=", args.lang]], ["url_code"]
        )[0]["url_code"]
        browser.goto(f"{args.url}/{code}/my/club/sessions")
        browser.wait_for(".o_club_session")
        save(browser, args.out, f"portal_timetable_{suffix}")
    finally:
        browser.close()
        odoo.call("res.partner", "write", [emma["id"]], {"lang": emma["lang"]})


if __name__ == "__main__":
    main()

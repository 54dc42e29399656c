"""Screenshots of the check-in kiosk in French, from a running `make run`.

    scripts/screenshots_i18n.py [--url http://localhost:8069] [--out docs/screenshots]

Logs in as admin/admin over JSON-RPC, installs French (Settings > Languages) if
it is not yet, makes it the club's language and the demo member Emma's (M-1001),
gives Emma a booking that started ten minutes ago, then drives the kiosk page in
headless Chromium (scripts/screenshots.py's browser): the welcome screen, and
Emma after scanning her card. The club's and Emma's languages and the kiosk
settings are put back as they were.
"""

import argparse
import json
import os
import sys
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


if __name__ == "__main__":
    main()

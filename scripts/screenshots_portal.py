"""README screenshots of the member portal, from a running `make run` (with
scripts/screenshots.py's browser):

    scripts/screenshots_portal.py [--url URL] [--out docs/screenshots]

Saves the timetable (/my/club/sessions) on a desktop and on a 360 px wide phone,
and the cancel confirmation of a booking inside its late-cancel window. It
changes the demo database: as admin, it makes a demo member a portal user
(login portal.member@example.com, password portal-member) with two session
credits and a 24-hour late-cancel window and a fee on the offering it books;
then, as the member, it books the first session of the timetable.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402

LOGIN = "portal.member@example.com"
PASSWORD = "portal-member"


def portal_member(call):
    """The demo member who is the portal user (made so on the first run)."""
    users = call("res.users", "search_read", [("login", "=", LOGIN)], fields=["id"])
    if users:
        partner = call("res.users", "read", [users[0]["id"]], ["partner_id"])
        return partner[0]["partner_id"][0]
    members = call(
        "res.partner",
        "search_read",
        [("club_member_ref", "!=", False), ("user_ids", "=", False)],
        fields=["id", "name"],
        limit=1,
        order="id",
    )
    if not members:
        sys.exit("No demo member in this database (see club.demo).")
    portal = call("ir.model.data", "check_object_reference", "base", "group_portal")[1]
    call(
        "res.users",
        "create",
        {
            "login": LOGIN,
            "password": PASSWORD,
            "partner_id": members[0]["id"],
            "groups_id": [(6, 0, [portal])],
        },
    )
    return members[0]["id"]


def sign_in_as_member(browser, url):
    browser.goto(f"{url}/web/session/logout")
    browser.goto(f"{url}/web/login")
    browser.evaluate(
        f"""
        document.querySelector('input[name=login]').value = {json.dumps(LOGIN)};
        document.querySelector('input[name=password]').value = {json.dumps(PASSWORD)};
        document.querySelector('form.oe_login_form').submit();
        """
    )
    time.sleep(3)


def main():
    with admin_session(__doc__) as (args, browser, call):
        partner = portal_member(call)
        call(
            "club.session.credit",
            "create",
            [
                {"partner_id": partner, "offering_type": "class", "is_paid": True},
                {"partner_id": partner, "offering_type": "class", "is_paid": True},
            ],
        )
        # The first class session of the timetable gets a late-cancel window and
        # fee, so that cancelling it shows the consequence with a fee.
        sessions = call(
            "club.session",
            "search_read",
            [
                ("state", "=", "scheduled"),
                ("offering_type", "=", "class"),
                ("start", ">", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())),
            ],
            fields=["offering_id"],
            order="start",
            limit=1,
        )
        if sessions:
            call(
                "club.offering",
                "write",
                [sessions[0]["offering_id"][0]],
                {"late_cancel_hours": 48, "late_cancel_fee": 12.0},
            )

        sign_in_as_member(browser, args.url)
        browser.goto(f"{args.url}/my/club/sessions")
        browser.wait_for(".o_club_session")
        # Book the first session that has a free seat (a real POST with the
        # page's csrf_token).
        browser.evaluate(
            "document.querySelector('.o_club_session button.o_club_book"
            ":not(.btn-outline-primary)')?.closest('form').submit()"
        )
        time.sleep(3)
        browser.goto(f"{args.url}/my/club/sessions")
        browser.wait_for(".o_club_session")
        target = os.path.join(args.out, "portal_timetable.png")
        browser.shot(target)
        print(f"saved {target}")

        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=360,
            height=780,
            deviceScaleFactor=2,
            mobile=True,
        )
        browser.goto(f"{args.url}/my/club/sessions")
        browser.wait_for(".o_club_session")
        target = os.path.join(args.out, "portal_timetable_mobile.png")
        browser.shot(target)
        print(f"saved {target}")
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )

        # The cancel page of a booked session: a late cancel when there is one.
        browser.goto(f"{args.url}/my/club/bookings")
        links = browser.evaluate(
            "[...document.querySelectorAll('.o_club_booking_row')]"
            ".filter(row => row.querySelector('.text-bg-success'))"
            ".map(row => row.querySelector('a').getAttribute('href'))"
        )
        if not links:
            sys.exit("The member has no upcoming booking to cancel.")
        for link in links:
            browser.goto(f"{args.url}{link}/cancel")
            browser.wait_for(".o_club_consequence")
            text = browser.evaluate(
                "document.querySelector('.o_club_consequence').textContent"
            )
            if "late cancel" in (text or ""):
                break
        target = os.path.join(args.out, "portal_cancel.png")
        browser.shot(target)
        print(f"saved {target}")


if __name__ == "__main__":
    main()

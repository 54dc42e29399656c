"""README screenshots of the unlogged-bookings feature, from a running
`make run` (with scripts/screenshots.py's browser):

    scripts/screenshots_unlogged.py [--url URL] [--out docs/screenshots]

Sets the demo club's rule to "log as completed after 3 days" with the credit
clean-up on, then saves Main > Log Sessions filtered on "Will Be Auto-Logged" and
Club > Configuration > Settings after Run Now. It changes the database it runs on.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402


def main():
    with admin_session(__doc__) as (args, browser, call):
        user = call(
            "res.users", "search_read", [["login", "=", "admin"]], fields=["company_id"]
        )
        call(
            "res.company",
            "write",
            [user[0]["company_id"][0]],
            {
                "club_unlogged_action": "complete",
                "club_unlogged_days": 3,
                "club_credit_cleanup": True,
            },
        )

        browser.goto(
            f"{args.url}/odoo/action-club_session_logoff.club_booking_action_log_sessions"
        )
        browser.wait_for(".o_data_row")
        browser.evaluate(
            "document.querySelector('.o_searchview_dropdown_toggler').click()"
        )
        browser.wait_for(".o_filter_menu")
        browser.evaluate("""
            [...document.querySelectorAll('.o_filter_menu .dropdown-item')].find(
                (item) => item.textContent.includes('Will Be Auto-Logged')).click();
            document.querySelector('.o_searchview_dropdown_toggler').click();
        """)
        time.sleep(3)
        target = os.path.join(args.out, "unlogged_will_be_auto_logged.png")
        browser.shot(target)
        print(f"saved {target}")

        browser.goto(
            f"{args.url}/odoo/action-club_session_logoff.res_company_action_club_settings"
        )
        browser.wait_for("button[name=action_club_run_unlogged]")
        browser.evaluate(
            "document.querySelector('button[name=action_club_run_unlogged]').click()"
        )
        browser.wait_for(".o_notification")
        browser.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        time.sleep(1)
        target = os.path.join(args.out, "unlogged_run_now.png")
        browser.shot(target)
        print(f"saved {target}")


if __name__ == "__main__":
    main()

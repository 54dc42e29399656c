"""README screenshots of the members at risk, from a running `make run` (with
scripts/screenshots.py's browser):

    scripts/screenshots_member_risk.py [--url URL] [--out docs/screenshots]

Saves Club > Reporting > Members at Risk with its rows selected (the Schedule a
Call button shows then), and the form of a member at risk with the attendance of
the last 90 days beside the member number. It changes nothing.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402

LIST = "/odoo/action-club_session_logoff.club_member_risk_action"


def main():
    with admin_session(__doc__) as (args, browser, call):
        rows = call(
            "club.member.risk", "search_read", [], fields=["partner_id"], limit=1
        )
        if not rows:
            sys.exit("No member at risk in this database (see club.demo).")

        browser.goto(f"{args.url}{LIST}")
        browser.wait_for(".o_data_row")
        browser.evaluate(
            "document.querySelector('thead .o_list_record_selector input').click()"
        )
        browser.wait_for("button[name=action_schedule_call]")
        target = os.path.join(args.out, "members_at_risk.png")
        browser.shot(target)
        print(f"saved {target}")

        member = rows[0]["partner_id"][0]
        browser.goto(f"{args.url}/odoo/action-base.action_partner_form/{member}")
        browser.wait_for("div[name=club_attendance]")
        time.sleep(1)
        target = os.path.join(args.out, "member_attendance.png")
        browser.shot(target)
        print(f"saved {target}")


if __name__ == "__main__":
    main()

"""README screenshots of the no-show policies' dialogs, from a running `make run`
(with scripts/screenshots.py's browser):

    scripts/screenshots_no_show.py [--url URL] [--out docs/screenshots]

Gives the demo club's offerings a late-cancel window of 48 hours, then opens the
Cancel Booking dialog of a booking of the next two days and the Correct Outcome
dialog of a no-show. It changes the database it runs on (the window) and nothing
else: both dialogs are closed without a choice.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402

BOOKING = "/odoo/action-club_session_logoff.club_booking_action"


def dialog(browser, url, booking_id, button, target):
    browser.goto(f"{url}{BOOKING}/{booking_id}")
    browser.wait_for(f".o_form_view button[name={button}]")
    browser.evaluate(f"document.querySelector('button[name={button}]').click()")
    browser.wait_for(".modal .o_form_view")
    time.sleep(1.5)
    browser.shot(target)
    print(f"saved {target}")


def main():
    with admin_session(__doc__) as (args, browser, call):
        offerings = call("club.offering", "search", [])
        call("club.offering", "write", offerings, {"late_cancel_hours": 48})
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        soon = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 40 * 3600))
        late = call(
            "club.booking",
            "search",
            [["state", "=", "booked"], ["start", ">", now], ["start", "<", soon]],
            limit=1,
            order="start",
        )
        no_show = call("club.booking", "search", [["state", "=", "no_show"]], limit=1)
        dialog(
            browser,
            args.url,
            late[0],
            "action_open_cancel_dialog",
            os.path.join(args.out, "late_cancel_dialog.png"),
        )
        dialog(
            browser,
            args.url,
            no_show[0],
            "action_open_correct_dialog",
            os.path.join(args.out, "correct_outcome_dialog.png"),
        )


if __name__ == "__main__":
    main()

"""Point of Sale screenshots for the README, from a running `make run`.

    scripts/screenshots_pos.py [--url http://localhost:8069] [--out docs/screenshots]

Logs in as admin/admin, opens a register if none is open, then takes the payment of
an unpaid completed booking of the demo club the way the front desk does (Take
Payment at POS) and saves: the order with the booking's line, the Unpaid bookings
list, the receipt. It pays that booking in the database it runs against.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from screenshots import admin_session  # noqa: E402


def click(browser, selector, text=None):
    """Click the first element matching selector (and containing text)."""
    browser.evaluate(
        f"""(() => {{
            const text = {json.dumps(text)};
            [...document.querySelectorAll({json.dumps(selector)})]
                .find((el) => !text || el.textContent.includes(text))
                .click();
        }})()"""
    )


def main():
    with admin_session(__doc__) as (args, browser, call):
        config = call("pos.config", "search_read", [], fields=["id"], limit=1)[0]["id"]
        call("pos.config", "open_ui", [config])
        open_session = call(
            "pos.session",
            "search_read",
            [["config_id", "=", config], ["state", "!=", "closed"]],
            fields=["id"],
            limit=1,
        )[0]["id"]
        call("pos.session", "set_opening_control", [open_session], 0, "")
        # The member with the most unpaid bookings shows the fullest list.
        unpaid = [["state", "!=", "cancelled"], ["is_paid", "=", False]]
        groups = call(
            "club.booking", "read_group", unpaid, ["partner_id"], ["partner_id"]
        )
        member = max(groups, key=lambda g: g["partner_id_count"])["partner_id"][0]
        booking = call(
            "club.booking",
            "search_read",
            [["partner_id", "=", member], *unpaid],
            fields=["id", "name"],
            order="start, id",
            limit=1,
        )[0]
        action = call("club.booking", "action_pay_at_pos", [booking["id"]])
        print(f"paying {booking['name']} at {action['url']}")

        browser.goto(f"{args.url}{action['url']}", settle=6)
        browser.wait_for(".order-container .orderline .club-booking", timeout=60)
        target = os.path.join(args.out, "pos_booking_line.png")
        browser.shot(target)
        print(f"saved {target}")

        click(browser, ".control-buttons .more-btn")
        browser.wait_for(".o_club_unpaid_bookings")
        time.sleep(2)
        click(browser, ".o_club_unpaid_bookings")
        browser.wait_for(".selection-item")
        target = os.path.join(args.out, "pos_unpaid_bookings.png")
        browser.shot(target)
        print(f"saved {target}")
        click(browser, ".modal .btn-close")
        time.sleep(1)

        click(browser, ".product-screen .pay-order-button")
        browser.wait_for(".payment-screen")
        click(browser, ".paymentmethods .button.paymentmethod", "Cash")
        time.sleep(1)
        click(browser, ".payment-screen .button.next.highlight")
        browser.wait_for(".receipt-screen .pos-receipt .club-booking")
        target = os.path.join(args.out, "pos_receipt.png")
        browser.shot(target)
        print(f"saved {target}")


if __name__ == "__main__":
    main()

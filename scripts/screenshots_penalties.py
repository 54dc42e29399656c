"""README screenshots of the no-show penalties, from a running `make run` (with
scripts/screenshots.py's browser):

    scripts/screenshots_penalties.py [--url URL] [--out docs/screenshots]

Gives the demo club's offerings a no-show fee and its policy (first penalty in 30
days forgiven), logs some of its unlogged bookings as no-shows, invoices the first
ones (grace period 0 for them, then the scheduled action), waives one, then saves
Bookings > Penalties, an invoiced penalty's form and the No-Show Policy settings.
It changes the database it runs on.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402


def prepare(call):
    """The demo club's penalties: invoiced, forgiven, waived and pending ones."""
    user = call(
        "res.users", "search_read", [["login", "=", "admin"]], fields=["company_id"]
    )
    company = user[0]["company_id"][0]
    offerings = call("club.offering", "search", [["company_id", "=", company]])
    call("club.offering", "write", offerings, {"no_show_fee": 12.0})
    bookings = call(
        "club.booking",
        "search_read",
        [["to_log", "=", True], ["company_id", "=", company]],
        fields=["id", "partner_id"],
        order="start",
        limit=12,
    )
    ids = [booking["id"] for booking in bookings]
    policy = {"club_forgive_count": 1, "club_forgive_days": 30}
    call("res.company", "write", [company], policy | {"club_penalty_grace_hours": 0})
    call("club.booking", "log_booking", ids[:6], "no_show")
    cron = call(
        "ir.model.data",
        "search_read",
        [
            ["module", "=", "club_session_logoff"],
            ["name", "=", "ir_cron_club_penalties"],
        ],
        fields=["res_id"],
    )[0]["res_id"]
    call("ir.cron", "method_direct_trigger", [cron])
    call("res.company", "write", [company], {"club_penalty_grace_hours": 24})
    call("club.booking", "log_booking", ids[6:], "no_show")
    pending = call(
        "club.penalty",
        "search",
        [["booking_id", "in", ids[6:]], ["state", "=", "pending"]],
        limit=1,
    )
    if pending:
        call("club.penalty", "action_waive", pending, "Doctor's note shown at the desk")
    invoiced = call(
        "club.penalty", "search", [["state", "=", "invoiced"]], limit=1, order="id"
    )
    return invoiced[0] if invoiced else None


def main():
    with admin_session(__doc__) as (args, browser, call):
        invoiced = prepare(call)

        browser.goto(f"{args.url}/odoo/action-club_session_logoff.club_penalty_action")
        browser.wait_for(".o_facet_remove")
        # Every penalty, not only the pending ones.
        browser.evaluate("document.querySelector('.o_facet_remove').click()")
        time.sleep(3)
        target = os.path.join(args.out, "penalties_list.png")
        browser.shot(target)
        print(f"saved {target}")

        if invoiced:
            browser.goto(
                f"{args.url}/odoo/action-club_session_logoff.club_penalty_action/"
                f"{invoiced}"
            )
            browser.wait_for(".o_form_view")
            time.sleep(1)
            target = os.path.join(args.out, "penalty_invoiced.png")
            browser.shot(target)
            print(f"saved {target}")

        browser.goto(
            f"{args.url}/odoo/action-club_session_logoff.res_company_action_club_settings"
        )
        browser.wait_for("div[name=club_penalty_grace_hours]")
        browser.evaluate(
            "document.querySelector('div[name=club_penalty_grace_hours]')"
            ".scrollIntoView({block: 'center'})"
        )
        time.sleep(1)
        target = os.path.join(args.out, "penalties_settings.png")
        browser.shot(target)
        print(f"saved {target}")


if __name__ == "__main__":
    main()

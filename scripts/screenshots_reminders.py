"""The README screenshots of a reminder's mail and of its one-tap cancel page,
from a running `make run` (with scripts/screenshots.py's browser):

    scripts/screenshots_reminders.py [--url URL] [--out docs/screenshots]

Books a demo member with an e-mail address into a session of the coming days,
renders the reminder mail's subject and body as the member would read them (the
mail template rendered by Odoo's composer, not sent), shows it in the browser
with its headers and attachment, then opens its Cancel link (the page; nothing
is cancelled). The booking stays in the database.
"""

import html
import os
import re
import sys
import tempfile
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402

TEMPLATE = "club_session_logoff.mail_template_club_booking_reminder"

MAIL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{subject}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       background: #f1f3f4; margin: 0; padding: 24px; color: #202124; }}
.mail {{ max-width: 720px; margin: auto; background: #fff; border-radius: 8px;
        box-shadow: 0 1px 3px rgba(0,0,0,.2); }}
.head {{ padding: 16px 24px; border-bottom: 1px solid #e0e0e0; }}
.head h1 {{ font-size: 20px; margin: 0 0 8px; font-weight: 500; }}
.head div {{ font-size: 13px; color: #5f6368; }}
.body {{ padding: 16px 24px; }}
.att {{ margin: 0 24px 24px; padding: 8px 12px; border: 1px solid #dadce0;
       border-radius: 4px; display: inline-block; font-size: 13px; }}
</style></head>
<body><div class="mail">
<div class="head"><h1>{subject}</h1>
<div>From: {sender}</div><div>To: {recipient}</div></div>
<div class="body">{body}</div>
<div class="att">Attachment: {attachment} (text/calendar)</div>
</div></body></html>
"""


def main():
    with admin_session(__doc__) as (args, browser, call):
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=900,
            height=860,
            deviceScaleFactor=1,
            mobile=False,
        )
        now = datetime.utcnow()
        sessions = call(
            "club.session",
            "search_read",
            [
                ("start", ">", (now + timedelta(hours=30)).strftime("%Y-%m-%d %H:%M")),
                ("is_cancelled", "=", False),
                ("trainer_id", "!=", False),
            ],
            fields=["id", "seats_available"],
            order="start",
            limit=20,
        )
        session = next(s for s in sessions if s["seats_available"])
        members = call(
            "res.partner",
            "search_read",
            [("club_member_ref", "!=", False), ("email", "!=", False)],
            fields=["id"],
            limit=50,
        )
        booking_id = None
        for member in members:
            taken = call(
                "club.booking",
                "search_count",
                [("session_id", "=", session["id"]), ("partner_id", "=", member["id"])],
            )
            if not taken:
                booking_id = call(
                    "club.booking",
                    "create",
                    {"partner_id": member["id"], "session_id": session["id"]},
                )
                break
        if not booking_id:
            sys.exit("No demo member to book")
        (booking,) = call(
            "club.booking",
            "read",
            [booking_id],
            ["name", "partner_id", "company_id", "club_cancel_url"],
        )
        module, name = TEMPLATE.split(".")
        (template,) = call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        template_id = template["res_id"]
        composer = call(
            "mail.compose.message",
            "create",
            {
                "composition_mode": "comment",
                "model": "club.booking",
                "res_ids": str([booking_id]),
                "template_id": template_id,
            },
        )
        (rendered,) = call(
            "mail.compose.message", "read", [composer], ["subject", "body"]
        )
        (partner,) = call(
            "res.partner", "read", [booking["partner_id"][0]], ["email_formatted"]
        )
        (company,) = call(
            "res.company", "read", [booking["company_id"][0]], ["email_formatted"]
        )
        page = MAIL_PAGE.format(
            subject=html.escape(rendered["subject"]),
            sender=html.escape(company["email_formatted"] or ""),
            recipient=html.escape(partner["email_formatted"] or ""),
            body=rendered["body"],
            attachment=html.escape(f"{booking['name']}.ics"),
        )
        with tempfile.NamedTemporaryFile(
            "w", suffix=".html", delete=False, encoding="utf-8"
        ) as file:
            file.write(page)
        try:
            browser.goto(f"file://{file.name}", settle=1.5)
            browser.shot(os.path.join(args.out, "reminder_mail.png"))
            print("reminder_mail.png")
        finally:
            os.unlink(file.name)
        # The link's host is the database's web.base.url: open it on --url.
        path = re.sub(r"^https?://[^/]+", "", booking["club_cancel_url"])
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=900,
            height=640,
            deviceScaleFactor=1,
            mobile=False,
        )
        # As the member opens it: not logged in.
        browser.goto(f"{args.url}/web/session/logout", settle=2.0)
        browser.goto(f"{args.url}{path}")
        if not browser.wait_for(".o_club_cancel_button"):
            sys.exit("The cancel page has no Cancel my booking button")
        browser.shot(os.path.join(args.out, "one_tap_cancel.png"))
        print("one_tap_cancel.png")


if __name__ == "__main__":
    main()

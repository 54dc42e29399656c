"""Screenshots of the main screens for the README, from a running `make run`.

    scripts/screenshots.py [--url http://localhost:8069] [--out docs/screenshots]
                           [--only NAME ...]

Drives headless Chromium over the DevTools protocol (websocket-client, already in
the virtualenv): logs in as admin/admin, opens each page, waits for it to settle and
saves a PNG.
"""

import argparse
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import websocket

PAGES = [
    (
        "log_sessions",
        "/odoo/action-club_session_logoff.club_booking_action_log_sessions",
    ),
    ("log_off_tab", "FIRST_TO_LOG"),
    # The bookings' calendar (All Bookings), then Bookings > Grid View's day grid.
    (
        "grid_view",
        "/odoo/action-club_session_logoff.club_booking_action?view_type=calendar",
    ),
    ("day_grid", "/odoo/action-club_session_logoff.club_session_action_day_grid"),
    # The roster of today's latest session that started and waits to be logged.
    ("roster", "ROSTER"),
    ("member_account", "MEMBER_ACCOUNT"),
    ("settings", "/odoo/action-club_session_logoff.res_company_action_club_settings"),
    # Club > Reporting > Attendance: its pivot, offering x month.
    (
        "attendance_report",
        "/odoo/action-club_session_logoff.club_attendance_report_action",
    ),
]


class Browser:
    def __init__(self, port=None):
        # A port of our own: another Chromium on the machine must never get our
        # clicks.
        port = port or free_port()
        self.profile = tempfile.mkdtemp(prefix="club-shots-")
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-sync",
                "--disable-component-update",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={port}",
                "--window-size=1440,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as resp:
                    targets = json.load(resp)
                break
            except OSError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        return result.get("result", {}).get("value")

    def goto(self, url, settle=4.0):
        self.call("Page.navigate", url=url)
        time.sleep(settle)

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                time.sleep(1.0)
                return True
            time.sleep(0.3)
        return False

    def shot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rpc(url, session, model, method, args, kwargs=None):
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/dataset/call_kw",
        data=body,
        headers={"Content-Type": "application/json", "Cookie": f"session_id={session}"},
    )
    with urllib.request.urlopen(request) as resp:
        answer = json.load(resp)
    if "error" in answer:
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer.get("result")


def login(browser, url, user="admin", password="admin"):
    """Sign the browser in; return ``call(model, method, *args, **kwargs)``, an
    RPC helper on the same session."""
    browser.goto(f"{url}/web/login")
    browser.evaluate(
        f"""
        document.querySelector('input[name=login]').value = {json.dumps(user)};
        document.querySelector('input[name=password]').value = {json.dumps(password)};
        document.querySelector('form.oe_login_form').submit();
        """
    )
    time.sleep(2)
    browser.wait_for(".o_main_navbar", timeout=60)
    cookies = browser.call("Network.getCookies", urls=[url])["cookies"]
    session = next(c["value"] for c in cookies if c["name"] == "session_id")

    def call(model, method, *args, **kwargs):
        return rpc(url, session, model, method, list(args), kwargs)

    return call


@contextlib.contextmanager
def admin_session(description):
    """The other screenshot scripts' start: their command line (--url, --out),
    a headless Chromium logged in as admin, closed at the end. Yields (args,
    browser, call), ``call`` an RPC as admin (see login)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    browser = Browser()
    try:
        yield args, browser, login(browser, args.url)
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="take only these pictures"
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    browser = Browser()
    try:
        call = login(browser, args.url)
        first = call(
            "club.booking",
            "search_read",
            [["to_log", "=", True], ["partner_id.club_member_ref", "!=", False]],
            fields=["id"],
            limit=1,
            order="start desc",
        )
        member = call(
            "res.partner",
            "search_read",
            [["club_member_ref", "=", "M-1001"]],
            fields=["id"],
            limit=1,
        )
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        started = call(
            "club.session",
            "search_read",
            [["state", "=", "scheduled"], ["start", "<=", now]],
            fields=["id", "to_log_count"],
            limit=40,
            order="start desc",
        )
        # The fullest roster still to log (a class rather than a one-to-one).
        roster = sorted(started, key=lambda r: -r["to_log_count"])
        for name, path in PAGES:
            if args.only and name not in args.only:
                continue
            if path == "FIRST_TO_LOG":
                path = f"{PAGES[0][1]}/{first[0]['id']}"
            elif path == "ROSTER":
                action = "/odoo/action-club_session_logoff.club_session_action"
                path = f"{action}/{roster[0]['id']}"
            elif path == "MEMBER_ACCOUNT":
                path = f"/odoo/action-base.action_partner_form/{member[0]['id']}"
            browser.goto(f"{args.url}{path}")
            if name == "day_grid":
                # A client action: its tiles, once the day's data is in.
                browser.wait_for(".o_club_day_grid_table, .o_club_day_grid_empty")
                target = os.path.join(args.out, f"{name}.png")
                browser.shot(target)
                print(f"saved {target}")
                continue
            browser.wait_for(".o_action_manager .o_view_controller")
            browser.wait_for(".o_data_row, .o_form_view, .fc-event", timeout=15)
            if name == "member_account":
                browser.evaluate(
                    "document.querySelector('button[name=action_club_account]').click()"
                )
                browser.wait_for(".o_notebook")
                time.sleep(2)
            target = os.path.join(args.out, f"{name}.png")
            browser.shot(target)
            print(f"saved {target}")
    finally:
        browser.close()


if __name__ == "__main__":
    main()

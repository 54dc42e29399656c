"""Load test of the check-in kiosk (make bench-kiosk, or scripts/bench.sh kiosk).

Fills the scratch database once with a club: members, years of logged bookings
and check-ins; then, on every run, gives each member a booking in today's
check-in window and a paid credit. It starts a local Odoo server on a free
port and runs simulated kiosks against it for a while, each in a loop:
identify (scan a card: its code), list the bookings, confirm one. A share of the
confirmations is sent twice at once from two kiosks (a double tap). It prints
throughput, latency percentiles and errors, then checks in the database that
every confirmed booking was logged exactly once.

Options: --kiosks 10 --duration 60 --pause 1.0 (seconds a kiosk waits between
two calls: a member reading the screen and tapping; 0 sends as fast as the
server answers) --members 3000 --history-days 1095 --workers 2
--double-tap 0.05 --later 0.1 (share of bookings that start after the check-in,
logged at their start by the scheduled action).
"""

import argparse
import itertools
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta

import requests
from freezegun import freeze_time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

GOAL_P95_MS = 150
MEMBER_PREFIX = "BENCH-"
HISTORY_PREFIX = "BHIST-"
INVOICE_PREFIX = "BINV/"
RUN_PREFIX = "BRUN-"
# Confirmations sent twice at once: the second waits for the first one's row
# lock, and Odoo retries it after a random pause of up to 2 s.
TWICE = "confirm, sent twice at once"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between a kiosk's calls"
    )
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--history-days", type=int, default=3 * 365)
    parser.add_argument("--history-per-day", type=int, default=400)
    parser.add_argument(
        "--workers", type=int, default=2, help="Odoo HTTP workers (0: threaded)"
    )
    parser.add_argument("--double-tap", type=float, default=0.05)
    parser.add_argument("--later", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def log(message):
    print(message, flush=True)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def prepare(db, args):
    """Members and history once; today's bookings and credits every run."""
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env.ref("base.main_company")
        company.write(
            {
                "club_kiosk_show_bookings": True,
                "club_kiosk_minutes_before": 60,
                "club_kiosk_minutes_after": 30,
                "club_kiosk_confirm_mode": "button",
                "club_kiosk_auto_log": True,
                "club_kiosk_log_before_redirect": False,
            }
        )
        offering = env["club.offering"].search(
            [("name", "=", "Bench Spinning")], limit=1
        )
        if not offering:
            offering = env["club.offering"].create(
                {"name": "Bench Spinning", "offering_type": "class", "duration": 1.0}
            )
        Partner = env["res.partner"]
        existing = Partner.search_count(
            [("club_member_ref", "=like", MEMBER_PREFIX + "%")]
        )
        if existing < args.members:
            log(f"Creating {args.members - existing} members")
            for start in range(existing, args.members, 500):
                stop = min(start + 500, args.members)
                Partner.create(
                    [
                        {
                            "name": f"Member {i:05d}",
                            "club_member_ref": f"{MEMBER_PREFIX}{i:05d}",
                        }
                        for i in range(start, stop)
                    ]
                )
            cr.commit()
        members = Partner.search(
            [("club_member_ref", "=like", MEMBER_PREFIX + "%")], order="id"
        )[: args.members]
        # The kiosks scan the members' cards (a member number needs the PIN).
        # Members of a database filled before card codes get theirs here, as
        # the upgrade does.
        members.filtered(lambda m: not m.club_card_code)._club_assign_card_codes()
        fill_history(cr, company, offering, members.ids, args)
        fill_invoices(cr, company, members.ids, args)
        cr.commit()
        run_id = datetime.now().strftime("%H%M%S")
        now = datetime.utcnow().replace(microsecond=0)
        # Last run's leftovers out of the way, and no lockout from earlier runs.
        cr.execute(
            "UPDATE club_booking SET state = 'cancelled' "
            "WHERE state = 'booked' AND name LIKE %s",
            [RUN_PREFIX + "%"],
        )
        cr.execute("DELETE FROM club_kiosk_guard")
        rng = random.Random(args.seed)
        starts = [
            now + timedelta(minutes=20)
            if rng.random() < args.later
            else now - timedelta(minutes=10)
            for _member in members
        ]
        # As the app does it: the booking holds the member's paid credit.
        cr.execute(
            """
            WITH credit AS (
                INSERT INTO club_session_credit
                       (partner_id, offering_type, state, is_paid, paid_date,
                        company_id, create_uid, write_uid, create_date, write_date)
                SELECT p, 'class', 'available', true, now() at time zone 'utc', %s,
                       1, 1, now() at time zone 'utc', now() at time zone 'utc'
                  FROM unnest(%s::int[]) AS p
             RETURNING id, partner_id
            )
            INSERT INTO club_booking
                   (name, partner_id, offering_id, booking_kind, category,
                    start, stop, state, credit_id, is_paid, company_id,
                    create_uid, write_uid, create_date, write_date)
            SELECT %s || m.n, m.partner_id, %s, 'session', 'class_session',
                   m.start, m.start + interval '1 hour', 'booked', credit.id, true,
                   %s, 1, 1, now() at time zone 'utc', now() at time zone 'utc'
              FROM unnest(%s::int[], %s::timestamp[])
                   WITH ORDINALITY AS m(partner_id, start, n)
              JOIN credit ON credit.partner_id = m.partner_id
            """,
            [
                company.id,
                members.ids,
                f"{RUN_PREFIX}{run_id}-",
                offering.id,
                company.id,
                members.ids,
                starts,
            ],
        )
        cr.execute(
            """
            UPDATE club_session_credit c SET booking_id = b.id
              FROM club_booking b
             WHERE b.credit_id = c.id AND b.name LIKE %s
            """,
            [f"{RUN_PREFIX}{run_id}-%"],
        )
        cr.execute("SELECT count(*) FROM club_booking")
        total = cr.fetchone()[0]
        return {
            "token": company.club_kiosk_token,
            "codes": members.mapped("club_card_code"),
            "bookings": total,
        }


def fill_history(cr, company, offering, member_ids, args):
    """Years of logged bookings and check-ins, in SQL (seconds, not hours)."""
    cr.execute(
        "SELECT count(*) FROM club_booking WHERE name LIKE %s", [HISTORY_PREFIX + "%"]
    )
    wanted = args.history_days * args.history_per_day
    if cr.fetchone()[0] >= wanted:
        return
    log(f"Creating {wanted} logged bookings and check-ins ({args.history_days} days)")
    cr.execute(
        """
        INSERT INTO club_booking
               (name, partner_id, offering_id, booking_kind, category,
                start, stop, state, log_source, log_date, log_user_id, is_paid,
                company_id, create_uid, write_uid, create_date, write_date)
        SELECT %(prefix)s || g, m.ids[1 + (g %% array_length(m.ids, 1))],
               %(offering)s, 'session', 'class_session',
               s.start, s.start + interval '1 hour',
               CASE WHEN g %% 20 = 0 THEN 'no_show'
                    WHEN g %% 33 = 0 THEN 'cancelled'
                    ELSE 'completed' END,
               CASE WHEN g %% 33 = 0 THEN NULL
                    WHEN g %% 7 = 0 THEN 'kiosk'
                    ELSE 'staff' END,
               s.start + interval '2 hours', 1, true,
               %(company)s, 1, 1, s.start, s.start
          FROM generate_series(1, %(wanted)s) AS g,
               LATERAL (SELECT date_trunc('day', now() at time zone 'utc')
                               - ((1 + g / %(per_day)s) || ' days')::interval
                               + ((6 + g %% 15) || ' hours')::interval
                               AS start) AS s,
               (SELECT %(ids)s::int[] AS ids) AS m
        """,
        {
            "prefix": HISTORY_PREFIX,
            "offering": offering.id,
            "company": company.id,
            "wanted": wanted,
            "per_day": args.history_per_day,
            "ids": member_ids,
        },
    )
    cr.execute(
        """
        INSERT INTO club_checkin
               (partner_id, checkin_time, source, scan_count, company_id,
                create_uid, write_uid, create_date, write_date)
        SELECT partner_id, start - interval '10 minutes',
               CASE WHEN id %% 3 = 0 THEN 'desk' ELSE 'kiosk' END, 1, company_id,
               1, 1, start, start
          FROM club_booking
         WHERE name LIKE %s AND state = 'completed'
        """,
        [HISTORY_PREFIX + "%"],
    )
    cr.execute("ANALYZE club_booking; ANALYZE club_checkin")


def fill_invoices(cr, company, member_ids, args):
    """A monthly invoice per member, all paid but for a few members: the kiosk
    asks whether the member is past due at every check-in."""
    cr.execute(
        "SELECT count(*) FROM account_move WHERE name LIKE %s", [INVOICE_PREFIX + "%"]
    )
    if cr.fetchone()[0]:
        return
    months = max(1, args.history_days // 30)
    log(f"Creating {len(member_ids) * months} customer invoices")
    cr.execute(
        "SELECT id FROM account_journal "
        "WHERE type = 'sale' AND company_id = %s LIMIT 1",
        [company.id],
    )
    journal = cr.fetchone()
    if journal:
        cr.execute(
            """
            INSERT INTO account_move
                   (name, journal_id, company_id, currency_id, date, invoice_date,
                    invoice_date_due, move_type, state, payment_state, auto_post,
                    partner_id, commercial_partner_id,
                    create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || p.id || '/' || g, %(journal)s, %(company)s,
                   c.currency_id, d.day, d.day, d.day + 30, 'out_invoice', 'posted',
                   CASE WHEN g = 2 AND p.id %% 100 = 0 THEN 'not_paid'
                        ELSE 'paid' END,
                   'no', p.id, p.id, 1, 1, d.day, d.day
              FROM unnest(%(ids)s::int[]) AS p(id),
                   generate_series(0, %(months)s - 1) AS g,
                   LATERAL (SELECT (date_trunc('month', now())
                                    - (g || ' months')::interval)::date AS day) AS d,
                   (SELECT currency_id FROM res_company WHERE id = %(company)s) AS c
            """,
            {
                "prefix": INVOICE_PREFIX,
                "journal": journal[0],
                "company": company.id,
                "ids": member_ids,
                "months": months,
            },
        )
    cr.execute("ANALYZE account_move")


# ----------------------------------------------------------------------
# Server
# ----------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, log_path):
    port = free_port()
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    command = [
        sys.executable,
        odoo_bin,
        "-c",
        args.config,
        "-d",
        args.database,
        "--db-filter",
        f"^{args.database}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--gevent-port",
        str(free_port()),
        "--workers",
        str(args.workers),
        "--max-cron-threads",
        "0",
        "--log-level",
        "warn",
        "--logfile",
        log_path,
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(120):
        try:
            if requests.get(f"{base}/web/health", timeout=30).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.kill()
    raise SystemExit(f"The Odoo server did not start (log: {log_path}).")


# ----------------------------------------------------------------------
# Kiosks
# ----------------------------------------------------------------------
class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = []
        self.confirmed = set()
        self.double_taps = 0
        self.visits = 0

    def record(self, route, seconds):
        with self.lock:
            self.latencies[route].append(seconds * 1000)

    def error(self, what):
        with self.lock:
            self.errors.append(what)


def call(session, url, params):
    response = session.post(
        url,
        json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
        timeout=30,
    )
    response.raise_for_status()
    body = response.json()
    if "error" in body:
        raise RuntimeError(body["error"].get("message"))
    return body["result"]


def timed(stats, session, base, route, params, label=None):
    started = time.perf_counter()
    try:
        result = call(session, f"{base}/{route}", params)
    except Exception as error:  # noqa: BLE001 - every failure is a counted error
        stats.record(label or route, time.perf_counter() - started)
        stats.error(f"{route}: {error}")
        return None
    stats.record(label or route, time.perf_counter() - started)
    if result.get("status") != "ok":
        stats.error(f"{route}: {result}")
        return None
    return result


def kiosk_loop(number, base, codes, deadline, stats, args):
    rng = random.Random(args.seed + number)
    session = requests.Session()
    session.headers["User-Agent"] = f"Bench kiosk {number}"
    neighbour = requests.Session()
    neighbour.headers["User-Agent"] = f"Bench kiosk {number} (second kiosk)"

    def pause():
        if args.pause:
            time.sleep(args.pause * rng.uniform(0.5, 1.5))

    for code in itertools.cycle(codes):
        if time.monotonic() >= deadline:
            return
        visit = timed(stats, session, base, "identify", {"code": code})
        pause()
        if not visit:
            continue
        listed = timed(stats, session, base, "bookings", {"ticket": visit["ticket"]})
        pause()
        if not listed:
            continue
        with stats.lock:
            stats.visits += 1
        open_ones = [b for b in listed["bookings"] if b["can_confirm"]]
        if not open_ones:
            continue
        booking = open_ones[0]
        params = {"ticket": visit["ticket"], "booking_id": booking["id"]}
        if rng.random() < args.double_tap:
            # The same confirmation twice at once: a double tap, or two kiosks.
            other = threading.Thread(
                target=timed,
                args=(stats, neighbour, base, "confirm", params, TWICE),
            )
            other.start()
            result = timed(stats, session, base, "confirm", params, TWICE)
            other.join()
            with stats.lock:
                stats.double_taps += 1
        else:
            result = timed(stats, session, base, "confirm", params)
        pause()
        if result:
            with stats.lock:
                stats.confirmed.add(booking["id"])


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


# ----------------------------------------------------------------------
# Check
# ----------------------------------------------------------------------
def check(db, confirmed):
    """Every confirmed booking: logged completed by the kiosk, exactly once."""
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        bookings = env["club.booking"].browse(sorted(confirmed))
        later = bookings.filtered("kiosk_log_at_start")
        if later:
            # The scheduled action logs these at their start: run it then.
            with freeze_time(max(later.mapped("start")) + timedelta(minutes=1)):
                env["club.kiosk"]._cron_log_at_start()
            env.invalidate_all()
        cr.execute(
            """
            SELECT b.id, b.state, b.log_source, b.kiosk_confirmed, c.state,
                   (SELECT count(*) FROM mail_message m
                     WHERE m.model = 'club.booking' AND m.res_id = b.id
                       AND m.body LIKE '%%Logged as%%'),
                   (SELECT count(*) FROM mail_message m
                     WHERE m.model = 'club.booking' AND m.res_id = b.id
                       AND m.body LIKE '%%Confirmed at the check-in kiosk%%')
                   <= 1
              FROM club_booking b LEFT JOIN club_session_credit c ON c.id = b.credit_id
             WHERE b.id = ANY(%s)
            """,
            [list(confirmed)],
        )
        rows = cr.fetchall()
        good = [
            row
            for row in rows
            if row[1:] == ("completed", "kiosk", True, "used", 1, True)
        ]
        bad = [row for row in rows if row not in good]
        return len(later), len(good), bad


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "-d", args.database])
    data = prepare(args.database, args)
    log_path = os.path.join(
        os.path.dirname(os.path.abspath(args.config)),
        "log",
        f"{args.database}-server.log",
    )
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    server, base_url = start_server(args, log_path)
    try:
        base = f"{base_url}/club/kiosk/{data['token']}"
        # Warm up: the page, its bundle, every worker's registry and routes.
        warm = requests.Session()
        page = warm.get(base, timeout=60)
        page.raise_for_status()
        warm_stats = Stats()
        for code in data["codes"][-(2 * max(args.workers, 1) + 2) :]:
            timed(warm_stats, warm, base, "identify", {"code": code})
        codes = data["codes"][: -(2 * max(args.workers, 1) + 2)]
        shares = [codes[i :: args.kiosks] for i in range(args.kiosks)]
        stats = Stats()
        load_before = os.getloadavg()[0]
        deadline = time.monotonic() + args.duration
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=kiosk_loop, args=(i, base, shares[i], deadline, stats, args)
            )
            for i in range(args.kiosks)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    later, good, bad = check(args.database, stats.confirmed)

    return report(
        args, data, stats, elapsed, (load_before, load_after), later, good, bad
    )


def verdict(met):
    return "OK" if met else "MISSED"


def report(args, data, stats, elapsed, load, later, good, bad):
    everything = [ms for values in stats.latencies.values() for ms in values]
    p50, p95, p99 = (percentile(everything, share) for share in (0.5, 0.95, 0.99))
    confirmed = len(stats.confirmed)
    exactly_once = not bad and good == confirmed
    log("")
    log(
        f"Kiosk load: {args.kiosks} kiosks for {elapsed:.0f} s, {args.pause:g} s "
        f"pause between a kiosk's calls, local Odoo with {args.workers} HTTP workers"
    )
    log(
        f"  data         {data['bookings']:,} bookings, "
        f"{len(data['codes']):,} members"
    )
    log(
        f"  machine      {os.cpu_count()} CPUs, load average {load[0]:.1f} before, "
        f"{load[1]:.1f} after"
    )
    log(
        f"  throughput   {len(everything) / elapsed:.1f} requests/s, "
        f"{stats.visits / elapsed:.1f} visits/s "
        f"({len(everything):,} requests, {stats.visits:,} visits)"
    )
    log(
        f"  latency      p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"(goal < {GOAL_P95_MS} ms: {verdict(p95 < GOAL_P95_MS)}), p99 {p99:.0f} ms, "
        f"max {max(everything, default=0):.0f} ms"
    )
    single = [
        ms
        for route, values in stats.latencies.items()
        if route != TWICE
        for ms in values
    ]
    log(
        f"    all but the double taps: p50 {percentile(single, 0.5):.0f} ms, "
        f"p95 {percentile(single, 0.95):.0f} ms, "
        f"p99 {percentile(single, 0.99):.0f} ms"
    )
    for route in ("identify", "bookings", "confirm", TWICE):
        values = stats.latencies[route]
        log(
            f"    {route:<10} p50 {percentile(values, 0.5):.0f} ms, "
            f"p95 {percentile(values, 0.95):.0f} ms, "
            f"p99 {percentile(values, 0.99):.0f} ms ({len(values):,} calls)"
        )
    log(f"  errors       {len(stats.errors)} (goal 0: {verdict(not stats.errors)})")
    for error in stats.errors[:10]:
        log(f"    {error}")
    log(
        f"  confirmed    {confirmed:,} bookings ({stats.double_taps} sent twice at "
        f"once; {later} before their start, logged by the scheduled action)"
    )
    log(f"  logged once  {good:,}/{confirmed:,} (goal: all: {verdict(exactly_once)})")
    for row in bad[:10]:
        log(
            f"    booking {row[0]}: state, source, confirmed, credit, logs, "
            f"at most one confirmation line = {row[1:]}"
        )
    return 0 if p95 < GOAL_P95_MS and not stats.errors and exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())

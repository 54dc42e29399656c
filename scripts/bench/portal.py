"""Many members at once, on more than one server (make bench-portal, or
scripts/bench.sh portal).

Odoo run as in production: two Odoo server processes on two ports against the
same database, each prefork with ``--workers 4``; the first one also runs the
cron worker (``--max-cron-threads 1``). Both are started by this script, on
127.0.0.1 only, and always stopped at the end (failure or Ctrl-C included).

Once, in the scratch database: 200 portal members (res.users of
``base.group_portal``, each its own member partner), a trainer or three and a
timetable; on every run: a usable paid credit for every member without one,
a new 20-seat session to book (the previous run's is cancelled, its credits
given back), and the timetable topped up to 300 sessions in the booking
window. Then, over HTTP:

1. every member logs in through ``/web/login`` (its own session cookie) on one
   server or the other, and reads a page of ``/my`` for its CSRF token;
2. the booking rush: 100 members ``POST /my/club/sessions/<id>/book`` (a form,
   with the token) the same 20-seat session, the requests sent at evenly spaced
   moments within one second, spread over both servers (a member may have
   logged in on the other one), one thread per request;
3. the timetable: 20 members read ``/my/club/sessions`` at once, each again and
   again (a closed loop), on both servers. The timetable is paged by days: that
   is its first page, the one members land on (the report says how many
   sessions and days it held); the window's 300 sessions are on its pages.

Checks (the exit status says whether every goal was met): exactly 20 booked and
80 waitlisted; every request answered with a redirect to its own booking's
page (0 errors); the waitlist consistent with the order of the requests (see
``check_order``); p95 of a booking < 300 ms; p95 of the timetable < 200 ms.
Prints the figures, the load average before and after each phase, how many
transactions Odoo ran again after a serialization failure, and the server CPU a
timetable page cost (the bench's own processes, from /proc: whatever else runs on
the machine is not in it).

Options: --members 200 --bookers 100 --seats 20 --spread 1.0 --sessions 300
--readers 20 --reads 15 --settle 20 (seconds of rest after the logins) --workers 4
--ports 8670,8672 --gevent-ports 8671,8673 --timetable /my/club/sessions
--reuse-logins (members whose session cookie of an earlier run is still valid skip
the login) --only-login (logs in and reads /my: the harness without the portal's
routes).
"""

import argparse
import atexit
import ctypes
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import requests
from bench_data import open_registry, vacuum  # scripts/bench/bench_data.py

import odoo
from odoo import SUPERUSER_ID, api, fields

GOAL_BOOK_P95_MS = 300
# --floor books this session, which does not exist: refused at once.
FLOOR_SESSION = 999_999_999
GOAL_TIMETABLE_P95_MS = 200
LOGIN_PREFIX = "bench_portal_"
MEMBER_PREFIX = "BPORTAL-"
PASSWORD = "bench-portal"  # noqa: S105 - scratch database, loopback only
OFFERING = "Bench Portal Class"
RUSH_OFFERING = "Bench Portal Rush"
TZ = "Europe/Brussels"
TRAINERS = 3
PR_SET_PDEATHSIG = 1  # linux/prctl.h
HTTP_TIMEOUT = 60  # seconds: a request that takes longer is an error
CSRF_RE = re.compile(
    r"""name=["']csrf_token["']\s+value=["']([^"']+)["']"""
    r"""|csrf_token\s*:\s*["']([^"']+)["']"""
)
BOOKING_RE = re.compile(r"/my/club/bookings/(\d+)")
# A session's row and a day's heading in the timetable.
SESSION_ROW_RE = re.compile(r"""<li [^>]*\bo_club_session\b""")
DAY_RE = re.compile(r"""class="[^"]*\bo_club_day\b""")
RETRY_RE = re.compile(r"odoo\.service\.model: (\w+), (\d+) tries left")
GAVE_UP_RE = re.compile(r"odoo\.service\.model: (\w+), maximum number of tries")
CRON_DONE_RE = re.compile(r"ir_cron: Job '(.*)' \(\d+\) done in ([\d.]+)s")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--bookers", type=int, default=100)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument(
        "--spread", type=float, default=1.0, help="seconds over which bookings go"
    )
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--reads", type=int, default=15, help="pages per reader")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--ports", default="8670,8672")
    parser.add_argument("--gevent-ports", default="8671,8673")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--timetable",
        default="/my/club/sessions",
        help="the page read (and whose CSRF token the bookings send)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=20.0,
        help="seconds of rest between the logins and the measures",
    )
    parser.add_argument(
        "--reuse-logins",
        action="store_true",
        help="members whose session of an earlier run is still valid skip the "
        "login (200 logins cost about 80 s of CPU)",
    )
    parser.add_argument(
        "--only-login",
        action="store_true",
        help="servers, logins and /my only (before the portal's routes exist)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="the rush books a session that does not exist: each request is "
        "refused at once (Odoo's request, the CSRF check, the portal's message, "
        "a redirect): what the same rush costs with no booking made",
    )
    args = parser.parse_args()
    if args.only_login:
        args.timetable = "/my"
    args.ports = [int(p) for p in args.ports.split(",")]
    args.gevent_ports = [int(p) for p in args.gevent_ports.split(",")]
    if len(args.ports) != len(args.gevent_ports) or len(args.ports) < 2:
        parser.error("--ports and --gevent-ports: two ports (or more) each")
    if args.bookers > args.members or args.readers > args.members:
        parser.error("--bookers and --readers are members: at most --members")
    return args


def log(message=""):
    print(message, flush=True)


def load():
    return "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())


def cpu_times():
    """(busy, total) jiffies of the machine's CPUs (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_since(before):
    """The share of the machine's CPU time busy since ``before`` (cpu_times),
    whoever used it: this bench's servers, or other work on the machine."""
    after = cpu_times()
    if not before or not after or after[1] == before[1]:
        return "?"
    return f"{(after[0] - before[0]) / (after[1] - before[1]):.0%}"


def process_cpu(pids=(), groups=()):
    """``{pid: CPU seconds}`` (user + system) of the processes ``pids`` and of
    those in the process groups ``groups``, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(entry) in pids or int(fields[2]) in groups:
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def server_cpu(args, servers):
    """The CPU seconds spent so far by the bench's servers: ``(Odoo, PostgreSQL)``,
    Odoo's processes (each server's process group: its workers, cron worker,
    gevent process) and the PostgreSQL backends connected to the database,
    per process (``{pid: seconds}``): what the machine's other work spends is
    not in it."""
    with odoo.sql_db.db_connect(args.database).cursor() as cr:
        cr.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid()",
            [args.database],
        )
        backends = {pid for (pid,) in cr.fetchall()}
    groups = {process.pid for process in servers.processes}
    return process_cpu(groups=groups), process_cpu(pids=backends)


def cpu_spent(before, after):
    """Seconds spent between two ``server_cpu`` readings (a process that
    started meanwhile counts whole; one that ended is lost: Odoo's workers
    and their pooled connections live on)."""
    return tuple(
        sum(seconds - was.get(pid, 0.0) for pid, seconds in now.items())
        for was, now in zip(before, after, strict=True)
    )


def percentile(values, share):
    """The nearest-rank percentile (p95 of 100 values: the 95th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, -(-len(ordered) * share // 1) - 1))
    return ordered[int(index)]


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def prepare(args):
    """Members, trainers and timetable once; credits, the session to book and
    the window's 300 sessions on every run. Returns what the run needs."""
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {
                "tracking_disable": True,
                "mail_create_nolog": True,
                "mail_notrack": True,
                "no_reset_password": True,
            },
        )
        company = env.ref("base.main_company")
        if not company.partner_id.tz:
            company.partner_id.tz = TZ
        open_days = (
            company["club_booking_open_days"]
            if ("club_booking_open_days" in company._fields)
            else 14
        )
        trainers = ensure_trainers(env)
        offering = ensure_offering(env, OFFERING, trainers[0], 12)
        rush = ensure_offering(env, RUSH_OFFERING, trainers[1], args.seats)
        members = ensure_members(env, args.members)
        set_passwords(env, members)
        give_credits(env, company, members)
        session = new_rush_session(env, rush, args.seats)
        if "club.booking.notice" in env:
            # What a previous run left for the cron worker is sent now: this
            # run's worker sends this run's notices only.
            cr.commit()
            env["club.booking.notice"]._run()
        in_window = fill_window(env, company, offering, trainers, open_days, args)
        cr.commit()
        data = {
            "company": company.id,
            "session": session.id,
            "session_name": session.display_name,
            "logins": members.mapped("login"),
            "partners": {user.login: user.partner_id.id for user in members},
            "in_window": in_window,
            "open_days": open_days,
        }
    vacuum(args.database, "club_session", "club_booking", "club_session_credit")
    return data


def ensure_trainers(env):
    Users = env["res.users"]
    trainers = Users.search([("login", "=like", "bench_portal_trainer_%")])
    if len(trainers) < TRAINERS:
        group = env.ref("club_session_logoff.group_logoff_class_session")
        have = set(trainers.mapped("login"))
        trainers |= Users.create(
            [
                {
                    "name": f"Bench Trainer {i}",
                    "login": f"bench_portal_trainer_{i}",
                    "tz": TZ,
                    "groups_id": [(6, 0, [group.id])],
                }
                for i in range(TRAINERS)
                if f"bench_portal_trainer_{i}" not in have
            ]
        )
    return trainers.sorted("login")


def ensure_offering(env, name, trainer, capacity):
    Offering = env["club.offering"]
    offering = Offering.search([("name", "=", name)], limit=1)
    if not offering:
        offering = Offering.create(
            {
                "name": name,
                "offering_type": "class",
                "duration": 1.0,
                "default_capacity": capacity,
                "default_trainer_id": trainer.id,
            }
        )
    return offering


def ensure_members(env, count):
    """Portal users ``bench_portal_000``…, each with its member partner."""
    Users = env["res.users"]
    logins = [f"{LOGIN_PREFIX}{i:03d}" for i in range(count)]
    existing = Users.with_context(active_test=False).search([("login", "in", logins)])
    missing = sorted(set(logins) - set(existing.mapped("login")))
    if missing:
        log(f"Creating {len(missing)} portal members")
        portal = env.ref("base.group_portal")
        Users.create(
            [
                {
                    "name": f"Portal Member {login[len(LOGIN_PREFIX) :]}",
                    "login": login,
                    "tz": TZ,
                    "groups_id": [(6, 0, [portal.id])],
                }
                for login in missing
            ]
        )
    members = Users.search([("login", "in", logins)], order="login")
    without_ref = members.partner_id.filtered(lambda p: not p.club_member_ref)
    for partner in without_ref:
        partner.club_member_ref = MEMBER_PREFIX + partner.user_ids[:1].login[-3:]
    # An address, so that a seat gets its confirmation mail (in Odoo's mail
    # queue: what the bench counts).
    for partner in members.partner_id.filtered(lambda p: not p.email):
        partner.email = f"{partner.user_ids[:1].login}@example.com"
    return members


def set_passwords(env, members):
    """One hash of the bench password (Odoo's 600,000 rounds), computed once
    and stored for every member: 200 hashes would take minutes of CPU."""
    hashed = env["res.users"]._crypt_context().hash(PASSWORD)
    # Only where none is set: a new hash would end the members' sessions.
    env.cr.execute(
        "UPDATE res_users SET password = %s "
        "WHERE id = ANY(%s) AND COALESCE(password, '') = ''",
        [hashed, members.ids],
    )


def give_credits(env, company, members):
    """A paid class credit for every member without a usable free one."""
    today = fields.Date.context_today(env["res.users"].browse(SUPERUSER_ID))
    env.cr.execute(
        """
        INSERT INTO club_session_credit
               (partner_id, offering_type, state, is_paid, paid_date, company_id,
                create_uid, write_uid, create_date, write_date)
        SELECT p, 'class', 'available', true, now() AT TIME ZONE 'utc', %s,
               1, 1, now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
          FROM unnest(%s::int[]) AS p
         WHERE NOT EXISTS (
               SELECT 1 FROM club_session_credit c
                WHERE c.partner_id = p AND c.booking_id IS NULL
                  AND c.state = 'available' AND c.offering_type = 'class'
                  AND (c.expiry_date IS NULL OR c.expiry_date >= %s))
        """,
        [company.id, members.partner_id.ids, today],
    )


def new_rush_session(env, rush, seats):
    """The session everyone books: a new one each run, two days ahead; the
    previous runs' are cancelled (their bookings too, the credits given back)."""
    Session = env["club.session"]
    old = Session.search([("offering_id", "=", rush.id), ("is_cancelled", "=", False)])
    if old:
        old.action_cancel_session()
    start = fields.Datetime.now().replace(minute=0, second=0) + timedelta(days=2)
    return Session.create({"offering_id": rush.id, "start": start, "capacity": seats})


def fill_window(env, company, offering, trainers, open_days, args):
    """Scheduled sessions of the club in the booking window (now to
    ``open_days`` ahead): exactly ``args.sessions`` of them, the rush session
    included; new ones inside the window by a margin of a day."""
    Session = env["club.session"]
    now = fields.Datetime.now()
    window = [
        ("company_id", "=", company.id),
        ("is_cancelled", "=", False),
        ("start", ">", now),
        ("start", "<=", now + timedelta(days=open_days)),
    ]

    def timetable():
        # The portal's own timetable when the addon has it: exactly what a
        # member's page lists.
        if hasattr(Session, "_member_timetable"):
            return Session._member_timetable(company, now=now)
        return Session.search(window, order="start")

    sessions = timetable()
    surplus = len(sessions) - args.sessions
    if surplus > 0:
        # The farthest ahead go (no booking in them: only ours are in the
        # scratch database, and the rush session is two days ahead).
        spare = sessions.filtered(lambda s: not s.booking_ids)[-surplus:]
        spare.write({"is_cancelled": True})
    elif surplus < 0:
        first = now.replace(minute=0, second=0) + timedelta(days=1)
        span_hours = max(1, (open_days - 2) * 24)
        step = span_hours / -surplus
        Session.create(
            [
                {
                    "offering_id": offering.id,
                    "trainer_id": trainers[i % len(trainers)].id,
                    "start": first + timedelta(hours=round(i * step, 2)),
                    "capacity": 12,
                }
                for i in range(-surplus)
            ]
        )
    return len(timetable())


def outcome(args, session_id):
    """The rush session's bookings: ``{partner id: (booking id, state,
    waitlist position)}``, the position in the order the waitlist is served
    (``waitlist_date``, then id: club.session._promote_waitlist)."""
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT partner_id, id, state,
                   CASE WHEN state = 'waitlisted' THEN
                        row_number() OVER (PARTITION BY state = 'waitlisted'
                                           ORDER BY waitlist_date, id) END
              FROM club_booking WHERE session_id = %s
            """,
            [session_id],
        )
        return {row[0]: row[1:] for row in cr.fetchall()}


def notices_sent(args, session_id, timeout=120):
    """Wait for the cron worker to send the notices the rush queued
    (club.booking.notice: chatter lines, confirmations). Returns the seconds it
    took after the rush, the notices left, the chatter lines and the
    confirmations of the session's bookings; None for an addon without
    queued notices."""
    registry = odoo.modules.registry.Registry(args.database)
    started = time.monotonic()
    while True:
        with registry.cursor() as cr:
            cr.execute("SELECT to_regclass('club_booking_notice') IS NOT NULL")
            if not cr.fetchone()[0]:
                return None
            cr.execute(
                """
                SELECT count(*) FROM club_booking_notice n
                  JOIN club_booking b ON b.id = n.booking_id
                 WHERE b.session_id = %s
                """,
                [session_id],
            )
            left = cr.fetchone()[0]
            waited = time.monotonic() - started
            if left and waited < timeout:
                cr.rollback()
                time.sleep(0.5)
                continue
            cr.execute(
                """
                SELECT count(*) FILTER (WHERE m.message_type = 'notification'),
                       count(*) FILTER (WHERE m.message_type = 'email_outgoing'
                                          AND m.subject LIKE 'Booked:%%')
                  FROM mail_message m
                  JOIN club_booking b ON b.id = m.res_id
                 WHERE m.model = 'club.booking' AND b.session_id = %s
                """,
                [session_id],
            )
            lines, confirmations = cr.fetchone()
            return waited, left, lines, confirmations


# ----------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------
def terminate_with_parent():
    """In the server's process, before Odoo starts: SIGTERM when this script
    dies, however it dies (SIGKILL included; Linux's PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class Servers:
    """The Odoo server processes, each the leader of its own process group
    (its workers, cron worker and gevent process in it): stopped together."""

    def __init__(self, args):
        self.args = args
        self.processes = []
        self.logs = []
        self.bases = []

    def start(self):
        odoo_bin = os.path.join(
            os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"
        )
        log_dir = os.path.join(
            os.path.dirname(os.path.abspath(self.args.config)), "log"
        )
        os.makedirs(log_dir, exist_ok=True)
        for number, (port, gevent_port) in enumerate(
            zip(self.args.ports, self.args.gevent_ports, strict=True)
        ):
            log_path = os.path.join(log_dir, f"{self.args.database}-server{number}.log")
            if os.path.exists(log_path):
                os.remove(log_path)
            command = [
                sys.executable,
                odoo_bin,
                "-c",
                self.args.config,
                "-d",
                self.args.database,
                "--db-filter",
                f"^{self.args.database}$",
                "--http-interface",
                "127.0.0.1",
                "--http-port",
                str(port),
                "--gevent-port",
                str(gevent_port),
                "--workers",
                str(self.args.workers),
                # One cron worker in the whole set-up: on the first server.
                "--max-cron-threads",
                "1" if number == 0 else "0",
                "--log-level",
                "warn",
                # Every transaction Odoo runs again after a serialization failure.
                "--log-handler",
                "odoo.service.model:INFO",
                # Which scheduled actions the cron worker runs meanwhile.
                "--log-handler",
                "odoo.addons.base.models.ir_cron:INFO",
                "--logfile",
                log_path,
            ]
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=terminate_with_parent,
            )
            self.processes.append(process)
            self.logs.append(log_path)
            self.bases.append(f"http://127.0.0.1:{port}")
        for process, base, log_path in zip(
            self.processes, self.bases, self.logs, strict=True
        ):
            self.wait_up(process, base, log_path)

    @staticmethod
    def wait_up(process, base, log_path):
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"The Odoo server {base} stopped (log: {log_path}).")
            try:
                if requests.get(f"{base}/web/health", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"The Odoo server {base} did not start (log: {log_path}).")

    def stop(self):
        """SIGTERM to each server's process group, SIGKILL after 20 s."""
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # The group may outlive its leader (a worker finishing a request).
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.processes = []

    def problems(self):
        """Serialization retries, given-up ones and WARNING/ERROR lines of the
        servers' logs."""
        retries, gave_up, bad, jobs = 0, 0, [], []
        for path in self.logs:
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    job = CRON_DONE_RE.search(line)
                    if job:
                        jobs.append(f"{job.group(1)} ({float(job.group(2)):.1f} s)")
                    elif RETRY_RE.search(line):
                        retries += 1
                    elif GAVE_UP_RE.search(line):
                        gave_up += 1
                    elif re.search(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ", line):
                        bad.append(line.rstrip())
        return retries, gave_up, bad, jobs


# ----------------------------------------------------------------------
# Members over HTTP
# ----------------------------------------------------------------------
def page_text(page, size=160):
    """What a page says (its head, scripts and tags left out), shortened."""
    page = re.sub(r"(?s)<(head|script|style)\b.*?</\1>", " ", page)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())[:size]


def flash_of(page):
    """The portal's message on a page (o_club_flash), if any."""
    found = re.search(r"(?s)<div[^>]*o_club_flash[^>]*>(.*?)</div>", page)
    return page_text(found.group(1)) if found else ""


def csrf_of(page):
    found = CSRF_RE.search(page)
    if not found:
        raise RuntimeError("no csrf_token in the page")
    return found.group(1) or found.group(2)


class Member:
    def __init__(self, login, partner_id, login_base):
        self.login = login
        self.partner_id = partner_id
        self.login_base = login_base
        self.http = requests.Session()
        self.http.headers["User-Agent"] = f"Bench portal member {login}"
        self.csrf = None

    def log_in(self):
        page = self.http.get(f"{self.login_base}/web/login", timeout=HTTP_TIMEOUT)
        page.raise_for_status()
        answer = self.http.post(
            f"{self.login_base}/web/login",
            data={
                "login": self.login,
                "password": PASSWORD,
                "csrf_token": csrf_of(page.text),
                "redirect": "/my",
            },
            timeout=HTTP_TIMEOUT,
            allow_redirects=False,
        )
        if answer.status_code not in (302, 303) or "session_id" not in (
            self.http.cookies
        ):
            raise RuntimeError(f"{self.login}: login refused ({answer.status_code})")

    def read_token(self, base, path):
        """The page's CSRF token (tied to this member's session)."""
        page = self.http.get(
            f"{base}{path}", timeout=HTTP_TIMEOUT, allow_redirects=False
        )
        if page.status_code != 200:
            raise RuntimeError(f"{self.login}: {path} answered {page.status_code}")
        self.csrf = csrf_of(page.text)
        return page


def in_threads(function, items, threads):
    """``function(item)`` for every item in at most ``threads`` threads;
    the exceptions raised, in a list."""
    items = list(items)
    errors = []
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not items:
                    return
                item = items.pop(0)
            try:
                function(item)
            except Exception as error:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors.append(f"{error}")

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


def log_in_everyone(args, data, bases, token_path):
    """Every member logs in on server i % servers, then reads ``token_path``
    for its CSRF token. With --reuse-logins, a member whose session cookie of
    an earlier run (kept in .local/) is still valid skips the login.

    :return: the members, the seconds it took, the members who logged in now,
        the errors
    """
    members = [
        Member(login, data["partners"][login], bases[i % len(bases)])
        for i, login in enumerate(data["logins"])
    ]
    cookie_path = os.path.join(
        os.path.dirname(os.path.abspath(args.config)), "bench-portal-sessions.json"
    )
    started = time.monotonic()
    todo = members
    if args.reuse_logins and os.path.exists(cookie_path):
        with open(cookie_path, encoding="utf-8") as kept:
            try:
                cookies = json.load(kept)
            except ValueError:  # an earlier run stopped while writing it
                cookies = {}
        for member in members:
            if member.login in cookies:
                # The server's host as the cookie's domain, as the server's
                # own cookie has it: a session the server renews (a login
                # again, Odoo's rotation) then replaces this one instead of
                # being a second session_id cookie beside it.
                member.http.cookies.set(
                    "session_id",
                    cookies[member.login],
                    domain=urlsplit(member.login_base).hostname,
                )
        stale = []

        def reuse(member):
            try:
                member.read_token(member.login_base, token_path)
            except RuntimeError:
                stale.append(member)

        in_threads(reuse, [m for m in members if m.login in cookies], args.workers)
        todo = stale + [m for m in members if m.login not in cookies]
    # Each login checks a 600,000-round PBKDF2 hash (about 0.4 s of CPU): a
    # few at a time, as members arriving one by one would.
    errors = in_threads(lambda m: m.log_in(), todo, 2 * args.workers)
    errors += in_threads(
        lambda m: m.read_token(m.login_base, token_path), todo, 2 * args.workers
    )
    sessions = {m.login: m.http.cookies.get("session_id") for m in members}
    with open(cookie_path, "w", encoding="utf-8") as kept:
        json.dump(sessions, kept)
    return members, time.monotonic() - started, len(todo), errors


# ----------------------------------------------------------------------
# The booking rush
# ----------------------------------------------------------------------
class Request:
    def __init__(self, number, member, base):
        self.number = number  # the order of the planned sending moments
        self.member = member
        self.base = base
        self.sent = None
        self.answered = None
        self.status = None
        self.booking_id = None
        self.error = None

    @property
    def ms(self):
        return (self.answered - self.sent) * 1000


def book(request, url, at):
    member = request.member
    delay = at - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    request.sent = time.perf_counter()
    try:
        answer = member.http.post(
            url,
            data={"csrf_token": member.csrf},
            timeout=HTTP_TIMEOUT,
            allow_redirects=False,
        )
        request.answered = time.perf_counter()
        request.status = answer.status_code
        found = BOOKING_RE.search(answer.headers.get("Location", ""))
        if answer.status_code in (302, 303) and found:
            request.booking_id = int(found.group(1))
        else:
            location = answer.headers.get("Location")
            said = page_text(answer.text)
            if location and answer.status_code in (302, 303):
                # A refusal says why on the page it leads to.
                said = flash_of(member.http.get(urljoin(url, location)).text)
            request.error = (
                f"{member.login}: {answer.status_code} {location!r} {said!r}"
            )
    except requests.RequestException as error:
        request.answered = time.perf_counter()
        request.error = f"{member.login}: {error}"


def rush(args, data, members, bases):
    """``args.bookers`` members book the session, the k-th request sent at
    start + k * spread / bookers, to server k % servers (each member logged in
    on server i % servers: half the requests go to the other server)."""
    rng = random.Random(args.seed)
    bookers = rng.sample(members, args.bookers)
    requests_ = [
        Request(k, member, bases[k % len(bases)]) for k, member in enumerate(bookers)
    ]
    path = f"/my/club/sessions/{FLOOR_SESSION if args.floor else data['session']}/book"
    start = time.perf_counter() + 0.5
    step = args.spread / args.bookers
    threads = [
        threading.Thread(
            target=book, args=(r, f"{r.base}{path}", start + r.number * step)
        )
        for r in requests_
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HTTP_TIMEOUT + 30)
    return requests_, start


def check_order(requests_, booked_ids, positions):
    """The outcome against the order of the requests.

    Two requests sent at overlapping times (the second sent before the first
    was answered) have no order a client can observe: they race to the
    session's lock on two servers, and PostgreSQL serves them in the order they
    take it. A request answered before another was sent came first, for
    certain: the rule checked is that the outcome respects every such pair
    ("happened before", the real-time order): the earlier one never waits
    behind the later one (waitlisted while the later one got a seat, or behind
    it on the waitlist). Returns the violating pairs, and how many pairs
    there were.
    """
    # (An answer naming a booking neither booked nor waitlisted is counted
    # by the outcome's check, not here.)
    ok = [
        r for r in requests_ if r.booking_id in booked_ids or r.booking_id in positions
    ]
    violations, pairs = [], 0
    for first in ok:
        for second in ok:
            if first.answered >= second.sent:
                continue
            pairs += 1
            first_seat = first.booking_id in booked_ids
            second_seat = second.booking_id in booked_ids
            if second_seat and not first_seat:
                violations.append((first, second, "seat"))
            elif not first_seat and not second_seat:
                if positions[first.booking_id] > positions[second.booking_id]:
                    violations.append((first, second, "waitlist"))
    return violations, pairs


def concordance(requests_, key, positions):
    """Share of the pairs of waitlisted requests whose waitlist order agrees
    with ``key`` (the sending or the answering moment): 1.0 is the same order."""
    waiting = [r for r in requests_ if r.booking_id in positions]
    agree = total = 0
    for i, a in enumerate(waiting):
        for b in waiting[i + 1 :]:
            total += 1
            same = (key(a) < key(b)) == (
                positions[a.booking_id] < positions[b.booking_id]
            )
            agree += same
    return agree / total if total else 1.0


# ----------------------------------------------------------------------
# The timetable
# ----------------------------------------------------------------------
def read_timetable(args, members, bases, path):
    """The readers' latencies, errors, the seconds it took, and what the pages
    held: ``{(sessions, days): pages}`` (the timetable is paged by days: the
    page read is the first one, members' landing page, not the whole
    window)."""
    readers = members[: args.readers]
    latencies, errors = [], []
    shown = {}
    lock = threading.Lock()

    def reader(number, member):
        base = bases[number % len(bases)]
        for _ in range(args.reads):
            started = time.perf_counter()
            try:
                page = member.http.get(
                    f"{base}{path}", timeout=HTTP_TIMEOUT, allow_redirects=False
                )
                ms = (time.perf_counter() - started) * 1000
                failed = page.status_code != 200 and f"{page.status_code}"
            except requests.RequestException as error:
                ms = (time.perf_counter() - started) * 1000
                failed = f"{error}"
            with lock:
                latencies.append(ms)
                if failed:
                    errors.append(f"{member.login}: {path}: {failed}")
                else:
                    held = (
                        len(SESSION_ROW_RE.findall(page.text)),
                        len(DAY_RE.findall(page.text)),
                    )
                    shown[held] = shown.get(held, 0) + 1

    threads = [
        threading.Thread(target=reader, args=(i, m)) for i, m in enumerate(readers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.monotonic() - started, shown


def warm_up(members, bases, path, workers):
    """Every worker of every server reads the page once or twice (its registry
    and templates loaded) before anything is measured."""
    count = min(len(members), 3 * workers * len(bases))
    return in_threads(
        lambda i: members[i]
        .http.get(f"{bases[i % len(bases)]}{path}", timeout=HTTP_TIMEOUT)
        .raise_for_status(),
        range(count),
        2 * workers,
    )


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def main():
    args = parse_args()
    log(f"Preparing the database {args.database} (load average {load()})")
    data = prepare(args)
    log(
        f"  {len(data['logins'])} portal members, {data['in_window']} sessions in the "
        f"{data['open_days']}-day booking window, the rush session "
        f"{data['session_name']} ({args.seats} seats)"
    )
    timetable = args.timetable
    servers = Servers(args)
    atexit.register(servers.stop)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = {"load": {"start": load()}}
    try:
        log(
            f"Starting {len(args.ports)} Odoo servers (ports "
            f"{', '.join(map(str, args.ports))}; --workers {args.workers} each, "
            "the cron worker on the first)"
        )
        servers.start()
        bases = servers.bases
        members, seconds, fresh, errors = log_in_everyone(args, data, bases, timetable)
        log(
            f"  {len(members) - len(errors)} members logged in ({fresh} through "
            f"/web/login now, the others' sessions of an earlier run still valid) "
            f"and read {timetable} in {seconds:.1f} s ({len(errors)} errors; load "
            f"average {load()})"
        )
        if errors:
            for error in errors[:10]:
                log(f"    {error}")
            raise SystemExit(1)
        warm_errors = warm_up(members, bases, timetable, args.workers)
        if warm_errors:
            raise SystemExit(f"warm-up: {warm_errors[:5]}")
        # The logins' CPU out of the way before anything is measured.
        time.sleep(args.settle)
        busy = results["busy"] = {}
        if not args.only_login:
            results["load"]["before rush"] = load()
            before = cpu_times()
            spent = server_cpu(args, servers)
            results["rush"] = rush(args, data, members, bases)
            busy["rush"] = busy_since(before)
            results["rush_cpu"] = cpu_spent(spent, server_cpu(args, servers))
            results["load"]["after rush"] = load()
            if not args.floor:
                results["notices"] = notices_sent(args, data["session"])
            time.sleep(2)
        results["load"]["before timetable"] = load()
        before = cpu_times()
        spent = server_cpu(args, servers)
        results["timetable"] = read_timetable(args, members, bases, timetable)
        busy["timetable"] = busy_since(before)
        results["timetable_cpu"] = cpu_spent(spent, server_cpu(args, servers))
        results["load"]["after timetable"] = load()
    finally:
        servers.stop()
    results["logs"] = servers.problems()
    return report(args, data, results, timetable)


def verdict(met):
    return "OK" if met else "MISSED"


def report(args, data, results, timetable):
    met = True
    log("")
    log(
        f"Portal load: {len(args.ports)} Odoo servers x --workers {args.workers} "
        f"(prefork, one cron worker) on one PostgreSQL, {os.cpu_count()} CPUs"
    )
    log(
        f"  data         {len(data['logins'])} portal members logged in, "
        f"{data['in_window']} sessions in the booking window"
    )
    if "rush" in results and args.floor:
        report_floor(args, *results["rush"])
    elif "rush" in results:
        met &= report_rush(args, data, *results["rush"])
        met &= report_notices(args, results["notices"])
    if "rush" in results:
        odoo_s, postgres_s = results["rush_cpu"]
        log(
            f"    server CPU {(odoo_s + postgres_s) * 1000 / args.bookers:.1f} ms a "
            f"booking (Odoo {odoo_s * 1000 / args.bookers:.1f} ms, PostgreSQL "
            f"{postgres_s * 1000 / args.bookers:.1f} ms; the servers' processes, the "
            "cron worker's notices included)"
        )
    latencies, errors, seconds, shown = results["timetable"]
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    log(
        f"  timetable    GET {timetable}: {args.readers} readers x {args.reads} pages "
        f"in {seconds:.1f} s ({len(latencies) / seconds:.1f} pages/s): p50 {p50:.0f} "
        f"ms, p95 {p95:.0f} ms (goal < {GOAL_TIMETABLE_P95_MS} ms: "
        f"{verdict(p95 < GOAL_TIMETABLE_P95_MS)}), max {max(latencies):.0f} ms, "
        f"{len(errors)} errors"
    )
    odoo_s, postgres_s = results["timetable_cpu"]
    pages = max(1, len(latencies))
    log(
        f"               server CPU {(odoo_s + postgres_s) * 1000 / pages:.1f} ms a "
        f"page (Odoo {odoo_s * 1000 / pages:.1f} ms, PostgreSQL "
        f"{postgres_s * 1000 / pages:.1f} ms; the servers' processes only, "
        "whatever else runs on the machine)"
    )
    log(
        "               the page read held "
        + ", ".join(
            f"{sessions} sessions of {days} day{'s' if days != 1 else ''} "
            f"({reads} of the reads)"
            for (sessions, days), reads in sorted(shown.items())
        )
    )
    for error in errors[:5]:
        log(f"    {error}")
    met &= p95 < GOAL_TIMETABLE_P95_MS and not errors
    retries, gave_up, bad, jobs = results["logs"]
    log(
        f"  servers      {retries} transactions run again after a serialization "
        f"failure, {gave_up} given up; {len(bad)} WARNING/ERROR lines in the logs"
    )
    for line in bad[:5]:
        log(f"    {line[:300]}")
    log(f"  cron worker  ran {', '.join(jobs) or 'nothing'}")
    met &= not gave_up
    log("  load average (1 / 5 / 15 min)")
    for moment, value in results["load"].items():
        log(f"    {moment:<17} {value}")
    log(
        "  CPU busy     "
        + ", ".join(f"{phase} {share}" for phase, share in results["busy"].items())
        + f" of the machine's {os.cpu_count()} CPUs (this bench and other work)"
    )
    log(f"  all goals    {verdict(met)}")
    return 0 if met else 1


def report_rush(args, data, requests_, start):
    booked = outcome(args, data["session"])
    by_id = {booking_id: (state, pos) for booking_id, state, pos in booked.values()}
    booked_ids = {i for i, (state, _pos) in by_id.items() if state == "booked"}
    positions = {i: pos for i, (state, pos) in by_id.items() if state == "waitlisted"}
    errors = [r for r in requests_ if r.error or r.answered is None]
    answered = [r for r in requests_ if r.answered is not None]
    # Each answer names the booking of its member.
    mismatched = [
        r
        for r in requests_
        if r.booking_id and booked.get(r.member.partner_id, (None,))[0] != r.booking_id
    ]
    sent_span = max(r.sent for r in requests_) - min(r.sent for r in requests_)
    ms = [r.ms for r in answered]
    p50, p95 = percentile(ms, 0.5), percentile(ms, 0.95)
    violations, pairs = check_order(requests_, booked_ids, positions)
    counts_met = len(booked_ids) == args.seats and len(positions) == (
        args.bookers - args.seats
    )
    log(
        f"  rush         {args.bookers} members booked {data['session_name']} "
        f"({args.seats} seats), sent within {sent_span * 1000:.0f} ms over "
        f"{len(args.ports)} servers, all answered "
        f"{(max(r.answered for r in answered) - start):.1f} s after the first"
    )
    log(
        f"    outcome    {len(booked_ids)} booked, {len(positions)} waitlisted, "
        f"{len(by_id)} bookings in the session (goal {args.seats} and "
        f"{args.bookers - args.seats}: {verdict(counts_met)})"
    )
    log(
        f"    errors     {len(errors)} (goal 0: {verdict(not errors)}); answers "
        f"naming another booking than the member's: {len(mismatched)}"
    )
    for request in errors[:10]:
        log(f"      {request.error}")
    log(
        f"    latency    p50 {p50:.0f} ms, p95 {p95:.0f} ms (goal < "
        f"{GOAL_BOOK_P95_MS} ms: {verdict(p95 < GOAL_BOOK_P95_MS)}), max "
        f"{max(ms, default=0):.0f} ms"
    )
    log(
        f"    order      {len(violations)} of {pairs} pairs of requests answered "
        f"one before the other was sent served out of that order (goal 0: "
        f"{verdict(not violations)})"
    )
    for first, second, what in violations[:5]:
        log(
            f"      request {first.number} (answered {first.answered - start:.3f} s) "
            f"behind request {second.number} (sent {second.sent - start:.3f} s) "
            f"for the {what}"
        )
    log(
        "    waitlist   agrees with the sending order on "
        f"{concordance(requests_, lambda r: r.sent, positions):.0%} of its pairs, "
        "with the answering order on "
        f"{concordance(requests_, lambda r: r.answered, positions):.0%}"
    )
    return (
        counts_met
        and not errors
        and not mismatched
        and not violations
        and p95 < GOAL_BOOK_P95_MS
    )


def report_floor(args, requests_, start):
    """The rush refused at once (--floor): its latency is the floor under
    which no booking can be answered on this set-up."""
    answered = [r for r in requests_ if r.answered is not None]
    refused = [r for r in answered if r.status in (302, 303)]
    ms = [r.ms for r in answered]
    log(
        f"  floor        {args.bookers} members POST Book of a session that does "
        f"not exist (refused at once), sent within one second over "
        f"{len(args.ports)} servers, all answered "
        f"{(max(r.answered for r in answered) - start):.1f} s after the first: "
        f"{len(refused)} refused with a redirect (statuses "
        f"{sorted({r.status for r in answered})}); p50 "
        f"{percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max "
        f"{max(ms, default=0):.0f} ms"
    )


def report_notices(args, notices):
    """The rush's chatter lines and confirmations, sent by the cron worker
    after the bookings' transactions: every one, once."""
    if notices is None:
        log("    notices    sent in the bookings' transactions (no queue)")
        return True
    waited, left, lines, confirmations = notices
    met = not left and lines == args.bookers and confirmations == args.seats
    log(
        f"    notices    sent by the cron worker {waited:.1f} s after the rush: "
        f"{lines} chatter lines (goal {args.bookers}), {confirmations} "
        f"confirmations (goal {args.seats}), {left} left (goal 0): {verdict(met)}"
    )
    return met


if __name__ == "__main__":
    sys.exit(main())

"""The CPU one member portal page costs the server (scripts/bench.sh
portal_page, or make bench-portal-page): the same data as make bench-portal
(scripts/bench/portal.py: 200 members, 300 sessions in the booking window, a
20-seat session two days ahead), its rush replayed in-process (100 members
book the session: 20 booked, 80 waitlisted), then a page requested again and
again through Odoo's own WSGI application in this process, as a signed-in
member (a session of Odoo's session store, its cookie): routing, the
controller, QWeb and the layout, everything a worker does for the page but
the socket.

What it prints, per page: the process's CPU time (``time.process_time``, not
the wall clock: on a shared machine the wall clock measures the neighbours
too), median and max over the runs, the SQL queries and the page's size and
sessions. ``--profile N`` adds cProfile's N costliest functions (cumulative).

Options: --path /my/club/sessions (repeatable: each page in turn) --runs 30
--warm 5 --reader N (which of the 200 members reads; default: one on the rush
session's waitlist) --profile 25 --sessions 300.
"""

import argparse
import cProfile
import io
import pstats
import random
import re
import statistics
import threading
import time

import portal as bench_portal  # scripts/bench/portal.py: the same data
from werkzeug.test import EnvironBuilder

import odoo
from odoo import SUPERUSER_ID, api, http, sql_db
from odoo.service import security

SESSION_ROW = re.compile(r'class="list-group-item o_club_session')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--path", action="append")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--reader", type=int)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--sessions", type=int, default=300)
    args = parser.parse_args()
    args.path = args.path or ["/my/club/sessions"]
    # What bench_portal.prepare reads.
    args.members, args.seats, args.bookers, args.seed = 200, 20, 100, 18
    return args


def replay_rush(args, data):
    """The rush of make bench-portal, without HTTP: the same seeded 100
    members book the session through the portal's own method, in order."""
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        session = env["club.session"].browse(data["session"])
        bookers = random.Random(args.seed).sample(data["logins"], args.bookers)
        for login in bookers:
            partner = env["res.partner"].browse(data["partners"][login])
            session._book_as_member(partner=partner)
        cr.commit()
        states = session.booking_ids.mapped("state")
        return bookers, states.count("booked"), states.count("waitlisted")


def signed_in(args, login):
    """A session of Odoo's store for ``login``, as /web/login leaves it."""
    registry = odoo.modules.registry.Registry(args.database)
    session = http.root.session_store.new()
    session.update(http.get_default_session(), db=args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", login)])
        env = env(user=user.id)
        session.uid = user.id
        session.login = login
        session.session_token = security.compute_session_token(session, env)
        session.context = dict(env["res.users"].context_get())
    http.root.session_store.save(session)
    return session


def get(path, sid):
    """One GET through Odoo's WSGI application: (status, body, queries)."""
    environ = EnvironBuilder(
        path=path.split("?")[0],
        query_string=path.partition("?")[2],
        base_url="http://localhost:8069",
        headers={"Cookie": f"session_id={sid}"},
    ).get_environ()
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    body = b"".join(http.root(environ, start_response))
    thread = threading.current_thread()
    return answer["status"], body, thread.query_count, thread.query_time * 1000


def log_queries(path, sid):
    """Each query of one page and its wall-clock time."""
    execute = sql_db.Cursor.execute
    times = []

    def timed(self, query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            text = query.code if hasattr(query, "code") else str(query)
            times.append(((time.perf_counter() - started) * 1000, text))

    sql_db.Cursor.execute = timed
    try:
        get(path, sid)
    finally:
        sql_db.Cursor.execute = execute
    for ms, text in times:
        print(f"    {ms:6.2f} ms  {' '.join(text.split())[:160]}")


def measure(args, path, sid):
    for _ in range(args.warm):
        status, body, _queries, _sql = get(path, sid)
        if not status.startswith("200"):
            raise SystemExit(f"{path}: {status} {body[:300]!r}")
    cpu, sql = [], []
    for _ in range(args.runs):
        started = time.process_time()
        status, body, queries, sql_ms = get(path, sid)
        cpu.append((time.process_time() - started) * 1000)
        sql.append(sql_ms)
    text = body.decode()
    tokens = set(CSRF_INPUT.findall(text))
    print(
        f"  GET {path}: CPU median {statistics.median(cpu):.1f} ms, "
        f"min {min(cpu):.1f}, max {max(cpu):.1f} over {args.runs} pages; "
        f"{queries} queries taking {statistics.median(sql):.1f} ms (median, wall "
        "clock: PostgreSQL's time), "
        f"{len(body) / 1024:.0f} KB, "
        f"{len(SESSION_ROW.findall(text))} sessions, "
        f"{len(tokens)} CSRF token value(s) in its forms",
        flush=True,
    )
    if args.queries:
        log_queries(path, sid)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            get(path, sid)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(
            args.profile
        )
        print(out.getvalue(), flush=True)


def main():
    args = parse_args()
    data = bench_portal.prepare(args)
    bookers, booked, waitlisted = replay_rush(args, data)
    print(
        f"{data['in_window']} sessions in the booking window; the rush session "
        f"{booked} booked, {waitlisted} waitlisted",
        flush=True,
    )
    readers = data["logins"][:20]  # make bench-portal's 20 readers
    if args.reader is not None:
        login = data["logins"][args.reader]
    else:
        login = next(r for r in readers if r in bookers[20:])  # waitlisted
    print(f"Reader {login} (load average {bench_portal.load()})", flush=True)
    session = signed_in(args, login)
    for path in args.path:
        measure(args, path, session.sid)


if __name__ == "__main__":
    main()

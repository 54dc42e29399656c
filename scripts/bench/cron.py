"""The scheduled action for unlogged bookings at club-chain scale.

Fills the scratch database, with SQL, with 100,000 bookings left unlogged 5 to 35
days ago, each holding a paid session credit, in a club whose rule is "log as
completed after 3 days". Then, in the same run:
- times a bare SQL UPDATE of the same booking rows (state and log fields), rolled
  back;
- runs the scheduled action, ``club.booking._cron_process_unlogged_bookings()``,
  again while it reports work left (as Odoo's cron runner does), committing per
  batch;
and prints bookings per second, the process's peak memory and the ratio of the
two times. Goals: >= 2,000 bookings/s, peak memory < 500 MB, ratio < 20.

Afterwards it checks the outcome: every booking completed exactly once (one
chatter line), every credit used by exactly one booking.

--workers N runs N scheduled actions at once, in N processes, on the same rows
(FOR UPDATE SKIP LOCKED shares the work); the same checks then show that no
booking was logged twice and no credit used twice.

--kill-after SECONDS kills (SIGKILL) the process running the scheduled action
after that long, then runs the action again: the checks show that the killed run
lost nothing and that the next one finished the job.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

from bench_data import (  # scripts/bench/bench_data.py
    empty_club_tables,
    give_bookings_log_groups,
    give_open_bookings_paid_credits,
    open_registry,
    vacuum,
)

import odoo
from odoo import fields

BOOKINGS = 100_000
MEMBERS = 10_000
OFFERINGS = 10
DAYS = 3
NOTE = "bench"


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(env, bookings):
    """The club, its members and offerings once; fresh unlogged bookings and
    credits on every run (this is the benchmark's own scratch database)."""
    cr = env.cr
    company = env.company
    company.write(
        {
            "club_unlogged_action": "complete",
            "club_unlogged_days": DAYS,
            "club_credit_cleanup": False,
        }
    )
    company.partner_id.tz = "Europe/Brussels"
    offerings = env["club.offering"].search([("name", "=like", "Bench %")])
    if not offerings:
        offerings = env["club.offering"].create(
            [
                {
                    "name": f"Bench {i}",
                    "offering_type": "service" if i % 4 == 0 else "class",
                    "company_id": company.id,
                }
                for i in range(OFFERINGS)
            ]
        )
    cr.execute(
        "SELECT id FROM res_partner WHERE name LIKE 'Bench member %' ORDER BY id"
    )
    partners = [row[0] for row in cr.fetchall()]
    if not partners:
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                     autopost_bills, create_date, write_date)
            SELECT 'Bench member ' || g, 'Bench member ' || g, true, 'contact', false,
                   'ask', now(), now()
              FROM generate_series(1, %s) g
            RETURNING id
            """,
            [MEMBERS],
        )
        partners = sorted(row[0] for row in cr.fetchall())
    # Start from scratch: no booking, credit or chatter line of a previous run.
    empty_club_tables(cr, "club_booking", "club_session_credit")
    cr.execute(
        "DELETE FROM mail_message "
        "WHERE model IN ('club.booking', 'club.session.credit')"
    )
    now = fields.Datetime.now().replace(second=0, microsecond=0)
    cr.execute(
        """
        INSERT INTO club_booking (name, partner_id, offering_id, booking_kind, category,
                                  start, stop, state, company_id, is_paid,
                                  create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH' || lpad(g::text, 7, '0'),
               (%(partners)s::int[])[1 + g %% %(members)s],
               o.id, 'session', o.offering_type || '_session',
               s.start, s.start + interval '1 hour', 'booked', %(company)s, false,
               now(), now(), 1, 1
          FROM generate_series(1, %(total)s) g
          CROSS JOIN LATERAL (
              SELECT %(now)s::timestamp - interval '5 days'
                     - (g %% 43200) * interval '1 minute' AS start) s
          JOIN (SELECT id, offering_type, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM club_offering WHERE id = ANY(%(offerings)s)) o
            ON o.n = g %% %(noff)s
        """,
        {
            "partners": partners,
            "members": len(partners),
            "company": company.id,
            "total": bookings,
            "now": now,
            "offerings": offerings.ids,
            "noff": len(offerings),
        },
    )
    give_open_bookings_paid_credits(cr, company.id)
    give_bookings_log_groups(cr)
    cr.commit()


def bare_update(env):
    """The floor: one SQL UPDATE of the same rows, no ORM, no credit, no chatter."""
    cr = env.cr
    cr.execute("SELECT id FROM club_booking WHERE state = 'booked'")
    ids = [row[0] for row in cr.fetchall()]
    started = time.perf_counter()
    cr.execute(
        """
        UPDATE club_booking
           SET state = 'completed', log_status = 'completed', log_source = 'auto',
               log_date = now(), log_user_id = 1, log_note = %s,
               write_date = now(), write_uid = 1
         WHERE id = ANY(%s)
        """,
        [NOTE, ids],
    )
    elapsed = time.perf_counter() - started
    cr.rollback()
    return len(ids), elapsed


def run_scheduled_action(registry):
    """What Odoo's cron runner does: call the action again while it reports work
    left (its time budget may stop it between batches)."""
    totals = {}
    runs = 0
    while True:
        runs += 1
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            summary = env["club.booking"]._cron_process_unlogged_bookings()
        for key, value in summary.items():
            totals[key] = totals.get(key, 0) + value
        if not summary["remaining"]:
            totals["runs"] = runs
            return totals


def check(env, expected):
    cr = env.cr
    cr.execute("SELECT state, count(*) FROM club_booking GROUP BY state")
    states = dict(cr.fetchall())
    cr.execute(
        """
        SELECT count(*) FROM (
            SELECT b.id FROM club_booking b
              LEFT JOIN mail_message m
                ON m.model = 'club.booking' AND m.res_id = b.id
               AND m.body LIKE '%%Logged as%%'
             GROUP BY b.id HAVING count(m.id) <> 1) wrong
        """
    )
    wrong_lines = cr.fetchone()[0]
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE c.state = 'used'),
               count(*) FILTER (WHERE c.state = 'used' AND b.state = 'completed'),
               count(*) FILTER (WHERE c.state <> 'used')
          FROM club_session_credit c
          LEFT JOIN club_booking b ON b.credit_id = c.id
        """
    )
    used, used_by_completed, not_used = cr.fetchone()
    cr.execute(
        """
        SELECT count(*) FROM (
            SELECT credit_id FROM club_booking WHERE credit_id IS NOT NULL
             GROUP BY credit_id HAVING count(*) > 1) twice
        """
    )
    credits_twice = cr.fetchone()[0]
    ok = (
        states == {"completed": expected}
        and wrong_lines == 0
        and used == used_by_completed == expected
        and not_used == 0
        and credits_twice == 0
    )
    print(
        f"Check: {states.get('completed', 0):,} completed, "
        f"{states.get('booked', 0):,} still booked; bookings without exactly one "
        f"log line: {wrong_lines}; credits used: {used:,} "
        f"(by a completed booking: {used_by_completed:,}), not used: {not_used}, "
        f"used twice: {credits_twice} -> {'OK' if ok else 'FAILED'}"
    )
    return ok


def worker(args):
    registry = open_registry(args)
    totals = run_scheduled_action(registry)
    result = {"completed": totals["completed"], "runs": totals["runs"]}
    print(json.dumps(result | {"peak_mb": round(peak_rss_mb())}))


def worker_command(args):
    command = [sys.executable, __file__, "--config", args.config]
    return command + ["--database", args.database, "--worker"]


def count_completed(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM club_booking WHERE state = 'completed'")
        return cr.fetchone()[0]


def kill_midway(args):
    registry = open_registry(args)
    with registry.cursor() as cr:
        fill(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.bookings)
    vacuum(args.database, "club_booking", "club_session_credit", "mail_message")
    process = subprocess.Popen(worker_command(args), stdout=subprocess.DEVNULL)
    time.sleep(args.kill_after)
    process.kill()
    process.wait()
    killed_at = count_completed(registry)
    print(
        f"Killed the scheduled action after {args.kill_after:.0f} s: "
        f"{killed_at:,} of {args.bookings:,} bookings completed (committed batches)"
    )
    totals = run_scheduled_action(registry)
    print(f"The next run completed the other {totals['completed']:,}")
    with registry.cursor() as cr:
        ok = check(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.bookings)
    return 0 if ok and killed_at + totals["completed"] == args.bookings else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--bookings", type=int, default=BOOKINGS)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kill-after", type=float, metavar="SECONDS")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    if args.kill_after:
        return kill_midway(args)

    registry = open_registry(args)
    print(f"Filling {args.bookings:,} unlogged bookings with paid credits…")
    started = time.perf_counter()
    with registry.cursor() as cr:
        fill(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.bookings)
    vacuum(args.database, "club_booking", "club_session_credit", "mail_message")
    print(f"  filled in {time.perf_counter() - started:.0f} s")

    with registry.cursor() as cr:
        rows, bare = bare_update(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
    vacuum(args.database, "club_booking")
    print(f"Bare SQL UPDATE of the {rows:,} rows: {bare:.2f} s (rolled back)")

    rss_before = peak_rss_mb()
    started = time.perf_counter()
    if args.workers == 1:
        totals = run_scheduled_action(registry)
        completed, runs = totals["completed"], totals["runs"]
        detail = f"{runs} call(s) of the action"
    else:
        processes = [
            subprocess.Popen(worker_command(args), stdout=subprocess.PIPE, text=True)
            for _ in range(args.workers)
        ]
        outputs = [process.communicate()[0] for process in processes]
        results = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
        completed = sum(result["completed"] for result in results)
        detail = "workers completed " + " + ".join(
            f"{result['completed']:,}" for result in results
        )
        worker_peak = max(result["peak_mb"] for result in results)
    elapsed = time.perf_counter() - started
    rate = completed / elapsed if elapsed else 0
    peak = peak_rss_mb()

    print(
        f"Scheduled action: {completed:,} bookings completed in {elapsed:.2f} s "
        f"({detail})"
    )
    print(f"  bookings per second: {rate:,.0f} (goal >= 2,000)")
    if args.workers == 1:
        print(
            f"  peak memory (RSS of this process): {peak:.0f} MB, {rss_before:.0f} MB "
            f"before the run (goal < 500 MB)"
        )
    else:
        print(
            f"  peak memory (RSS) of the largest worker: {worker_peak} MB "
            f"(goal < 500 MB)"
        )
    print(f"  ratio to the bare SQL UPDATE: {elapsed / bare:.1f} (goal < 20)")
    with registry.cursor() as cr:
        ok = check(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

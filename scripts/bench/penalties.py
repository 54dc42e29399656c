"""No-show penalties at club scale.

1. Staff log 1,000 no-shows at once: fills (with SQL) 1,000 started, unlogged
   bookings of 500 members, in a club that charges a no-show fee and forgives the
   first penalty in 30 days, with a year of 50,000 earlier penalties; times one
   ``log_booking("no_show")`` call of a club manager (the penalties created,
   forgiveness counted), goal < 2 s; rolled back.
2. The scheduled action ``ir_cron_club_penalties``: fills 1,000 pending penalties
   of 500 members whose grace period ended, then calls
   ``club.penalty._cron_invoice_penalties()`` again while it reports work left
   (as Odoo's cron runner does), committing per batch; goal < 60 s, peak memory
   < 500 MB. Then checks: every penalty invoiced exactly once (one invoice line,
   on a posted invoice of its member, the line naming the penalty), every invoice
   queued for Odoo's sending (``sending_data``).

--workers N runs N scheduled actions at once, in N processes, on the same rows
(FOR UPDATE SKIP LOCKED shares the members); the same checks then show that
nothing was invoiced twice.

--kill-after SECONDS kills (SIGKILL) the process running the scheduled action
after that long, then runs the action again: the checks show that the killed run
left no half-done invoice and that the next one finished the job.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta

from bench_data import (  # scripts/bench/bench_data.py
    club_manager,
    empty_club_tables,
    give_bookings_log_groups,
    open_registry,
)

import odoo
from odoo import fields

PENALTIES = 1_000
MEMBERS = 500
HISTORY = 50_000
FEE = 12.5


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def superuser_env(cr):
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def setup_club(env):
    """The club's policy, its offering with a fee and its members, once."""
    cr = env.cr
    company = env.company
    company.write(
        {
            "club_penalty_grace_hours": 24,
            "club_forgive_count": 1,
            "club_forgive_days": 30,
            "club_unlogged_action": "none",
        }
    )
    offering = env["club.offering"].search([("name", "=", "Bench Spin")])
    if not offering:
        offering = env["club.offering"].create(
            {"name": "Bench Spin", "company_id": company.id, "no_show_fee": FEE}
        )
    cr.execute(
        "SELECT id FROM res_partner WHERE name LIKE 'Bench member %' ORDER BY id"
    )
    partners = [row[0] for row in cr.fetchall()]
    if not partners:
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, email, active, type,
                                     is_company, autopost_bills, lang,
                                     create_date, write_date)
            SELECT 'Bench member ' || g, 'Bench member ' || g,
                   'member' || g || '@example.com', true, 'contact', false,
                   'ask', 'en_US', now(), now()
              FROM generate_series(1, %s) g
            RETURNING id
            """,
            [MEMBERS],
        )
        partners = sorted(row[0] for row in cr.fetchall())
    return company, offering, partners


def reset(env):
    """Start from scratch: no booking, penalty, invoice or email of a previous
    run (this is the benchmark's own scratch database)."""
    cr = env.cr
    cr.execute(
        "DELETE FROM mail_message WHERE model IN "
        "('club.booking', 'club.penalty', 'account.move')"
    )
    # (their mail.mail rows go with their mail.message rows)
    cr.execute("DELETE FROM account_partial_reconcile")
    cr.execute("DELETE FROM account_move")
    empty_club_tables(cr, "club_penalty", "club_booking", "club_session_credit")


def insert_bookings(cr, company, offering, partners, count, start, state, step):
    """``count`` bookings of ``partners`` in turn, ``step`` apart back from
    ``start``."""
    cr.execute(
        """
        INSERT INTO club_booking (name, partner_id, offering_id, booking_kind,
                                  category, start, stop, state, company_id, is_paid,
                                  log_date, create_date, write_date, create_uid,
                                  write_uid)
        SELECT 'BENCH' || %(state)s || lpad(g::text, 7, '0'),
               (%(partners)s::int[])[1 + g %% %(members)s], %(offering)s,
               'session', 'class_session', s.start, s.start + interval '1 hour',
               %(state)s, %(company)s, false,
               CASE WHEN %(state)s = 'booked' THEN NULL ELSE s.start END,
               now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
          CROSS JOIN LATERAL (
              SELECT %(start)s::timestamp - g * %(step)s::interval AS start) s
        RETURNING id, partner_id, start
        """,
        {
            "state": state,
            "partners": partners,
            "members": len(partners),
            "offering": offering.id,
            "company": company.id,
            "count": count,
            "start": start,
            "step": step,
        },
    )
    return cr.fetchall()


def insert_penalties(cr, company, rows, state, grace_end):
    cr.execute(
        """
        INSERT INTO club_penalty (partner_id, booking_id, kind, amount, state, date,
                                  grace_end, company_id, create_date, write_date,
                                  create_uid, write_uid)
        SELECT r.partner_id, r.booking_id, 'no_show', %(fee)s, %(state)s,
               r.start + interval '2 hours', %(grace_end)s, %(company)s,
               now(), now(), 1, 1
          FROM unnest(%(bookings)s::int[], %(partners)s::int[],
                      %(starts)s::timestamp[]) AS r(booking_id, partner_id, start)
        """,
        {
            "fee": FEE,
            "state": state,
            "grace_end": grace_end,
            "company": company.id,
            "bookings": [row[0] for row in rows],
            "partners": [row[1] for row in rows],
            "starts": [row[2] for row in rows],
        },
    )


def fill_history(env, company, offering, partners, now):
    """A year of earlier no-shows and their penalties, of half the members:
    what forgiveness reads (the other half get their first one forgiven)."""
    rows = insert_bookings(
        env.cr,
        company,
        offering,
        partners[: len(partners) // 2],
        HISTORY,
        now - timedelta(days=1),
        "no_show",
        "10 minutes",
    )
    insert_penalties(env.cr, company, rows, "invoiced", None)


def bench_staff_log(registry, args):
    with registry.cursor() as cr:
        env = superuser_env(cr)
        company, offering, partners = setup_club(env)
        reset(env)
        now = fields.Datetime.now().replace(microsecond=0)
        fill_history(env, company, offering, partners, now)
        rows = insert_bookings(
            cr, company, offering, partners, PENALTIES, now, "booked", "1 minute"
        )
        give_bookings_log_groups(cr)
        cr.commit()
        manager = club_manager(env, "bench_manager")
        cr.execute("ANALYZE club_penalty")
        cr.execute("ANALYZE club_booking")
        menv = env(user=manager)
        bookings = menv["club.booking"].browse([row[0] for row in rows])
        menv.invalidate_all()
        started = time.perf_counter()
        bookings.log_booking("no_show")
        menv.flush_all()
        elapsed = time.perf_counter() - started
        cr.execute(
            "SELECT state, count(*) FROM club_penalty WHERE booking_id = ANY(%s) "
            "GROUP BY state",
            [bookings.ids],
        )
        states = dict(cr.fetchall())
        print(
            f"Staff logging {len(bookings):,} no-shows in one call (with {HISTORY:,} "
            f"earlier penalties): {elapsed:.2f} s (goal < 2 s); penalties: "
            f"{states.get('pending', 0):,} pending, {states.get('forgiven', 0):,} "
            "forgiven"
        )
        cr.rollback()
        env["res.users"].search([("login", "=", "bench_manager")]).unlink()
        cr.commit()
        return elapsed < 2


def fill_due(env):
    """1,000 pending penalties of 500 members whose grace period ended."""
    company, offering, partners = setup_club(env)
    reset(env)
    now = fields.Datetime.now().replace(microsecond=0)
    rows = insert_bookings(
        env.cr,
        company,
        offering,
        partners,
        PENALTIES,
        now - timedelta(days=2),
        "no_show",
        "1 minute",
    )
    give_bookings_log_groups(env.cr)
    insert_penalties(env.cr, company, rows, "pending", now - timedelta(hours=1))
    env.cr.execute("ANALYZE club_penalty")
    env.cr.execute("ANALYZE club_booking")
    env.cr.commit()


def run_scheduled_action(registry):
    """What Odoo's cron runner does: call the action again while it reports work
    left (its time budget may stop it between batches)."""
    totals = {}
    runs = 0
    while True:
        runs += 1
        with registry.cursor() as cr:
            summary = superuser_env(cr)["club.penalty"]._cron_invoice_penalties()
        for key, value in summary.items():
            totals[key] = totals.get(key, 0) + value
        if not summary["remaining"]:
            totals["runs"] = runs
            return totals


def check(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT state, count(*) FROM club_penalty GROUP BY state")
        states = dict(cr.fetchall())
        # On exactly one line: one invoice line per penalty in all, each the
        # line of one penalty, on a posted invoice of its member.
        cr.execute(
            """
            SELECT count(*) FROM club_penalty p
              LEFT JOIN account_move_line l ON l.id = p.invoice_line_id
              LEFT JOIN account_move m ON m.id = l.move_id
             WHERE l.id IS NULL OR m.id <> p.invoice_id
                OR m.partner_id <> p.partner_id OR m.state <> 'posted'
            """
        )
        wrong = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*), count(DISTINCT p.id) FROM account_move_line l "
            "JOIN account_move m ON m.id = l.move_id "
            "LEFT JOIN club_penalty p "
            "ON p.invoice_line_id = l.id AND p.id = l.club_penalty_id "
            "WHERE m.move_type = 'out_invoice' AND l.display_type = 'product'"
        )
        lines, lines_of_a_penalty = cr.fetchone()
        wrong += lines - lines_of_a_penalty
        cr.execute(
            "SELECT count(*), count(DISTINCT partner_id), "
            "count(*) FILTER (WHERE state <> 'posted') FROM account_move "
            "WHERE move_type = 'out_invoice'"
        )
        invoices, members, not_posted = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM account_move "
            "WHERE move_type = 'out_invoice' AND sending_data IS NOT NULL"
        )
        queued = cr.fetchone()[0]
    ok = (
        states == {"invoiced": PENALTIES}
        and wrong == 0
        and not_posted == 0
        and queued == invoices
    )
    print(
        f"Check: {states.get('invoiced', 0):,} invoiced, "
        f"{states.get('pending', 0):,} still pending; penalties not on exactly one "
        f"line of their member's posted invoice: {wrong}; {lines:,} invoice lines, "
        f"{invoices:,} invoices "
        f"for {members:,} members; {queued:,} queued for Odoo's sending "
        f"-> {'OK' if ok else 'FAILED'}"
    )
    return ok


def worker(args):
    registry = open_registry(args)
    totals = run_scheduled_action(registry)
    result = {key: totals.get(key, 0) for key in ("invoiced", "invoices", "runs")}
    print(json.dumps(result | {"peak_mb": round(peak_rss_mb())}))


def worker_command(args):
    command = [sys.executable, __file__, "--config", args.config]
    return command + ["--database", args.database, "--worker"]


def count_invoiced(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM club_penalty WHERE state = 'invoiced'")
        return cr.fetchone()[0]


def kill_midway(args, registry):
    with registry.cursor() as cr:
        fill_due(superuser_env(cr))
    process = subprocess.Popen(worker_command(args), stdout=subprocess.DEVNULL)
    time.sleep(args.kill_after)
    process.kill()
    process.wait()
    killed_at = count_invoiced(registry)
    print(
        f"Killed the scheduled action after {args.kill_after:.0f} s: "
        f"{killed_at:,} of {PENALTIES:,} penalties invoiced (committed batches)"
    )
    totals = run_scheduled_action(registry)
    print(f"The next run invoiced the other {totals['invoiced']:,}")
    ok = check(registry)
    return 0 if ok and killed_at + totals["invoiced"] == PENALTIES else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kill-after", type=float, metavar="SECONDS")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    registry = open_registry(args)
    if args.kill_after:
        return kill_midway(args, registry)

    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    staff_ok = bench_staff_log(registry, args)

    print(f"\nFilling {PENALTIES:,} pending penalties of {MEMBERS:,} members…")
    with registry.cursor() as cr:
        fill_due(superuser_env(cr))
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    if args.workers == 1:
        totals = run_scheduled_action(registry)
        invoiced, invoices = totals["invoiced"], totals["invoices"]
        detail = f"{totals['runs']} call(s) of the action"
        peak = peak_rss_mb()
    else:
        processes = [
            subprocess.Popen(worker_command(args), stdout=subprocess.PIPE, text=True)
            for _ in range(args.workers)
        ]
        outputs = [process.communicate()[0] for process in processes]
        results = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
        invoiced = sum(result["invoiced"] for result in results)
        invoices = sum(result["invoices"] for result in results)
        detail = "workers invoiced " + " + ".join(
            f"{result['invoiced']:,}" for result in results
        )
        peak = max(result["peak_mb"] for result in results)
    elapsed = time.perf_counter() - started
    print(
        f"Scheduled action: {invoiced:,} penalties on {invoices:,} invoices in "
        f"{elapsed:.1f} s ({detail}; goal < 60 s)"
    )
    if args.workers == 1:
        print(
            f"  peak memory (RSS of this process): {peak:.0f} MB, "
            f"{rss_before:.0f} MB before the run (goal < 500 MB)"
        )
    else:
        print(f"  peak memory (RSS) of the largest worker: {peak} MB (goal < 500 MB)")
    print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = check(registry)
    return 0 if ok and staff_ok and elapsed < 60 and peak < 500 else 1


if __name__ == "__main__":
    sys.exit(main())

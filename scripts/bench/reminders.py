"""Reminders at club scale: 10,000 reminders due at once.

Fills (with SQL) 10,000 booked sessions of 10,000 members, each starting within
the next 23 hours and booked days ago, in a club with the 24-hour rule, an
address in Brussels and a late-cancel fee; then calls the scheduled action
``ir_cron_club_reminders`` (``club.reminder.job._run_cron()``) again while it
reports work left (as Odoo's cron runner does), committing per batch. Goal: all
queued in < 60 s, peak memory < 500 MB. Then checks: one reminder row and one
queued mail (mail.mail, outgoing) per booking, each with its .ics.

--kill-after SECONDS kills (SIGKILL) the process running the scheduled action
after that long, then runs the action again: the checks show that no reminder
was queued twice and none was lost.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta

from bench_data import empty_club_tables, open_registry  # scripts/bench/bench_data.py

import odoo
from odoo import fields

REMINDERS = 10_000


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def superuser_env(cr):
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def setup_club(env):
    """The club (address, time zone, e-mail), its 24-hour rule, an offering with
    a late-cancel fee, and the members, once."""
    cr = env.cr
    company = env.company
    company.partner_id.write(
        {
            "tz": "Europe/Brussels",
            "street": "1 Rue du Club",
            "city": "Brussels",
            "email": "club@example.com",
        }
    )
    Rule = env["club.reminder.rule"].with_context(active_test=False)
    rules = Rule.search([("company_id", "=", company.id)])
    rules.write({"active": False})
    rules.filtered(lambda r: r.hours_before == 24)[:1].write({"active": True})
    if not Rule.search_count([("company_id", "=", company.id), ("active", "=", True)]):
        Rule.create({"company_id": company.id, "hours_before": 24})
    offering = env["club.offering"].search([("name", "=", "Bench Reminder Spin")])
    if not offering:
        offering = env["club.offering"].create(
            {
                "name": "Bench Reminder Spin",
                "company_id": company.id,
                "late_cancel_hours": 12,
                "late_cancel_fee": 5.0,
            }
        )
    cr.execute(
        "SELECT id FROM res_partner WHERE name LIKE 'Reminded member %' ORDER BY id"
    )
    partners = [row[0] for row in cr.fetchall()]
    if not partners:
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, email, active, type,
                                     is_company, autopost_bills, lang,
                                     create_date, write_date)
            SELECT 'Reminded member ' || g, 'Reminded member ' || g,
                   'reminded' || g || '@example.com', true, 'contact', false,
                   'ask', 'en_US', now(), now()
              FROM generate_series(1, %s) g
            RETURNING id
            """,
            [REMINDERS],
        )
        partners = sorted(row[0] for row in cr.fetchall())
    return company, offering, partners


def fill_due(env):
    """10,000 booked sessions, one per member, starting within 23 hours, booked
    three days ago: every one of them due for the 24-hour reminder."""
    company, offering, partners = setup_club(env)
    cr = env.cr
    cr.execute("DELETE FROM club_reminder_sent")
    cr.execute(
        "DELETE FROM ir_attachment WHERE res_model = 'mail.message' "
        "AND name LIKE 'REMIND%%.ics'"
    )
    cr.execute("DELETE FROM mail_message WHERE model = 'club.booking'")
    empty_club_tables(cr, "club_penalty", "club_booking", "club_session_credit")
    now = fields.Datetime.now().replace(microsecond=0)
    cr.execute(
        """
        INSERT INTO club_booking (name, partner_id, offering_id, booking_kind,
                                  category, start, stop, state, company_id, is_paid,
                                  create_date, write_date, create_uid, write_uid)
        SELECT 'REMIND' || lpad(g::text, 7, '0'), (%(partners)s::int[])[g],
               %(offering)s, 'session', 'class_session', s.start,
               s.start + interval '1 hour', 'booked', %(company)s, false,
               %(booked_at)s, %(booked_at)s, 1, 1
          FROM generate_series(1, %(count)s) g
          CROSS JOIN LATERAL (
              SELECT %(now)s::timestamp + interval '1 hour'
                     + g * interval '7 seconds' AS start) s
        """,
        {
            "partners": partners,
            "offering": offering.id,
            "company": company.id,
            "count": REMINDERS,
            "now": now,
            "booked_at": now - timedelta(days=3),
        },
    )
    cr.execute("ANALYZE club_booking")
    cr.commit()


def run_scheduled_action(registry):
    """What Odoo's cron runner does: call the action again while it reports work
    left (its time budget may stop it between batches)."""
    totals = {}
    runs = 0
    while True:
        runs += 1
        with registry.cursor() as cr:
            summary = superuser_env(cr)["club.reminder.job"]._run_cron()
        for key, value in summary.items():
            totals[key] = totals.get(key, 0) + value
        if not summary["remaining"]:
            totals["runs"] = runs
            return totals


def check(registry):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(DISTINCT booking_id), "
            "count(*) FILTER (WHERE mailed) FROM club_reminder_sent"
        )
        rows, bookings, mailed = cr.fetchone()
        cr.execute(
            """
            SELECT count(*), count(DISTINCT m.res_id),
                   count(*) FILTER (WHERE mm.state <> 'outgoing'),
                   count(*) FILTER (WHERE (
                       SELECT count(*) FROM message_attachment_rel r
                         JOIN ir_attachment a ON a.id = r.attachment_id
                        WHERE r.message_id = m.id AND a.mimetype = 'text/calendar'
                   ) <> 1)
              FROM mail_mail mm
              JOIN mail_message m ON m.id = mm.mail_message_id
             WHERE m.model = 'club.booking' AND m.subject LIKE 'Reminder:%%'
            """
        )
        mails, mailed_bookings, not_queued, without_ics = cr.fetchone()
    ok = (
        rows == bookings == mailed == REMINDERS
        and mails == mailed_bookings == REMINDERS
        and not not_queued
        and not without_ics
    )
    print(
        f"Check: {rows:,} reminder rows for {bookings:,} bookings ({mailed:,} "
        f"mailed); {mails:,} mails queued for {mailed_bookings:,} bookings "
        f"({mails - mailed_bookings:,} twice, {REMINDERS - mailed_bookings:,} "
        f"lost, {not_queued} not outgoing, {without_ics} without exactly one .ics)"
        f" -> {'OK' if ok else 'FAILED'}"
    )
    return ok


def worker(args):
    registry = open_registry(args)
    totals = run_scheduled_action(registry)
    result = {key: totals.get(key, 0) for key in ("mailed", "runs")}
    print(json.dumps(result | {"peak_mb": round(peak_rss_mb())}))


def worker_command(args):
    command = [sys.executable, __file__, "--config", args.config]
    return command + ["--database", args.database, "--worker"]


def count_mailed(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM club_reminder_sent")
        return cr.fetchone()[0]


def kill_midway(args, registry):
    with registry.cursor() as cr:
        fill_due(superuser_env(cr))
    process = subprocess.Popen(worker_command(args), stdout=subprocess.DEVNULL)
    time.sleep(args.kill_after)
    process.kill()
    process.wait()
    killed_at = count_mailed(registry)
    print(
        f"Killed the scheduled action after {args.kill_after:.0f} s: "
        f"{killed_at:,} of {REMINDERS:,} reminders queued (committed batches)"
    )
    totals = run_scheduled_action(registry)
    print(f"The next run queued the other {totals['mailed']:,}")
    ok = check(registry)
    return 0 if ok and killed_at + totals["mailed"] == REMINDERS else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--kill-after", type=float, metavar="SECONDS")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    registry = open_registry(args)
    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.kill_after:
        return kill_midway(args, registry)

    print(f"Filling {REMINDERS:,} bookings due for their reminder…")
    with registry.cursor() as cr:
        fill_due(superuser_env(cr))
    rss_before = peak_rss_mb()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    totals = run_scheduled_action(registry)
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    peak = peak_rss_mb()
    print(
        f"Scheduled action: {totals['mailed']:,} reminders queued in {elapsed:.1f} s "
        f"({totals['runs']} call(s) of the action; goal < 60 s); CPU time of this "
        f"process {cpu:.1f} s (what a busy machine does not stretch)"
    )
    print(
        f"  peak memory (RSS of this process): {peak:.0f} MB, "
        f"{rss_before:.0f} MB before the run (goal < 500 MB)"
    )
    ok = check(registry) and elapsed < 60 and peak < 500
    print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Attendance analysis at scale: a year of a club in a database of 1,000,000
bookings (the data of scripts/bench/log_sessions.py, filled once).

Prints the server time of Club > Reporting > Attendance read as a club manager
(record rules apply), over the last 365 days:
- the pivot's default grouping, offering x month, with its measures;
- the graph's grouping, weekday x hour, with the no-show rate;
goal < 500 ms each.
"""

import argparse
import statistics
import time
from datetime import timedelta

from bench_data import club_manager  # scripts/bench/bench_data.py
from log_sessions import fill  # scripts/bench/log_sessions.py

import odoo
from odoo import fields

MEASURES = [
    "booking_count:sum",
    "completed_count:sum",
    "no_show_count:sum",
    "late_cancel_count:sum",
    "no_show_rate:avg",
]


def timed(function, runs):
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), max(durations)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        fill(env)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        manager = club_manager(env, "bench_report_manager")
        report = env(user=manager)["club.attendance.report"]
        since = fields.Datetime.now() - timedelta(days=365)
        domain = [("date", ">=", since)]
        total = report.search_count(domain)
        print(f"\n{total:,} report rows in the last 365 days\n")

        for label, groupby, measures in (
            ("Offering x month (pivot)", ["offering_id", "date:month"], MEASURES),
            ("Weekday x hour (graph)", ["weekday", "hour"], ["no_show_rate:avg"]),
        ):

            def read(groupby=groupby, measures=measures):
                rows = report.read_group(domain, measures, groupby, lazy=False)
                env.invalidate_all()
                return rows

            rows = read()
            median, worst = timed(read, 10)
            print(
                f"{label}: {len(rows)} groups, median {median:.1f} ms, "
                f"max {worst:.1f} ms (goal < 500 ms)"
            )
        cr.rollback()


if __name__ == "__main__":
    main()

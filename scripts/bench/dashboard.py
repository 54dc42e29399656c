"""Dashboards > Club Attendance at scale: what the dashboard asks the server for, in
a database of 1,000,000 bookings (the data of scripts/bench/log_sessions.py,
filled once).

Reads club_session_logoff/data/files/attendance_dashboard.json and runs its
queries as a club manager (record rules apply), the way the spreadsheet does: each
pivot's total and its rows, each chart's grouping, with the period filter of the
current period and of the previous one (the pivots matched at offset -1). Prints
each query's server time and the dashboard's total (the browser sends them at
once; the total is what one worker would spend), for the default period (the
last 30 days) and for the last 365 days.
"""

import argparse
import json
import os
import statistics
import time
from datetime import timedelta

from bench_data import club_manager, open_registry  # scripts/bench/bench_data.py
from log_sessions import fill  # scripts/bench/log_sessions.py

import odoo
from odoo import fields

DASHBOARD = os.path.join(
    os.path.dirname(__file__),
    "..",
    "..",
    "club_session_logoff",
    "data",
    "files",
    "attendance_dashboard.json",
)
RUNS = 5


def queries(data, days):
    """(label, domain, measures, groupby) of every read the dashboard makes for a
    period of ``days`` days ending today."""
    period = next(f for f in data["globalFilters"] if f["type"] == "date")
    now = fields.Datetime.now()

    def dated(domain, matching):
        offset = matching[period["id"]].get("offset", 0)
        end = now + timedelta(days=days * offset)
        return [
            ("date", ">=", end - timedelta(days=days)),
            ("date", "<=", end),
            *domain,
        ]

    for pivot in data["pivots"].values():
        domain = dated(pivot["domain"], pivot["fieldMatching"])
        measures = [m["fieldName"] for m in pivot["measures"]]
        rows = [row["fieldName"] for row in pivot["rows"]]
        # A pivot reads its total, then its rows.
        yield f"pivot {pivot['name']} (total)", domain, measures, []
        if rows:
            yield f"pivot {pivot['name']} ({', '.join(rows)})", domain, measures, rows
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            chart = figure["data"]
            if not chart["type"].startswith("odoo_"):
                continue
            meta = chart["metaData"]
            domain = dated(chart["searchParams"]["domain"], chart["fieldMatching"])
            label = f"chart {meta['measure']} by {', '.join(meta['groupBy'])}"
            yield label, domain, [meta["measure"]], meta["groupBy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    with open(DASHBOARD, encoding="utf-8") as file:
        data = json.load(file)
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        fill(env)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        manager = club_manager(env, "bench_dashboard_manager")
        report = env(user=manager)["club.attendance.report"]
        for days in (30, 365):
            since = fields.Datetime.now() - timedelta(days=days)
            rows = report.search_count([("date", ">=", since)])
            print(f"\nLast {days} days ({rows:,} report rows; the period before too):")
            totals = [0.0] * RUNS
            for label, domain, measures, groupby in queries(data, days):
                durations = []
                for run in range(RUNS):
                    started = time.perf_counter()
                    groups = report.read_group(domain, measures, groupby, lazy=False)
                    env.invalidate_all()
                    duration = (time.perf_counter() - started) * 1000
                    durations.append(duration)
                    totals[run] += duration
                print(
                    f"  {label}: {len(groups)} groups, "
                    f"median {statistics.median(durations):.0f} ms"
                )
            print(
                f"  the whole dashboard: median {statistics.median(totals):.0f} ms, "
                f"max {max(totals):.0f} ms"
            )
        cr.rollback()


if __name__ == "__main__":
    main()

"""Attendance analysis at scale: a year of a club in a database of 1,000,000
bookings (the data of scripts/bench/log_sessions.py, filled once).

Prints the server time of Club > Reporting > Attendance read as a club manager
(record rules apply), over the last 365 days:
- the pivot's default grouping, offering x month, with its measures;
- the graph's grouping, weekday x hour, with the no-show rate;
and Club > Reporting > Members at Risk (the list's first page and its count), with
the default settings today, as of 200 days ago (when every booking of the windows
is logged) and with settings that put every member at risk; goal < 500 ms each.
"""

import argparse
from datetime import timedelta
from unittest.mock import patch

from bench_data import club_manager, open_registry, timed  # scripts/bench/bench_data.py
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    registry = open_registry(args)
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
        members_at_risk(env, manager)
        cr.rollback()


# The list's columns (views/club_member_risk_views.xml).
RISK_SPEC = {
    "partner_id": {"fields": {"display_name": {}}},
    "company_id": {"fields": {"display_name": {}}},
    "last_visit": {},
    "visit_count": {},
    "no_show_count": {},
    "late_cancel_count": {},
    "credit_count": {},
    "phone": {},
    "email": {},
    "call_scheduled": {},
}


def members_at_risk(env, manager):
    """Club > Reporting > Members at Risk as the manager: what the web client asks
    when the list opens (the first 80 rows and the count)."""
    company = manager.company_id
    risk = env(user=manager)["club.member.risk"]

    def page():
        result = risk.web_search_read([], RISK_SPEC, limit=80)
        env.invalidate_all()
        return result

    now = fields.Datetime.now()
    for label, settings, at in (
        ("default settings (4 visits in 60 days, none in 21)", {}, now),
        (
            "as of 200 days ago, 1 visit in 60 days, none in 21",
            {"club_risk_min_visits": 1},
            now - timedelta(days=200),
        ),
        (
            "every member at risk (1 visit in 365 days, none in 21)",
            {"club_risk_min_visits": 1, "club_risk_regular_days": 365},
            now,
        ),
    ):
        company.write(
            {
                "club_risk_min_visits": 4,
                "club_risk_regular_days": 60,
                "club_risk_absent_days": 21,
                **settings,
            }
        )
        env.flush_all()
        with patch.object(fields.Datetime, "now", lambda *_args, at=at: at):
            result = page()
            median, worst = timed(page, 10)
        print(
            f"Members at risk, {label}: first page {len(result['records'])} rows of "
            f"{result['length']:,}, median {median:.1f} ms, max {worst:.1f} ms "
            f"(goal < 500 ms)"
        )


if __name__ == "__main__":
    main()

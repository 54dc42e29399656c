"""Staff log-off at scale: 1,000,000 bookings of which 100,000 still to log.

Prints the server time of
- Main > Log Sessions, first page (the list view's web_search_read: search + count
  + the list's fields), goal < 100 ms;
- the Log Off tab's previous-10 panel of a booking, goal < 20 ms;
- logging 1,000 bookings as completed in one log_booking call, goal < 2 s.
Runs as a club manager (record rules apply); every measured change is rolled back.
"""

import argparse
import time
from datetime import timedelta

from bench_data import (  # scripts/bench/bench_data.py
    club_manager,
    give_bookings_log_groups,
    give_open_bookings_paid_credits,
    open_registry,
    timed,
    vacuum,
)

import odoo
from odoo import fields

BOOKINGS = 1_000_000
UNLOGGED = 100_000
MEMBERS = 20_000
OFFERINGS = 20
YEARS = 5


def fill(env):
    """Insert the bookings with SQL (the ORM would take an hour for a million)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM club_booking")
    if cr.fetchone()[0] >= BOOKINGS:
        print(f"Reusing the {BOOKINGS:,} bookings already in the database.")
        return
    print(
        f"Filling {BOOKINGS:,} bookings ({UNLOGGED:,} unlogged), once; takes a while…"
    )
    started = time.perf_counter()
    company = env.company
    offerings = env["club.offering"].create(
        [
            {
                "name": f"Offering {i}",
                "offering_type": "service" if i % 4 == 0 else "class",
                "company_id": company.id,
            }
            for i in range(OFFERINGS)
        ]
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, club_member_ref, active, type,
                                 is_company, autopost_bills, create_date, write_date)
        SELECT 'Member ' || g, 'Member ' || g, 'B' || g, true, 'contact', false,
               'ask', now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [MEMBERS],
    )
    first_partner = min(
        row[0] for row in cr.fetchall()
    )  # one statement: contiguous ids
    cr.execute(
        "SELECT id, offering_type FROM club_offering WHERE id IN %s",
        [tuple(offerings.ids)],
    )
    offering_rows = cr.fetchall()
    now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
    span_hours = YEARS * 365 * 24
    # Logged history spread over the years, then the unlogged tail: the last
    # UNLOGGED bookings, all started already, the oldest of them weeks ago.
    cr.execute(
        """
        INSERT INTO club_booking (
            name, partner_id, offering_id, booking_kind, category, start, stop, state,
            log_date, log_source, company_id, is_paid, start_weekday, start_hour,
            create_date, write_date, create_uid, write_uid)
        SELECT 'BK' || lpad(g::text, 7, '0'),
               %(first_partner)s + g %% %(members)s,
               o.id,
               CASE WHEN g %% 10 = 0 THEN 'consult' ELSE 'session' END,
               o.offering_type
                   || CASE WHEN g %% 10 = 0 THEN '_consult' ELSE '_session' END,
               s.start, s.start + interval '1 hour',
               CASE WHEN g > %(logged)s THEN 'booked'
                    WHEN g %% 9 = 0 THEN 'no_show' ELSE 'completed' END,
               CASE WHEN g > %(logged)s THEN NULL ELSE s.start + interval '2 hours' END,
               CASE WHEN g > %(logged)s THEN NULL ELSE 'staff' END,
               %(company)s, false,
               -- club.booking._compute_start_local, in SQL
               EXTRACT(ISODOW FROM (s.start AT TIME ZONE 'UTC')
                                   AT TIME ZONE %(tz)s)::int::varchar,
               EXTRACT(HOUR FROM (s.start AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::int,
               now(), now(), 1, 1
          FROM generate_series(1, %(total)s) g
          CROSS JOIN LATERAL (
              SELECT (%(now)s::timestamp - interval '1 hour'
                      - ((%(total)s - g)::bigint * %(span)s / %(total)s)
                        * interval '1 hour'
                     ) AS start) s
          JOIN (SELECT id, offering_type, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM club_offering WHERE id IN %(offerings)s) o
            ON o.n = g %% %(noff)s
        """,
        {
            "first_partner": first_partner,
            "members": MEMBERS,
            "logged": BOOKINGS - UNLOGGED,
            "company": company.id,
            "tz": company.partner_id.tz or "UTC",
            "total": BOOKINGS,
            "now": now,
            "span": span_hours,
            "offerings": tuple(offerings.ids),
            "noff": len(offering_rows),
        },
    )
    give_open_bookings_paid_credits(cr, company.id)
    give_bookings_log_groups(cr)
    cr.execute(
        "SELECT setval('club_booking_id_seq', (SELECT max(id) FROM club_booking))"
    )
    cr.execute("ANALYZE club_booking")
    cr.execute("ANALYZE club_session_credit")
    cr.execute("ANALYZE res_partner")
    cr.commit()
    vacuum(cr.dbname, "club_booking")
    print(f"  filled in {time.perf_counter() - started:.0f} s")


def log_sessions_page(env):
    """What the web client asks when Main > Log Sessions opens."""
    Booking = env["club.booking"]
    view = env.ref("club_session_logoff.club_booking_view_list_log")
    spec = {
        name: {}
        for name in (
            "name",
            "start",
            "category",
            "checked_in",
            "kiosk_confirmed",
            "is_paid",
            "company_id",
        )
    }
    spec.update(
        {
            name: {"fields": {"display_name": {}}}
            for name in ("partner_id", "offering_id", "trainer_id")
        }
    )
    action = env.ref("club_session_logoff.club_booking_action_log_sessions").sudo()
    domain = eval(action.domain)  # noqa: S307 - our own action's domain
    assert view  # the list the action opens
    result = Booking.web_search_read(domain, spec, limit=80, order="start, id")
    env.invalidate_all()
    return result


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
        manager = club_manager(env, "bench_manager")
        menv = env(user=manager)
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE state = 'booked') "
            "FROM club_booking"
        )
        total, open_ = cr.fetchone()
        print(f"\n{total:,} bookings, {open_:,} still to log\n")

        page = log_sessions_page(menv)
        median, worst = timed(lambda: log_sessions_page(menv), 20)
        print(
            f"Log Sessions first page ({len(page['records'])} rows of "
            f"{page['length']:,}): median {median:.1f} ms, max {worst:.1f} ms "
            f"(goal < 100 ms)"
        )

        booking = menv["club.booking"].search(
            [("to_log", "=", True)], order="start desc", limit=1
        )

        def panel():
            record = booking.with_env(menv)
            rows = record.previous_booking_ids.read(
                ["name", "start", "offering_id", "state"]
            )
            menv.invalidate_all()
            return rows

        rows = panel()
        median, worst = timed(panel, 50)
        print(
            f"Previous-10 panel ({len(rows)} rows): median {median:.1f} ms, "
            f"max {worst:.1f} ms (goal < 20 ms)"
        )

        batch = menv["club.booking"].search(
            [("to_log", "=", True)], order="start", limit=1000
        )
        menv.invalidate_all()
        started = time.perf_counter()
        batch.log_booking("completed", "bench")
        menv.flush_all()
        elapsed = time.perf_counter() - started
        logged = env["club.booking"].search_count(
            [("id", "in", batch.ids), ("state", "=", "completed")]
        )
        print(
            f"Logging {len(batch):,} bookings in one call: {elapsed:.2f} s "
            f"({logged:,} completed; goal < 2 s)"
        )
        cr.rollback()
    print(f"\nAt {fields.Datetime.now() + timedelta(0)} UTC; changes rolled back.")


if __name__ == "__main__":
    main()

"""Scheduled sessions at scale: a year of timetable (five trainers, ten sessions a
day) and 1,000,000 bookings.

Prints the server time of
- the day grid's data for a day (club.session.get_grid_data), goal < 100 ms;
- a roster of 40 (the session form's web_read, with the form's specification:
  the session's fields and its bookings' roster fields), goal < 50 ms;
- Log Roster of 40 (club.session.log_roster, when the addon has it), goal
  < 300 ms;
- a booking into a session (create with session_id; the capacity check, when
  the addon has it, included), goal < 30 ms;
and books 20 members at once (20 threads, each its own transaction) into a
session of 10 seats: a refused booking goes to the waitlist. Prints how many
were booked and waitlisted (10 and 10 once capacity and waitlist exist).

Runs as a club manager (record rules apply), in the club's time zone; every
measured change is rolled back, and the 20 parallel bookings are deleted.
"""

import argparse
import logging
import os
import threading
import time
from datetime import timedelta
from functools import partial

from bench_data import (  # scripts/bench/bench_data.py
    club_manager,
    give_bookings_log_groups,
    give_open_bookings_paid_credits,
    open_registry,
    timed,
)
from lxml import etree

import odoo
from odoo import fields
from odoo.exceptions import UserError
from odoo.service.model import retrying

BOOKINGS = 1_000_000
MEMBERS = 20_000
TRAINERS = 5
SESSIONS_PER_DAY = 10
DAYS = 365  # half a year back, half a year ahead
ROSTER = 40  # the biggest class: some sessions have exactly this many bookings
ONE_TO_ONE_PER_DAY = 4  # personal training without a session
HISTORY_YEARS = 4  # bookings of before the timetable, without a session
TZ = "Europe/Brussels"
# The timetable's hours (local), each taught by trainer i % TRAINERS.
HOURS = (6, 7, 9, 10, 12, 13, 17, 18, 19, 20)
PARALLEL = 20
BOOKING_RUNS = 15
PARALLEL_SEATS = 10


def fill(env):
    """The timetable and the bookings, with SQL (the ORM would take an hour)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM club_booking")
    if cr.fetchone()[0] >= BOOKINGS:
        print(f"Reusing the {BOOKINGS:,} bookings already in the database.")
        return
    print(f"Filling a year of sessions and {BOOKINGS:,} bookings, once; takes a while…")
    started = time.perf_counter()
    company = env.company
    from odoo.addons.club_session_logoff.tools.groups import log_group_xmlid

    class_group = env.ref(log_group_xmlid("class_session"))
    trainers = env["res.users"].create(
        [
            {
                "name": f"Bench Trainer {i}",
                "login": f"bench_trainer_{i}",
                "tz": TZ,
                "groups_id": [(6, 0, [class_group.id])],
            }
            for i in range(TRAINERS)
        ]
    )
    offerings = env["club.offering"].create(
        [
            {
                "name": f"Bench Class {i}",
                "offering_type": "class",
                "duration": 1.0,
                "default_capacity": ROSTER,
                "default_trainer_id": trainers[i].id,
                "company_id": company.id,
            }
            for i in range(TRAINERS)
        ]
        + [
            {
                "name": "Bench Personal Training",
                "offering_type": "service",
                "duration": 1.0,
                "default_capacity": 1,
                "default_trainer_id": trainers[0].id,
                "company_id": company.id,
            }
        ]
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, club_member_ref, active, type,
                                 is_company, autopost_bills, create_date, write_date)
        SELECT 'Member ' || g, 'Member ' || g, 'S' || g, true, 'contact', false,
               'ask', now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [MEMBERS],
    )
    first_partner = min(row[0] for row in cr.fetchall())  # contiguous ids
    now = fields.Datetime.now()
    cr.execute("SELECT (now() AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", [TZ])
    today = cr.fetchone()[0]
    first_day = today - timedelta(days=DAYS // 2)
    params = {
        "tz": TZ,
        "first_day": first_day,
        "days": DAYS,
        "hours": list(HOURS),
        "per_day": SESSIONS_PER_DAY,
        "offerings": offerings.ids[:TRAINERS],
        "trainers": trainers.ids,
        "ntrainers": TRAINERS,
        "company": company.id,
        "roster": ROSTER,
        "now": now,
        "members": MEMBERS,
        "first_partner": first_partner,
    }
    # Ten sessions a day, trainer i % 5 at the i-th hour.
    cr.execute(
        """
        INSERT INTO club_session (offering_id, trainer_id, capacity, seats_taken,
                                  seats_available, waitlist_count, company_id, name,
                                  state, is_cancelled, start, stop, create_uid,
                                  write_uid, create_date, write_date)
        SELECT (%(offerings)s::int[])[h %% %(ntrainers)s + 1],
               (%(trainers)s::int[])[h %% %(ntrainers)s + 1],
               %(roster)s, 0, %(roster)s, 0, %(company)s,
               'Bench Class ' || (h %% %(ntrainers)s) || ' · '
                   || to_char(s.start AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s,
                              'Dy HH24:MI'),
               'scheduled', false, s.start, s.start + interval '1 hour',
               1, 1, now(), now()
          FROM generate_series(0, %(days)s - 1) d
         CROSS JOIN generate_series(0, %(per_day)s - 1) h
         CROSS JOIN LATERAL (
             SELECT ((%(first_day)s::date + d)
                     + make_interval(hours => (%(hours)s::int[])[h + 1]))
                    AT TIME ZONE %(tz)s AT TIME ZONE 'UTC' AS start) s
        """,
        params,
    )
    # Each session: 20 to 40 members (a third a full roster of 40); logged
    # once over (a no-show in nine), still booked from yesterday on.
    cr.execute(
        """
        INSERT INTO club_booking (
            name, partner_id, offering_id, booking_kind, category, start, stop,
            trainer_id, session_id, state, log_date, log_source, company_id,
            is_paid, create_date, write_date, create_uid, write_uid)
        SELECT 'BS' || s.id || '-' || n,
               %(first_partner)s + (s.id * 97 + n * 389) %% %(members)s,
               s.offering_id, 'session', 'class_session', s.start, s.stop,
               s.trainer_id, s.id,
               CASE WHEN s.start >= %(now)s::timestamp - interval '1 day'
                    THEN 'booked'
                    WHEN (s.id + n) %% 9 = 0 THEN 'no_show' ELSE 'completed' END,
               CASE WHEN s.start >= %(now)s::timestamp - interval '1 day' THEN NULL
                    ELSE s.stop + interval '1 hour' END,
               CASE WHEN s.start >= %(now)s::timestamp - interval '1 day' THEN NULL
                    ELSE 'staff' END,
               %(company)s, false, now(), now(), 1, 1
          FROM club_session s
         CROSS JOIN LATERAL generate_series(
             1, CASE WHEN s.id %% 3 = 0 THEN %(roster)s ELSE 20 + s.id %% 21 END) n
        """,
        params,
    )
    cr.execute("SELECT count(*) FROM club_booking")
    in_sessions = cr.fetchone()[0]
    # One-to-one bookings of the timetable's year, without a session.
    pt = offerings[TRAINERS]
    one_to_one = DAYS * ONE_TO_ONE_PER_DAY
    history = BOOKINGS - in_sessions - one_to_one
    cr.execute(
        """
        INSERT INTO club_booking (
            name, partner_id, offering_id, booking_kind, category, start, stop,
            trainer_id, state, log_date, log_source, company_id, is_paid,
            create_date, write_date, create_uid, write_uid)
        SELECT 'BP' || g, %(first_partner)s + (g * 131) %% %(members)s,
               %(pt)s, 'session', 'service_session', s.start,
               s.start + interval '1 hour', %(trainer)s,
               CASE WHEN s.start >= %(now)s::timestamp - interval '1 day'
                    THEN 'booked' ELSE 'completed' END,
               CASE WHEN s.start >= %(now)s::timestamp - interval '1 day' THEN NULL
                    ELSE s.start + interval '2 hours' END,
               CASE WHEN s.start >= %(now)s::timestamp - interval '1 day' THEN NULL
                    ELSE 'staff' END,
               %(company)s, false, now(), now(), 1, 1
          FROM generate_series(0, %(count)s - 1) g
         CROSS JOIN LATERAL (
             SELECT ((%(first_day)s::date + g / %(per_day)s)
                     + make_interval(hours => 15 + g %% %(per_day)s))
                    AT TIME ZONE %(tz)s AT TIME ZONE 'UTC' AS start) s
        """,
        {
            **params,
            "pt": pt.id,
            "trainer": trainers[0].id,
            "count": one_to_one,
            "per_day": ONE_TO_ONE_PER_DAY,
        },
    )
    # What came before the timetable: years of logged bookings, no session.
    cr.execute(
        """
        INSERT INTO club_booking (
            name, partner_id, offering_id, booking_kind, category, start, stop,
            trainer_id, state, log_date, log_source, company_id, is_paid,
            create_date, write_date, create_uid, write_uid)
        SELECT 'BH' || g, %(first_partner)s + (g::bigint * 7919) %% %(members)s,
               (%(offerings)s::int[])[g %% %(ntrainers)s + 1], 'session',
               'class_session', s.start, s.start + interval '1 hour',
               (%(trainers)s::int[])[g %% %(ntrainers)s + 1],
               CASE WHEN g %% 9 = 0 THEN 'no_show' ELSE 'completed' END,
               s.start + interval '2 hours', 'staff', %(company)s, false,
               now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
         CROSS JOIN LATERAL (
             SELECT %(first_day)s::timestamp
                    - (g::bigint * %(span)s / %(count)s) * interval '1 hour'
                    AS start) s
        """,
        {**params, "count": history, "span": HISTORY_YEARS * 365 * 24},
    )
    # The sessions' seats and states, as their computes give them.
    cr.execute(
        """
        UPDATE club_session s
           SET seats_taken = c.taken,
               seats_available = GREATEST(s.capacity - c.taken, 0),
               state = CASE WHEN c.open = 0 THEN 'done' ELSE 'scheduled' END
          FROM (SELECT session_id, count(*) AS taken,
                       count(*) FILTER (WHERE state = 'booked') AS open
                  FROM club_booking WHERE session_id IS NOT NULL
                 GROUP BY session_id) c
         WHERE c.session_id = s.id
        """
    )
    give_open_bookings_paid_credits(cr, company.id)
    give_bookings_log_groups(cr)
    cr.execute(
        "SELECT setval('club_booking_id_seq', (SELECT max(id) FROM club_booking))"
    )
    for table in ("club_booking", "club_session", "club_session_credit", "res_partner"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - our own table names
    cr.commit()
    print(f"  filled in {time.perf_counter() - started:.0f} s")


def form_specification(env, model):
    """What the web client asks for when it opens ``model``'s form: its fields,
    many2ones with their display name, x2manys with their list's fields (40 rows
    at most, the web client's page)."""
    Model = env[model]
    arch = Model.get_views([(False, "form")])["views"]["form"]["arch"]
    root = etree.fromstring(arch)

    def spec(fields_, names):
        result = {}
        for name in names:
            field = fields_[name]
            if field.type == "many2one":
                result[name] = {"fields": {"display_name": {}}}
            else:
                result[name] = {}
        return result

    top = [
        node
        for node in root.iter("field")
        if not any(parent.tag == "field" for parent in node.iterancestors())
    ]
    specification = spec(Model._fields, [node.get("name") for node in top])
    specification["display_name"] = {}
    for node in top:
        field = Model._fields[node.get("name")]
        if field.type in ("one2many", "many2many"):
            sub = node.find(".//list")
            names = (
                [n.get("name") for n in sub.iter("field")] if sub is not None else []
            )
            specification[field.name] = {
                "fields": spec(env[field.comodel_name]._fields, names),
                "limit": 40,
            }
    return specification


class RetriedQueries(logging.Filter):
    """Counts (and silences) the queries that met a serialization failure."""

    def __init__(self):
        super().__init__()
        self.count = 0
        self.lock = threading.Lock()

    def filter(self, record):
        if "could not serialize access" in record.getMessage():
            with self.lock:
                self.count += 1
            return False
        return True


def parallel_bookings(registry, manager_id, members):
    """PARALLEL members booked at once into a new session of PARALLEL_SEATS
    seats, each in a transaction of its own, as PARALLEL web requests would
    (retried on a serialization failure, as Odoo's RPC does)."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        offering = env["club.offering"].search(
            [("name", "=", "Bench Class 0")], limit=1
        )
        session = env["club.session"].create(
            {
                "offering_id": offering.id,
                "start": fields.Datetime.now() + timedelta(days=30, hours=3),
                "capacity": PARALLEL_SEATS,
            }
        )
        session_id = session.id
    outcomes = {}
    barrier = threading.Barrier(PARALLEL)
    # Two transactions writing the session's seats at once: the second gets a
    # serialization failure and starts again (Odoo's RPC does the same). Count
    # them rather than print each failed query.
    retried = RetriedQueries()
    sql_log = logging.getLogger("odoo.sql_db")
    sql_log.addFilter(retried)

    def book(member_id):
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, manager_id, {"tz": TZ})
            Booking = env["club.booking"]
            values = {"partner_id": member_id, "session_id": session_id}
            barrier.wait()
            try:
                try:
                    retrying(partial(Booking.create, values), env)
                    cr.commit()
                    outcomes[member_id] = "booked"
                except UserError:
                    # Full: the request ends (rolled back); the front desk
                    # books the member on the waitlist instead.
                    cr.rollback()
                    env.reset()
                    retrying(
                        partial(Booking.create, {**values, "state": "waitlisted"}),
                        env,
                    )
                    cr.commit()
                    outcomes[member_id] = "waitlisted"
            except Exception as error:  # noqa: BLE001 - reported below
                cr.rollback()
                outcomes[member_id] = f"refused: {type(error).__name__}: {error}"

    threads = [
        threading.Thread(target=book, args=(member,)) for member in members[:PARALLEL]
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    sql_log.removeFilter(retried)
    with registry.cursor() as cr:
        cr.execute(
            "SELECT state, count(*) FROM club_booking WHERE session_id = %s "
            "GROUP BY state",
            [session_id],
        )
        states = dict(cr.fetchall())
        # Leave the database as it was.
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        session = env["club.session"].browse(session_id)
        session.booking_ids.unlink()
        session.unlink()
    return outcomes, states, elapsed, retried.count


def main():  # noqa: C901 - one benchmark after the other
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        fill(env)
    load_before = os.getloadavg()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        manager = club_manager(env, "bench_sessions_manager", tz=TZ)
        cr.commit()
        menv = env(user=manager, context={"tz": TZ, "lang": "en_US"})
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE session_id IS NOT NULL) "
            "FROM club_booking"
        )
        total, in_sessions = cr.fetchone()
        cr.execute("SELECT count(*), min(start), max(start) FROM club_session")
        sessions, first, last = cr.fetchone()
        print(
            f"\n{total:,} bookings ({in_sessions:,} in sessions), {sessions:,} "
            f"sessions from {first:%Y-%m-%d} to {last:%Y-%m-%d}\n"
        )
        figures = []

        # 1. The day grid's data: today, as the web client asks for it.
        Session = menv["club.session"]
        today = fields.Date.context_today(Session)

        def grid():
            data = Session.get_grid_data(today.isoformat())
            menv.invalidate_all()
            return data

        data = grid()
        median, worst = timed(grid, 20)
        figures.append(
            f"Day grid data ({len(data['sessions'])} sessions, "
            f"{len(data['bookings'])} bookings without session, "
            f"{len(data['trainers'])} trainers): median {median:.1f} ms, "
            f"max {worst:.1f} ms (goal < 100 ms)"
        )

        # 2. A roster of 40: the session form as the web client reads it.
        spec = form_specification(menv, "club.session")
        roster = Session.search(
            [
                ("seats_taken", "=", ROSTER),
                ("start", "<", fields.Datetime.now()),
                ("state", "=", "scheduled"),
            ],
            order="start desc",
            limit=1,
        )

        def read_roster():
            rows = roster.web_read(spec)
            menv.invalidate_all()
            return rows

        rows = read_roster()
        median, worst = timed(read_roster, 20)
        figures.append(
            f"Roster of {len(rows[0]['booking_ids'])} (web_read of the session form, "
            f"{len(spec)} fields): median {median:.1f} ms, max {worst:.1f} ms "
            f"(goal < 50 ms)"
        )

        # 3. Log Roster of 40 (rolled back).
        if hasattr(Session, "log_roster"):
            cr.execute("SAVEPOINT log_roster")
            menv.invalidate_all()
            started = time.perf_counter()
            roster.log_roster()
            menv.flush_all()
            elapsed = (time.perf_counter() - started) * 1000
            logged = env["club.booking"].search_count(
                [
                    ("session_id", "=", roster.id),
                    ("state", "in", ("completed", "no_show")),
                ]
            )
            cr.execute("ROLLBACK TO SAVEPOINT log_roster")
            menv.invalidate_all()
            figures.append(
                f"Log Roster of {logged} bookings: {elapsed:.0f} ms (goal < 300 ms)"
            )
        else:
            figures.append("Log Roster: not available (no club.session.log_roster)")

        # 4. A booking into a session (with the capacity check, when there is
        # one), BOOKING_RUNS times, rolled back.
        ahead = Session.search(
            [
                ("start", ">", fields.Datetime.now() + timedelta(days=7)),
                ("seats_available", ">=", BOOKING_RUNS),
            ],
            order="start",
            limit=1,
        )
        cr.execute(
            """
            SELECT p.id FROM res_partner p
             WHERE p.club_member_ref LIKE 'S%%'
               AND NOT EXISTS (SELECT 1 FROM club_booking b
                                WHERE b.session_id = %s AND b.partner_id = p.id)
             ORDER BY p.id DESC LIMIT 50
            """,
            [ahead.id],
        )
        members = [row[0] for row in cr.fetchall()]
        cr.execute("SAVEPOINT book")
        free = iter(members)
        Booking = menv["club.booking"]

        def book():
            Booking.create({"partner_id": next(free), "session_id": ahead.id})
            menv.flush_all()
            menv.invalidate_all()

        median, worst = timed(book, BOOKING_RUNS)
        cr.execute("ROLLBACK TO SAVEPOINT book")
        menv.invalidate_all()
        figures.append(
            f"A booking into a session ({ahead.seats_taken} of {ahead.capacity} "
            f"seats taken): median {median:.1f} ms, max {worst:.1f} ms (goal < 30 ms)"
        )
        cr.rollback()

    # 5. PARALLEL members at once for PARALLEL_SEATS seats.
    outcomes, states, elapsed, retries = parallel_bookings(
        registry, manager.id, members
    )
    booked = sum(1 for o in outcomes.values() if o == "booked")
    waitlisted = sum(1 for o in outcomes.values() if o == "waitlisted")
    refused = sorted({o for o in outcomes.values() if o.startswith("refused")})
    others = len(outcomes) - booked - waitlisted
    figures.append(
        f"{PARALLEL} members at once for {PARALLEL_SEATS} seats ({elapsed:.1f} s): "
        f"{booked} booked, {waitlisted} waitlisted, {others} refused; in the "
        f"database: {states} (expected 10 booked, 10 waitlisted); "
        f"{retries} serialization failures retried"
    )
    figures.extend(f"  {reason[:200]}" for reason in refused)
    load_after = os.getloadavg()

    for line in figures:
        print(line)
    print(
        f"\n{os.cpu_count()} CPUs; load average (1, 5, 15 min) "
        f"{', '.join(f'{v:.2f}' for v in load_before)} before, "
        f"{', '.join(f'{v:.2f}' for v in load_after)} after"
    )
    print(f"At {fields.Datetime.now()} UTC; changes rolled back.")


if __name__ == "__main__":
    main()

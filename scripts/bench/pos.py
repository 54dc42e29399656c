"""Opening the Point of Sale with a million bookings in the database.

Fills the scratch database (once) with members, offerings and 1,000,000 bookings
by SQL, opens a POS session, then times pos.session.load_data() -- what the POS
loads when it starts -- server side, with the addon's additions (the club.booking
model and the pos.order.line.club_booking_id field) and without them (patched out
for the measure), and counts the bookings it loads and the SQL queries that touch
club_booking. Finally three draft orders paying bookings are opened: the POS loads
exactly those three.

    scripts/bench.sh pos [--bookings N] [--runs N]
"""

import argparse
import statistics
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor
from odoo.tools import config

MEMBERS = 20_000
OFFERINGS = 12


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    return parser.parse_args()


def say(message):
    print(message, flush=True)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def ensure_company_accounting(env):
    company = env.ref("base.main_company")
    if not company.chart_template:
        say("Loading the generic chart of accounts ...")
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    return company


def ensure_members_and_offerings(env, company):
    Partner = env["res.partner"]
    existing = Partner.search_count([("club_member_ref", "=like", "BENCH-%")])
    if existing < MEMBERS:
        say(f"Creating {MEMBERS - existing} members ...")
        Partner.create(
            [
                {"name": f"Bench Member {i}", "club_member_ref": f"BENCH-{i:06d}"}
                for i in range(existing, MEMBERS)
            ]
        )
    Offering = env["club.offering"]
    if Offering.search_count([("name", "=like", "Bench %")]) < OFFERINGS:
        say("Creating offerings and their credit products ...")
        for i in range(OFFERINGS):
            kind = "class" if i % 3 else "service"
            product = env["product.product"].create(
                {
                    "name": f"Bench {kind} session {i}",
                    "type": "service",
                    "available_in_pos": True,
                    "lst_price": 15.0 if kind == "class" else 60.0,
                }
            )
            Offering.create(
                {
                    "name": f"Bench {kind} {i}",
                    "offering_type": kind,
                    "product_id": product.id,
                    "company_id": company.id,
                }
            )
    partners = Partner.search([("club_member_ref", "=like", "BENCH-%")]).ids
    offerings = Offering.search([("name", "=like", "Bench %")])
    return partners, offerings


def ensure_bookings(env, company, partners, offerings, target):
    cr = env.cr
    cr.execute("SELECT count(*) FROM club_booking")
    count = cr.fetchone()[0]
    if count >= target:
        return count
    missing = target - count
    say(f"Inserting {missing:,} bookings by SQL ...")
    started = time.perf_counter()
    types = [o.offering_type for o in offerings]
    cr.execute(
        """
        INSERT INTO club_booking
            (name, partner_id, offering_id, booking_kind, category, start, stop,
             state, is_paid, company_id, kiosk_confirmed,
             create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH' || lpad((%(offset)s + g)::text, 9, '0'),
               (%(partners)s::int[])[1 + g %% %(n_partners)s],
               (%(offerings)s::int[])[1 + g %% %(n_offerings)s],
               CASE WHEN g %% 20 = 0 THEN 'consult' ELSE 'session' END,
               (%(types)s::text[])[1 + g %% %(n_offerings)s]
                   || CASE WHEN g %% 20 = 0 THEN '_consult' ELSE '_session' END,
               now() - (g || ' minutes')::interval,
               now() - (g || ' minutes')::interval + interval '1 hour',
               CASE WHEN g < 500 THEN 'booked'
                    WHEN g %% 17 = 0 THEN 'no_show'
                    WHEN g %% 31 = 0 THEN 'cancelled'
                    ELSE 'completed' END,
               false,
               %(company)s, false, 1, 1, now(), now()
          FROM generate_series(1, %(missing)s) g
        """,
        {
            "offset": count,
            "partners": partners,
            "n_partners": len(partners),
            "offerings": offerings.ids,
            "n_offerings": len(offerings),
            "types": types,
            "company": company.id,
            "missing": missing,
        },
    )
    cr.execute("ANALYZE club_booking")
    cr.commit()  # batch: the generated data outlives this run of the benchmark
    say(f"  done in {time.perf_counter() - started:.1f} s")
    return target


def ensure_open_session(env, company):
    admin = env.ref("base.user_admin")
    config_ = env["pos.config"].search([("name", "=", "Bench Shop")], limit=1)
    if not config_:
        config_ = env["pos.config"].create(
            {"name": "Bench Shop", "company_id": company.id}
        )
    if not config_.current_session_id:
        config_.with_user(admin).open_ui()
    env.cr.commit()  # batch: the session is reused by later runs
    return config_.current_session_id


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------
@contextmanager
def count_queries(word):
    queries = []
    execute = Cursor.execute

    def counting(cursor, query, params=None, log_exceptions=True):
        text = query.code if hasattr(query, "code") else str(query)
        if word in text:
            queries.append(text)
        return execute(cursor, query, params, log_exceptions)

    with patch.object(Cursor, "execute", counting):
        yield queries


@contextmanager
def without_addon(env):
    """pos.session.load_data as if the addon added nothing to it."""
    Session = type(env["pos.session"])
    Line = type(env["pos.order.line"])
    models_ = Session._load_pos_data_models
    line_fields = Line._load_pos_data_fields

    def models_without(self, config_id):
        return [m for m in models_(self, config_id) if m != "club.booking"]

    def fields_without(self, config_id):
        return [f for f in line_fields(self, config_id) if f != "club_booking_id"]

    with (
        patch.object(Session, "_load_pos_data_models", models_without),
        patch.object(Line, "_load_pos_data_fields", fields_without),
    ):
        yield


def load(session):
    session.env.invalidate_all()
    started = time.perf_counter()
    data = session.load_data([])
    return time.perf_counter() - started, data


def measure(session, runs):
    """Median load times with and without the addon, alternating which goes
    first so that neither always finds the caches warmer."""
    with_times, without_times = [], []
    load(session)  # warm caches once
    for run in range(runs):
        for with_it in (True, False) if run % 2 else (False, True):
            if with_it:
                with_times.append(load(session)[0])
            else:
                with without_addon(session.env):
                    without_times.append(load(session)[0])
    return statistics.median(with_times), statistics.median(without_times)


def measure_bookings_part(session, runs):
    """The addon's own share of the load: club.booking's _load_pos_data."""
    data = load(session)[1]
    Booking = session.env["club.booking"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        Booking._load_pos_data(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def add_draft_orders(env, session, count):
    bookings = env["club.booking"].search(
        [("state", "=", "completed"), ("is_paid", "=", False)], limit=count
    )
    for booking in bookings:
        product = booking.offering_id.product_id
        env["pos.order"].create(
            {
                "session_id": session.id,
                "partner_id": booking.partner_id.id,
                "amount_tax": 0,
                "amount_total": product.lst_price,
                "amount_paid": 0,
                "amount_return": 0,
                "lines": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "qty": 1,
                            "price_unit": product.lst_price,
                            "price_subtotal": product.lst_price,
                            "price_subtotal_incl": product.lst_price,
                            "club_booking_id": booking.id,
                        }
                    )
                ],
            }
        )
    return bookings


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = ensure_company_accounting(env)
        partners, offerings = ensure_members_and_offerings(env, company)
        cr.commit()  # batch: members and offerings are reused by later runs
        total = ensure_bookings(env, company, partners, offerings, args.bookings)
        session = ensure_open_session(env, company)
        admin = env.ref("base.user_admin")
        session = session.with_user(admin).with_company(company)

        say(f"\nBookings in the database: {total:,}")
        with count_queries("club_booking") as queries:
            data = load(session)[1]
        loaded = len(data["club.booking"]["data"])
        say(f"Bookings loaded when the POS opens: {loaded}  (goal: 0)")
        say(f"SQL queries on club_booking while loading: {len(queries)}  (goal: 0)")

        with_addon, without = measure(session, args.runs)
        overhead = with_addon - without
        say(
            f"pos.session.load_data, median of {args.runs}:"
            f" {with_addon * 1000:.0f} ms with the addon,"
            f" {without * 1000:.0f} ms without its additions"
            f" ({overhead * 1000:+.1f} ms, {overhead / without:+.1%};"
            f" goal: within noise)"
        )
        part = measure_bookings_part(session, args.runs)
        say(
            f"  of which club.booking's own loading: {part * 1000:.2f} ms"
            f"  (goal: < 1 ms, no query)"
        )

        member = (
            env["club.booking"]
            .search([("state", "=", "completed")], limit=1)
            .partner_id
        )
        unpaid = env["club.booking"].search_count(
            [
                ("partner_id", "=", member.id),
                ("is_paid", "=", False),
                ("state", "!=", "cancelled"),
            ]
        )
        Booking = env["club.booking"].with_user(admin).with_company(company)
        times = []
        for _ in range(args.runs):
            env.invalidate_all()
            started = time.perf_counter()
            listed = Booking.club_pos_unpaid_bookings(member.id, session.config_id.id)
            times.append(time.perf_counter() - started)
        say(
            f"Unpaid bookings button, member with {unpaid} unpaid bookings:"
            f" {statistics.median(times) * 1000:.1f} ms for"
            f" {len(listed['club.booking'])} listed  (goal: < 100 ms)"
        )

        drafts = add_draft_orders(env, session.sudo(), 3)
        data = load(session)[1]
        ids = sorted(b["id"] for b in data["club.booking"]["data"])
        say(
            f"With {len(drafts)} draft orders paying bookings:"
            f" {len(ids)} bookings loaded,"
            f" {'exactly theirs' if ids == sorted(drafts.ids) else 'NOT theirs'}"
            f"  (goal: {len(drafts)}, theirs)"
        )
        cr.rollback()


if __name__ == "__main__":
    main()

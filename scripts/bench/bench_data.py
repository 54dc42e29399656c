"""Data-filling steps the benchmarks share (plain SQL: the ORM would take hours),
and their timer."""

import statistics
import time

import psycopg2

import odoo

PAID_CREDIT_FOR_EACH_OPEN_BOOKING = """
    WITH b AS (
        SELECT b.id, b.partner_id, o.offering_type FROM club_booking b
          JOIN club_offering o ON o.id = b.offering_id
         WHERE b.state = 'booked' AND b.credit_id IS NULL
    ), c AS (
        INSERT INTO club_session_credit (partner_id, offering_type, state, is_paid,
                                         booking_id, company_id, create_date,
                                         write_date, create_uid, write_uid)
        SELECT partner_id, offering_type, 'available', true, id, %s, now(), now(),
               1, 1 FROM b
        RETURNING id, booking_id
    )
    UPDATE club_booking SET credit_id = c.id, is_paid = true
      FROM c WHERE club_booking.id = c.booking_id
"""


def give_open_bookings_paid_credits(cr, company_id):
    """Every open booking without a credit gets a paid one, as most do in a club."""
    cr.execute(PAID_CREDIT_FOR_EACH_OPEN_BOOKING, [company_id])


def give_bookings_log_groups(cr):
    """Bookings inserted with SQL get the log-off permission of their category,
    as the ORM (and the upgrade's migration) gives it: the addon's one rule."""
    from odoo.addons.club_session_logoff.tools.groups import log_group_update_sql

    cr.execute(log_group_update_sql(only_missing=True))


def club_manager(env, login, **vals):
    """The benchmark's club manager (record rules apply to what it measures),
    created once and kept for the next runs."""
    manager = env["res.users"].search([("login", "=", login)])
    if not manager:
        group = env.ref("club_session_logoff.group_club_manager")
        manager = env["res.users"].create(
            {
                "name": "Bench Manager",
                "login": login,
                "groups_id": [(6, 0, [group.id])],
                **vals,
            }
        )
    return manager


def timed(function, runs):
    """The median and the slowest of ``runs`` calls of ``function``, in ms."""
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), max(durations)


def open_registry(args):
    """The benchmark's database (--config, --database), Odoo's log at warnings."""
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    return odoo.modules.registry.Registry(args.database)


def vacuum(database, *tables):
    """VACUUM ANALYZE (outside a transaction), as autovacuum does in a club's
    database: a measure then starts from clean tables, not from the dead rows
    a fill or a previous step left (a fill that updates every booking once
    doubles a year's report grouping: 423 ms instead of 114)."""
    _dsn, info = odoo.sql_db.connection_info_for(database)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            for table in tables:
                cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


def empty_club_tables(cr, *tables):
    """TRUNCATE ``tables`` (club tables) and the club tables that reference them.
    A plain TRUNCATE ... CASCADE would also empty, whole, every other table that
    references a club table it empties, and what references those in turn:
    invoice lines name their penalty (account_move_line.club_penalty_id), and
    through accounting that reaches the companies. The references of other
    tables to club tables are cleared and their constraints put back as they
    were instead."""
    cr.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, a.attname,
               pg_get_constraintdef(c.oid)
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f'
           AND c.confrelid::regclass::text LIKE 'club\\_%'
           AND c.conrelid::regclass::text NOT LIKE 'club\\_%'
        """
    )
    outside = cr.fetchall()
    for table, name, column, _definition in outside:
        cr.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cr.execute(
            f'UPDATE "{table}" SET "{column}" = NULL WHERE "{column}" IS NOT NULL'
        )
    cr.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    for table, name, _column, definition in outside:
        cr.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

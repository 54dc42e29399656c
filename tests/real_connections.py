"""A test case on real database connections: committed rows and row locks that
other transactions see, as concurrent requests and scheduled runs see them.
What a test commits, it deletes itself at the end (``delete_committed``, or the
test's own clean-up)."""

import time

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase
from odoo.tools import SQL


class RealConnectionCase(TransactionCase):
    # A transaction stuck on a lock fails the test rather than hanging it.
    lock_timeout = "5s"

    def setUp(self):
        super().setUp()
        # The scheduled actions' triggers that bookings committed from now on
        # plan (reminders, waitlist closing, notices) are the test's too.
        self.started = fields.Datetime.now()

    def open_env(self):
        """A superuser environment on a connection of its own."""
        cr = self.registry.cursor()
        cr.execute(f"SET lock_timeout = '{self.lock_timeout}'")
        self.addCleanup(cr.close)
        self.addCleanup(self.reset_connection, cr)
        return api.Environment(cr, SUPERUSER_ID, {})

    def reset_connection(self, cr):
        cr.rollback()
        cr.execute("RESET lock_timeout")
        cr.commit()

    def wait_for_lock(self, pid):
        """Until the backend ``pid`` waits for a lock (at most 10 s).

        :return: the statement it waits in, and whether its transaction wrote
            already
        """
        with self.registry.cursor() as cr:
            for _attempt in range(200):
                cr.execute(
                    "SELECT wait_event_type, query, backend_xid IS NOT NULL "
                    "FROM pg_stat_activity WHERE pid = %s",
                    [pid],
                )
                row = cr.fetchone()
                if row and row[0] == "Lock":
                    return row[1], row[2]
                cr.rollback()
                time.sleep(0.05)
        self.fail("the second transaction never waited for the session's lock")

    def delete_committed(self, session_ids, created):
        """Delete what the test committed: the bookings of ``session_ids``,
        then the rows of ``created`` (``{table: ids}``, in the order they can
        be deleted), with their chatter, and the triggers planned since the
        test started."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COALESCE(array_agg(id), '{}') FROM club_booking "
                "WHERE session_id = ANY(%s)",
                [list(session_ids)],
            )
            for table, ids in {"club_booking": cr.fetchone()[0], **created}.items():
                model = table.replace("_", ".")
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
                cr.execute(
                    "DELETE FROM mail_followers "
                    "WHERE res_model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE id = ANY(%s)",
                        SQL.identifier(table),
                        ids,
                    )
                )
            cr.execute(
                "DELETE FROM ir_cron_trigger WHERE create_date >= %s", [self.started]
            )

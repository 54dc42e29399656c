"""Serialization failures expected under load (issue 16): a request whose
snapshot is older than another one's commit fails to lock the rows and Odoo
runs it again. ``club.booking._lock_rows`` and ``club.penalty._lock_rows`` do
not log that failure as a "bad query" at ERROR (as ``club.session._lock``).
Everything created here is committed, then deleted at the end of the test."""

from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from .real_connections import RealConnectionCase


class TestLockLogging(RealConnectionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create(
                {"name": "Lock Spin", "no_show_fee": 9.0}
            )
            member = env["res.partner"].create({"name": "Lock Member"})
            booking = env["club.booking"].create(
                {
                    "partner_id": member.id,
                    "offering_id": offering.id,
                    "start": fields.Datetime.now() - timedelta(days=900),
                }
            )
            booking._apply_outcome("no_show", source="staff")
            self.created = {
                "club_penalty": booking.penalty_ids.ids,
                "club_booking": booking.ids,
                "club_offering": offering.ids,
                "res_partner": member.ids,
            }
        self.assertEqual(len(self.created["club_penalty"]), 1)
        self.addCleanup(self.delete_created)

    def delete_created(self):
        with self.registry.cursor() as cr:
            for model, table in (
                ("club.penalty", "club_penalty"),
                ("club.booking", "club_booking"),
            ):
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
                    [model, self.created[table]],
                )
                cr.execute(
                    "DELETE FROM mail_followers "
                    "WHERE res_model = %s AND res_id = ANY(%s)",
                    [model, self.created[table]],
                )
            for table, ids in self.created.items():
                cr.execute(
                    SQL("DELETE FROM %s WHERE id = ANY(%s)", SQL.identifier(table), ids)
                )

    def test_expected_serialization_failures_are_not_logged(self):
        for model, table in (
            ("club.booking", "club_booking"),
            ("club.penalty", "club_penalty"),
        ):
            with self.subTest(model=model):
                record_id = self.created[table][0]
                late = self.open_env()
                # Its snapshot is taken now...
                late.cr.execute("SELECT count(*) FROM club_booking")
                # ...before another request changes the row and commits.
                other = self.open_env()
                other.cr.execute(
                    SQL(
                        "UPDATE %s SET write_date = now() at time zone 'UTC' "
                        "WHERE id = %s",
                        SQL.identifier(table),
                        record_id,
                    )
                )
                other.cr.commit()
                with (
                    self.assertNoLogs("odoo.sql_db", "ERROR"),
                    self.assertRaises(errors.SerializationFailure),
                ):
                    late[model].browse(record_id)._lock_rows()
                late.cr.rollback()

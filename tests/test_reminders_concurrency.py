"""Two runs of the reminders at once, on real database connections: the bookings
one run holds are skipped by the other (FOR UPDATE SKIP LOCKED), and what one
committed the other never sends again (club.reminder.sent). Everything created
here is committed, then deleted at the end of the test. The bookings start in
2031 and the runs are frozen a day before: the demo's bookings are not due."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from odoo.addons.club_session_logoff.models.club_reminder_job import DUE_BATCH_SQL

from .real_connections import RealConnectionCase

START = datetime(2031, 6, 2, 9, 0)
NOW = START - timedelta(hours=23)


class TestRemindersConcurrency(RealConnectionCase):
    def setUp(self):
        super().setUp()
        self.created = {}
        self.addCleanup(self.delete_created)
        with self.registry.cursor() as cr, freeze_time(START - timedelta(days=30)):
            env = api.Environment(cr, SUPERUSER_ID, {})
            offering = env["club.offering"].create({"name": "Concurrent Reminder"})
            members = env["res.partner"].create(
                [
                    {"name": f"Reminded {i}", "email": f"reminded{i}@example.com"}
                    for i in range(3)
                ]
            )
            session = env["club.session"].create(
                {"offering_id": offering.id, "start": START}
            )
            bookings = (
                env["club.booking"]
                .with_context(club_no_booking_mail=True)
                .create(
                    [{"partner_id": m.id, "session_id": session.id} for m in members]
                )
            )
            env.flush_all()
            cr.execute(
                SQL(
                    "UPDATE club_booking SET create_date = %s WHERE id = ANY(%s)",
                    START - timedelta(days=30),
                    bookings.ids,
                )
            )
            self.company = env.company.id
            self.created = {
                "club_booking": bookings.ids,
                "club_session": session.ids,
                "club_offering": offering.ids,
                "res_partner": members.ids,
            }

    def delete_created(self):
        if not self.created:
            return
        with self.registry.cursor() as cr:
            ids = self.created["club_booking"]
            cr.execute(
                "DELETE FROM club_reminder_sent WHERE booking_id = ANY(%s)", [ids]
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'club.booking' "
                "AND res_id = ANY(%s)",
                [ids],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'club.booking' "
                "AND res_id = ANY(%s)",
                [ids],
            )
            for table in (
                "club_booking",
                "club_session",
                "club_offering",
                "res_partner",
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE id = ANY(%s)",
                        SQL.identifier(table),
                        self.created[table],
                    )
                )

    def reminder_mails(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT res_id, count(*) FROM mail_message "
                "WHERE model = 'club.booking' AND res_id = ANY(%s) "
                "AND subject LIKE 'Reminder:%%' GROUP BY res_id",
                [self.created["club_booking"]],
            )
            return dict(cr.fetchall())

    def test_two_runs_at_once_send_each_reminder_once(self):
        first, second = self.open_env(), self.open_env()
        company = first["res.company"].browse(self.company)
        with freeze_time(NOW):
            now = fields.Datetime.now()
            # The first run takes the bookings (locked) and queues their
            # reminders, not committed yet.
            first.cr.execute(
                SQL(DUE_BATCH_SQL, now=now, company=self.company, limit=500)
            )
            due = [
                row
                for row in first.cr.fetchall()
                if row[0] in self.created["club_booking"]
            ]
            self.assertEqual(len(due), 3)
            job = first["club.reminder.job"].with_company(company)
            self.assertEqual(job._remind(due, now), (3, 3))
            # The second run meanwhile: the bookings are locked, it skips them.
            summary = second["club.reminder.job"]._run(
                companies=second["res.company"].browse(self.company)
            )
            self.assertEqual(summary["mailed"], 0)
            self.assertEqual(summary["failed"], 0)
            first.cr.commit()
            # Run again after the first committed: nothing is due any more.
            summary = second["club.reminder.job"]._run(
                companies=second["res.company"].browse(self.company)
            )
            self.assertEqual(summary["mailed"], 0)
        mails = self.reminder_mails()
        self.assertEqual(set(mails), set(self.created["club_booking"]))
        self.assertEqual(set(mails.values()), {1})

"""What a booking made in the member portal tells, sent after its transaction:
the chatter line saying it was made (the member follows the booking, as the
creator of a record does) and, for a seat, the confirmation mail with the
session for the calendar.

Why later: members booking the same session are served one at a time, the
session's row locked from the seat count to the commit (``club.session._lock``):
whatever the booking's transaction does after counting, every member behind
waits for. The chatter line and the confirmation (its template rendered in the
member's language, its .ics) were most of that time: at the hour a timetable
opens, 100 members booking one session waited 8.5 s for the last one
(docs/deployment.md). So the portal's Book takes the seat and queues a row
here in the same transaction (either both are committed or neither), and the
scheduled action ``ir_cron_club_booking_notices``, triggered once the booking
is committed (the cron worker runs it within a minute), sends
what is queued in batches: a batch takes its rows with ``FOR UPDATE SKIP
LOCKED`` (two runs at once share them) and deletes them in the transaction that
sends them, so a row is sent once, and a killed run leaves its batch to the
next. Batches, commits and failures per company: ``club.batch.job``."""

import logging
from collections import defaultdict
from functools import partial

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry
from odoo.tools import SQL

from .club_booking_calendar import CONFIRMED_TEMPLATE, NO_MAIL_CONTEXT

_logger = logging.getLogger(__name__)

NOTICES_CRON = "club_session_logoff.ir_cron_club_booking_notices"
# Notices per batch (one transaction).
BATCH_NOTICES = 200


def wake_sender(dbname):
    """Trigger the scheduled action that sends the notices (after a commit).

    A trigger row, without ``ir.cron._trigger``'s NOTIFY: that one opens a new
    connection to the ``postgres`` database at each call (Odoo keeps none of
    those), a cost every booking of a rush would pay. The cron worker finds the
    trigger at its next wake-up (a minute at most); the confirmation mail then
    waits for Odoo's mail queue anyway."""
    with Registry(dbname).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref(NOTICES_CRON, raise_if_not_found=False)
        if cron:
            env["ir.cron.trigger"].create(
                {"cron_id": cron.id, "call_at": fields.Datetime.now()}
            )


class ClubBookingNotice(models.Model):
    _name = "club.booking.notice"
    _inherit = ["club.batch.job"]
    _description = "Booking Notice to Send"
    _order = "id"

    booking_id = fields.Many2one(
        "club.booking", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users",
        string="Booked By",
        required=True,
        ondelete="cascade",
        help="Who made the booking: the author of its chatter line, and a "
        "follower of it.",
    )
    confirm = fields.Boolean(
        string="Confirmation",
        help="The booking took a seat: its member gets the confirmation mail. A "
        "waitlisted one is told when promoted (the promotion's mail).",
    )

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------
    @api.model
    def _queue(self, bookings):
        """Queue the notices of ``bookings``, just made by the current user,
        and wake the scheduled action that sends them."""
        if not bookings:
            return self.browse()
        no_mail = self.env.context.get(NO_MAIL_CONTEXT)
        notices = self.sudo().create(
            [
                {
                    "booking_id": booking.id,
                    "company_id": booking.company_id.id,
                    "user_id": self.env.uid,
                    "confirm": booking.state == "booked" and not no_mail,
                }
                for booking in bookings
            ]
        )
        # Woken once the notices are committed, not before: a run that started
        # meanwhile deletes the triggers created before it started, and might
        # not have seen these notices (the hourly run would send them).
        self.env.cr.postcommit.add(partial(wake_sender, self.env.cr.dbname))
        return notices

    # ------------------------------------------------------------------
    # Sending (the scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _run_cron(self):
        summary = self._run()
        self.env["ir.cron"]._notify_progress(
            done=summary["sent"], remaining=summary["remaining"]
        )
        return summary

    @api.model
    def _run(self, companies=None, time_budget=None):
        """Send the queued notices of ``companies`` (default: every company
        with some), each company on its own.

        :return: ``sent`` (notices), ``confirmed`` (confirmation mails),
            ``remaining`` (left by the time budget) and ``failed`` (companies)
        """
        if companies is None:
            self.flush_model(["company_id"])
            self.env.cr.execute(
                "SELECT DISTINCT company_id FROM club_booking_notice ORDER BY 1"
            )
            companies = self.env["res.company"].browse(
                [row[0] for row in self.env.cr.fetchall()]
            )
        return self._run_companies(companies, time_budget=time_budget)

    @api.model
    def _job_logger(self):
        return _logger

    @api.model
    def _summary_keys(self):
        return ("sent", "confirmed", "remaining")

    def _company_steps(self, company):
        job = self._for_company(company, company._club_tz())

        def batch():
            job.env.cr.execute(
                SQL(
                    "SELECT id FROM club_booking_notice WHERE company_id = %s "
                    "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    company.id,
                    BATCH_NOTICES,
                ),
                log_exceptions=False,
            )
            notices = job.browse([row[0] for row in job.env.cr.fetchall()])
            if not notices:
                return {}, False
            confirmed = notices._send()
            notices.unlink()
            job.env.flush_all()
            counts = {"sent": len(notices), "confirmed": len(confirmed)}
            return counts, len(notices) == BATCH_NOTICES

        def remaining():
            return job._count(
                SQL(
                    "SELECT count(*) FROM club_booking_notice WHERE company_id = %s",
                    company.id,
                )
            )

        return job, [("notices", batch, remaining)]

    def _send(self):
        """The chatter lines and follows of these notices' bookings, and the
        confirmations still true (the booking is booked and to come).

        :return: the bookings whose member was mailed a confirmation
        """
        by_user = defaultdict(lambda: self.env["club.booking"])
        for notice in self:
            by_user[notice.user_id] |= notice.booking_id
        Followers = self.env["mail.followers"]
        for user, bookings in by_user.items():
            # What mail.thread does when a user creates a record.
            bookings._message_log_batch(
                bodies={
                    booking.id: booking._creation_message() for booking in bookings
                },
                author_id=user.partner_id.id,
            )
            if user.active:
                Followers._insert_followers(
                    "club.booking",
                    bookings.ids,
                    user.partner_id.ids,
                    subtypes=None,
                    customer_ids=[],
                    check_existing=True,
                    existing_policy="skip",
                )
        now = fields.Datetime.now()
        # Cancelled meanwhile (or the session started): nothing to confirm.
        seats = self.filtered("confirm").booking_id.filtered(
            lambda b: b.state == "booked" and b.session_id and b.start > now
        )
        return seats._send_member_mail(CONFIRMED_TEMPLATE)

"""A booking made in the portal tells later (club.booking.notice): its chatter
line and confirmation are queued in the booking's transaction and sent by a
scheduled action after it, once; staff bookings still tell at once."""

from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.club_session_logoff.models import club_booking_notice

from .batch_commits import SimulatedCommitsMixin
from .portal_common import PortalCase

# A Tuesday, 10:00 UTC.
NOW = datetime(2026, 3, 10, 10, 0, 0)
CONFIRMED = "Booked:"


@freeze_time(NOW)
class TestBookingNotices(SimulatedCommitsMixin, PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member.email = "mia@example.com"
        cls.other_member.email = "otto@example.com"

    def setUp(self):
        super().setUp()
        self.simulate_batch_commits("club.booking.notice")
        self.Notice = self.env["club.booking.notice"]

    def confirmations(self, booking):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "club.booking"),
                ("res_id", "=", booking.id),
                ("subject", "like", CONFIRMED),
            ]
        )

    def creation_lines(self, booking):
        return booking.sudo().message_ids.filtered(
            lambda m: booking._creation_message() in (m.body or "")
        )

    def book(self, session, user=None):
        return session.with_user(user or self.mia)._book_as_member().sudo()

    def test_portal_booking_tells_after_its_transaction(self):
        self.give_credit()
        with patch.object(club_booking_notice, "wake_sender") as wake:
            booking = self.book(self.session_in(self.days(1)))
            self.assertEqual(booking.state, "booked")
            # Nothing told yet: queued, and the scheduled action woken once
            # the booking is committed (a run that started meanwhile has not
            # seen it).
            self.assertFalse(self.confirmations(booking))
            self.assertFalse(self.creation_lines(booking))
            notice = self.Notice.search([("booking_id", "=", booking.id)])
            self.assertRecordValues(
                notice,
                [
                    {
                        "user_id": self.mia.id,
                        "confirm": True,
                        "company_id": self.company.id,
                    }
                ],
            )
            wake.assert_not_called()
            self.env.cr.postcommit.run()
            wake.assert_called_once_with(self.env.cr.dbname)

        summary = self.Notice._run()
        self.assertEqual((summary["sent"], summary["confirmed"]), (1, 1))
        mail = self.confirmations(booking)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.member)
        self.assertTrue(mail.attachment_ids.filtered(lambda a: a.name.endswith(".ics")))
        # The chatter line of a record created by the member, who follows it.
        line = self.creation_lines(booking)
        self.assertEqual(line.author_id, self.member)
        self.assertIn(self.member, booking.message_partner_ids)
        self.assertFalse(self.Notice.search([]))

        # Once: a second run sends nothing.
        summary = self.Notice._run()
        self.assertEqual(summary["sent"], 0)
        self.assertEqual(len(self.confirmations(booking)), 1)
        self.assertEqual(len(self.creation_lines(booking)), 1)

    def test_waitlisted_gets_its_chatter_line_and_no_confirmation(self):
        self.give_credit()
        self.give_credit(partner=self.other_member)
        session = self.session_in(self.days(1), capacity=1)
        self.book(session, self.otto)
        waiting = self.book(session)
        self.assertEqual(waiting.state, "waitlisted")
        self.Notice._run()
        self.assertTrue(self.creation_lines(waiting))
        self.assertFalse(self.confirmations(waiting))

    def test_no_confirmation_once_cancelled(self):
        self.give_credit()
        booking = self.book(self.session_in(self.days(3)))
        booking.with_user(self.mia)._cancel_as_member()
        self.Notice._run()
        self.assertFalse(self.confirmations(booking))
        self.assertTrue(self.creation_lines(booking))

    def test_promoted_meanwhile_gets_the_promotion_mail_only(self):
        self.give_credit()
        self.give_credit(partner=self.other_member)
        session = self.session_in(self.days(1), capacity=1)
        first = self.book(session, self.otto)
        waiting = self.book(session)
        first.with_user(self.otto)._cancel_as_member()
        self.assertEqual(waiting.state, "booked")
        self.Notice._run()
        self.assertFalse(self.confirmations(waiting))

    def test_staff_booking_tells_at_once(self):
        booking = self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "session_id": self.session_in(self.days(1)).id,
            }
        )
        self.assertEqual(len(self.confirmations(booking)), 1)
        self.assertTrue(self.creation_lines(booking))
        self.assertFalse(self.Notice.search([]))

    def test_a_failing_club_keeps_its_notices_the_others_are_sent(self):
        self.give_credit()
        self.give_credit(partner=self.other_member)
        booking = self.book(self.session_in(self.days(1)))
        stranger = self.book(self.session_in(self.days(2)), self.otto)
        # Say the second notice is another club's, whose sending fails.
        other = self.env["res.company"].create({"name": "Other Club"})
        self.Notice.search([("booking_id", "=", stranger.id)]).company_id = other
        send = type(self.Notice)._send

        def failing_send(notices):
            if notices.company_id == other:
                raise ValueError("the other club's mail server is down")
            return send(notices)

        with (
            patch.object(type(self.Notice), "_send", failing_send),
            self.assertLogs(
                "odoo.addons.club_session_logoff.models.club_booking_notice", "ERROR"
            ),
        ):
            summary = self.Notice._run()
        self.assertEqual((summary["sent"], summary["failed"]), (1, 1))
        self.assertEqual(len(self.confirmations(booking)), 1)
        self.assertEqual(self.Notice.search([]).company_id, other)

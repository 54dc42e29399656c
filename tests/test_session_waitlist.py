"""Scheduled sessions: capacity, the waitlist (order, promotion, closing at the
start), Cancel Session, and who may do what."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user

from .kiosk_common import NOW, KioskCase
from .test_session import SessionCase

CLOSE_CRON = "club_session_logoff.ir_cron_club_close_waitlists"


class WaitlistCase(SessionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member.email = "mia@example.com"
        cls.other_member.email = "otto@example.com"
        cls.ann, cls.ben, cls.cleo = cls.env["res.partner"].create(
            [
                {"name": name, "email": f"{name.split()[0].lower()}@example.com"}
                for name in ("Ann Early", "Ben Second", "Cleo Third")
            ]
        )
        cls.cashier = new_test_user(
            cls.env,
            login="club_session_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )

    def future(self, capacity=2, hours=24, **vals):
        """A session tomorrow (by default) with ``capacity`` seats."""
        return self.session(hours_ago=-hours, capacity=capacity, **vals)

    def book_in(self, session, partner, user=None, **vals):
        return (
            self.env["club.booking"]
            .with_user(user or self.desk)
            .create({"partner_id": partner.id, "session_id": session.id, **vals})
        )

    def waitlist(self, session, partner, user=None):
        return self.book_in(session, partner, user=user, state="waitlisted")

    def queued_mails(self, booking):
        return self.env["mail.mail"].search(
            [("model", "=", "club.booking"), ("res_id", "=", booking.id)]
        )

    @staticmethod
    def chatter(record):
        return "\n".join(str(body) for body in record.message_ids.mapped("body"))

    def bookings_of(self, session):
        return self.env["club.booking"].search([("session_id", "=", session.id)])


class TestCapacity(WaitlistCase):
    def test_a_full_session_refuses_a_booking_and_offers_the_waitlist(self):
        session = self.future(capacity=2)
        self.book_in(session, self.ann)
        self.book_in(session, self.ben)
        self.assertEqual(session.seats_taken, 2)
        self.assertEqual(session.seats_available, 0)
        with self.assertRaisesRegex(
            UserError,
            r"is full: 2 of 2 seats are taken\. Put Cleo Third on its waitlist",
        ):
            self.book_in(session, self.cleo)
        self.assertEqual(len(self.bookings_of(session)), 2)

        credit = self.credit(partner=self.cleo)
        waiting = self.waitlist(session, self.cleo)
        self.assertEqual(waiting.state, "waitlisted")
        self.assertTrue(waiting.waitlist_date)
        self.assertFalse(waiting.credit_id, "a waitlisted booking holds no credit")
        self.assertEqual(credit.state, "available")
        self.assertFalse(credit.booking_id)
        self.assertEqual(session.seats_taken, 2)
        self.assertEqual(session.waitlist_count, 1)
        self.assertEqual(waiting.offering_id, session.offering_id)
        self.assertEqual(waiting.start, session.start)

    def test_a_session_without_limit_takes_everyone(self):
        session = self.future(capacity=0)
        for partner in (self.ann, self.ben, self.cleo, self.member):
            self.book_in(session, partner)
        self.assertEqual(session.seats_taken, 4)
        self.assertEqual(session.waitlist_count, 0)

    def test_one_batch_cannot_overbook(self):
        session = self.future(capacity=2)
        with self.assertRaisesRegex(UserError, "is full"):
            self.env["club.booking"].with_user(self.desk).create(
                [
                    {"partner_id": partner.id, "session_id": session.id}
                    for partner in (self.ann, self.ben, self.cleo)
                ]
            )
        self.assertFalse(self.bookings_of(session))

    def test_the_same_member_twice_in_a_session_is_refused(self):
        session = self.future(capacity=1)
        first = self.book_in(session, self.ann)
        with self.assertRaisesRegex(UserError, "Ann Early is already in"):
            self.book_in(session, self.ann)
        with self.assertRaisesRegex(UserError, "Ann Early is already in"):
            self.waitlist(session, self.ann)
        self.waitlist(session, self.ben)
        with self.assertRaisesRegex(UserError, "Ben Second is already in"):
            self.waitlist(session, self.ben)
        # Twice in one call, too.
        other = self.future(capacity=5, hours=48)
        with self.assertRaisesRegex(UserError, "Cleo Third is already in"):
            self.env["club.booking"].with_user(self.desk).create(
                [{"partner_id": self.cleo.id, "session_id": other.id}] * 2
            )
        # Another member's booking given to Ann: refused as well.
        booking = self.book_in(other, self.cleo)
        self.book_in(other, self.ann)
        with self.assertRaisesRegex(UserError, "Ann Early is already in"):
            booking.with_user(self.desk).write({"partner_id": self.ann.id})
        self.assertEqual(booking.partner_id, self.cleo)
        # A cancelled booking does not count: Ann books again.
        first.with_user(self.desk).action_cancel()
        again = self.waitlist(session, self.ann)
        self.assertEqual(again.state, "waitlisted")

    def test_moving_a_booking_into_a_full_session_is_refused(self):
        full = self.future(capacity=1)
        self.book_in(full, self.ann)
        loose = self.book(partner=self.ben, hours_ago=-24)
        with self.assertRaisesRegex(UserError, "is full"):
            loose.with_user(self.desk).write({"session_id": full.id})
        self.assertFalse(loose.session_id)
        other = self.future(capacity=1, hours=48)
        loose.with_user(self.desk).write({"session_id": other.id})
        self.assertEqual(loose.start, other.start)
        self.assertEqual(other.seats_taken, 1)

    def test_a_waitlisted_booking_stays_in_its_session(self):
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        waiting = self.waitlist(session, self.ben)
        other = self.future(capacity=3, hours=48)
        with self.assertRaisesRegex(UserError, "waits for a seat in its own session"):
            waiting.with_user(self.desk).write({"session_id": other.id})
        with self.assertRaisesRegex(UserError, "waits for a seat in its own session"):
            waiting.with_user(self.desk).write({"session_id": False})
        self.assertEqual(waiting.session_id, session)

    def test_only_a_booking_in_a_session_waits_for_a_seat(self):
        with self.assertRaises(AccessError):
            self.env["club.booking"].with_user(self.desk).create(
                {
                    "partner_id": self.ann.id,
                    "offering_id": self.spinning.id,
                    "start": self.now + timedelta(days=1),
                    "state": "waitlisted",
                }
            )
        with self.assertRaisesRegex(ValidationError, "only a booking in a session"):
            self.env["club.booking"].create(
                {
                    "partner_id": self.ann.id,
                    "offering_id": self.spinning.id,
                    "start": self.now + timedelta(days=1),
                    "state": "waitlisted",
                }
            )

    def test_staff_cannot_set_the_waitlist_order(self):
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        with self.assertRaises(AccessError):
            self.book_in(
                session,
                self.ben,
                state="waitlisted",
                waitlist_date=self.now - timedelta(days=30),
            )
        waiting = self.waitlist(session, self.ben)
        with self.assertRaises(AccessError):
            waiting.with_user(self.desk).write(
                {"waitlist_date": self.now - timedelta(days=30)}
            )

    def test_the_waitlist_of_a_started_session_is_closed(self):
        session = self.session(hours_ago=0.25, capacity=1)
        self.book_in(session, self.ann)
        with self.assertRaisesRegex(UserError, "has started: its waitlist is closed"):
            self.waitlist(session, self.ben)


class TestPromotion(WaitlistCase):
    def test_a_cancellation_gives_the_seat_to_the_first_request(self):
        session = self.future(capacity=1)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        cleo = self.waitlist(session, self.cleo)
        # Cleo asked first (request time, not the record's id, makes the order).
        cleo.sudo().waitlist_date = ben.waitlist_date - timedelta(minutes=5)
        credit = self.credit(partner=self.cleo)
        self.credit(partner=self.cleo, paid=False)

        seated.with_user(self.desk).action_cancel()

        self.assertEqual(cleo.state, "booked")
        self.assertEqual(cleo.credit_id, credit, "the member's best credit: paid")
        self.assertEqual(credit.booking_id, cleo)
        self.assertEqual(ben.state, "waitlisted")
        self.assertEqual(session.seats_taken, 1)
        self.assertEqual(session.waitlist_count, 1)
        self.assertIn("promoted from the waitlist", self.chatter(cleo))
        self.assertIn(f"Session credit #{credit.id} reserved", self.chatter(cleo))
        self.assertIn("The member was told by e-mail", self.chatter(cleo))
        mail = self.queued_mails(cleo)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.cleo)
        self.assertIn("You have a seat: Spinning", mail.subject)
        self.assertIn("you are now booked", str(mail.body_html))
        self.assertFalse(self.queued_mails(ben))

    def test_a_late_cancel_promotes_the_waitlist_too(self):
        self.spinning.late_cancel_hours = 48
        session = self.future(capacity=1)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        seated.with_user(self.desk).cancel_booking()
        self.assertEqual(seated.state, "late_cancel")
        self.assertEqual(ben.state, "booked")
        self.assertEqual(len(self.queued_mails(ben)), 1)
        # Leaving the waitlist is never a late cancel.
        cleo = self.waitlist(session, self.cleo)
        cleo.with_user(self.desk).cancel_booking()
        self.assertEqual(cleo.state, "cancelled")

    def test_a_larger_capacity_promotes_several_in_order(self):
        session = self.future(capacity=1)
        self.book_in(session, self.member)
        waiting = [self.waitlist(session, p) for p in (self.ann, self.ben, self.cleo)]
        session.with_user(self.desk).write({"capacity": 3})
        self.assertEqual([b.state for b in waiting], ["booked", "booked", "waitlisted"])
        self.assertEqual(session.seats_available, 0)
        self.assertEqual(len(self.queued_mails(waiting[0])), 1)
        self.assertEqual(len(self.queued_mails(waiting[1])), 1)
        # No limit any more: everybody gets a seat.
        session.with_user(self.desk).write({"capacity": 0})
        self.assertEqual(waiting[2].state, "booked")
        self.assertEqual(session.waitlist_count, 0)

    def test_a_member_without_email_is_promoted_all_the_same(self):
        session = self.future(capacity=1)
        seated = self.book_in(session, self.ann)
        self.ben.email = False
        ben = self.waitlist(session, self.ben)
        seated.with_user(self.desk).action_cancel()
        self.assertEqual(ben.state, "booked")
        self.assertFalse(self.queued_mails(ben))
        self.assertIn("no e-mail address", self.chatter(ben))

    def test_a_seat_left_when_waitlisting_is_taken_at_once(self):
        session = self.future(capacity=2)
        self.book_in(session, self.ann)
        booking = self.waitlist(session, self.ben)
        self.assertEqual(booking.state, "booked")
        self.assertEqual(session.seats_taken, 2)

    def test_a_seat_freed_by_moving_or_deleting_a_booking(self):
        session = self.future(capacity=1)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        cleo = self.waitlist(session, self.cleo)
        seated.with_user(self.desk).write({"session_id": False})
        self.assertEqual(ben.state, "booked")
        ben.with_user(self.manager).unlink()
        self.assertEqual(cleo.state, "booked")

    def test_no_promotion_once_the_session_started(self):
        session = self.future(capacity=1, hours=1)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        with freeze_time(session.start + timedelta(minutes=5)):
            seated.with_user(self.desk).action_cancel()
            session.with_user(self.desk).write({"capacity": 5})
        self.assertEqual(ben.state, "waitlisted")
        self.assertFalse(self.queued_mails(ben))

    def test_a_waitlisted_booking_is_cancelled_not_logged(self):
        session = self.future(capacity=1, hours=1)
        self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        with freeze_time(session.start + timedelta(minutes=5)):
            with self.assertRaisesRegex(UserError, "Waitlisted bookings have no seat"):
                ben.with_user(self.manager).log_booking("completed")
            self.assertFalse(ben.to_log)
            ben.with_user(self.desk).action_cancel()
        self.assertEqual(ben.state, "cancelled")
        self.assertFalse(ben.credit_id)

    def test_reopening_a_cancelled_booking_needs_a_seat(self):
        session = self.future(capacity=1)
        ann = self.book_in(session, self.ann)
        ann.with_user(self.desk).action_cancel()
        self.book_in(session, self.ben)
        with self.assertRaisesRegex(UserError, "is full"):
            ann.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(ann.state, "cancelled")
        session.with_user(self.desk).write({"capacity": 2})
        ann.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(ann.state, "booked")
        cleo = self.waitlist(session, self.cleo)
        with self.assertRaisesRegex(UserError, "open already"):
            cleo.with_user(self.manager).action_reset_to_booked()


class TestWaitlistClosing(WaitlistCase):
    def test_the_waitlist_closes_when_the_session_starts(self):
        session = self.future(capacity=1, hours=3)
        self.book_in(session, self.ann)
        credit = self.credit(partner=self.ben)
        ben = self.waitlist(session, self.ben)
        cron = self.env.ref(CLOSE_CRON)
        self.assertIn(
            session.start,
            self.env["ir.cron.trigger"]
            .search([("cron_id", "=", cron.id)])
            .mapped("call_at"),
            "the waitlist closes at the session's start",
        )
        Session = self.env["club.session"]
        with freeze_time(session.start - timedelta(minutes=1)):
            Session._cron_close_waitlists()
        self.assertEqual(ben.state, "waitlisted")
        with freeze_time(session.start + timedelta(minutes=1)):
            Session._cron_close_waitlists()
        self.assertEqual(ben.state, "cancelled")
        self.assertEqual(ben.log_source, "auto")
        self.assertIn("Waitlist closed", ben.log_note)
        self.assertIn("Waitlist closed", self.chatter(ben))
        self.assertEqual(credit.state, "available", "no credit moved, no penalty")
        self.assertFalse(credit.booking_id)
        self.assertFalse(ben.credit_id)
        self.assertEqual(session.waitlist_count, 0)

    def test_moving_the_session_moves_the_closing(self):
        session = self.future(capacity=1, hours=3)
        self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        later = session.start + timedelta(days=1)
        session.with_user(self.desk).write({"start": later})
        self.assertEqual(ben.start, later)
        cron = self.env.ref(CLOSE_CRON)
        self.assertIn(
            later,
            self.env["ir.cron.trigger"]
            .search([("cron_id", "=", cron.id)])
            .mapped("call_at"),
        )


class TestCancelSession(WaitlistCase):
    def test_cancel_session(self):
        session = self.future(capacity=2)
        credit = self.credit(partner=self.ann)
        ann = self.book_in(session, self.ann)
        ben = self.book_in(session, self.ben)
        cleo = self.waitlist(session, self.cleo)
        self.assertEqual(ann.credit_id, credit)
        other = self.future(capacity=2, hours=48)
        untouched = self.book_in(other, self.ann)

        self.assertIs(session.with_user(self.desk).action_cancel_session(), True)

        self.assertEqual(session.state, "cancelled")
        self.assertTrue(session.is_cancelled)
        self.assertEqual({ann.state, ben.state, cleo.state}, {"cancelled"})
        self.assertFalse(ann.credit_id)
        self.assertEqual(credit.state, "available", "the credit is given back")
        self.assertFalse(credit.booking_id)
        self.assertIn("cancelled the session", ann.log_note)
        for booking in (ann, ben, cleo):
            # Besides the confirmation of the booking (test_calendar.py).
            mail = self.queued_mails(booking).filtered(
                lambda m: not m.subject.startswith("Booked:")
            )
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.recipient_ids, booking.partner_id)
            self.assertEqual(mail.state, "outgoing")
            self.assertIn("Cancelled: Spinning", mail.subject)
        body = self.chatter(session)
        self.assertIn("3 bookings cancelled (1 of them waitlisted)", body)
        self.assertIn("1 session credits given back", body)
        self.assertIn("3 members told by e-mail", body)
        self.assertEqual(untouched.state, "booked")
        self.assertEqual(other.state, "scheduled")

        # A cancelled session takes no new booking, waitlisted or not.
        with self.assertRaisesRegex(UserError, "is cancelled: it takes no booking"):
            self.book_in(session, self.member)
        with self.assertRaisesRegex(UserError, "is cancelled: it takes no booking"):
            self.waitlist(session, self.member)
        with self.assertRaisesRegex(UserError, "is cancelled"):
            ann.with_user(self.manager).action_reset_to_booked()
        with self.assertRaisesRegex(UserError, "Already cancelled"):
            session.with_user(self.desk).action_cancel_session()

    def test_members_without_email_are_named_in_the_chatter(self):
        session = self.future(capacity=2)
        self.ben.email = False
        self.book_in(session, self.ann)
        ben = self.book_in(session, self.ben)
        session.with_user(self.desk).action_cancel_session()
        self.assertFalse(self.queued_mails(ben))
        self.assertIn("No e-mail address, tell them: Ben Second", self.chatter(session))

    def test_a_session_that_took_place_is_not_cancelled(self):
        # Still on (a session that ended takes no new booking).
        session = self.session(hours_ago=0.5, capacity=2)
        done = self.book_in(session, self.ann)
        done.with_user(self.manager).log_booking("completed")
        open_one = self.book_in(session, self.ben)
        with self.assertRaisesRegex(UserError, "took place"):
            session.with_user(self.desk).action_cancel_session()
        self.assertFalse(session.is_cancelled)
        self.assertEqual(open_one.state, "booked")
        self.assertFalse(self.queued_mails(open_one))

    def test_a_started_session_nobody_logged_can_be_cancelled(self):
        # The trainer did not come: the members get their credits back.
        session = self.session(hours_ago=0.5, capacity=2)
        credit = self.credit(partner=self.ann)
        ann = self.book_in(session, self.ann)
        session.with_user(self.desk).action_cancel_session()
        self.assertEqual(ann.state, "cancelled")
        self.assertEqual(credit.state, "available")


class TestSessionPermissions(WaitlistCase):
    def test_viewers_and_cashiers_cannot_book_waitlist_or_cancel(self):
        session = self.future(capacity=1)
        seated = self.book_in(session, self.ann)
        waiting = self.waitlist(session, self.ben)
        for user in (self.viewer, self.cashier, self.loggers["class_session"]):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.book_in(session, self.cleo, user=user)
                with self.assertRaises(AccessError):
                    self.waitlist(session, self.cleo, user=user)
                with self.assertRaises(AccessError):
                    session.with_user(user).action_cancel_session()
                with self.assertRaises(AccessError):
                    session.with_user(user).action_add_to_waitlist()
                # Promoting: more seats, or a freed one.
                with self.assertRaises(AccessError):
                    session.with_user(user).write({"capacity": 5})
                with self.assertRaises(AccessError):
                    seated.with_user(user).action_cancel()
        self.assertEqual(waiting.state, "waitlisted")
        self.assertFalse(session.is_cancelled)
        self.assertEqual(session.capacity, 1)

    def test_only_cancel_session_cancels_a_session(self):
        session = self.future(capacity=1)
        with self.assertRaises(AccessError):
            session.with_user(self.desk).write({"is_cancelled": True})
        with self.assertRaises(AccessError):
            self.env["club.session"].with_user(self.desk).create(
                {
                    "offering_id": self.spinning.id,
                    "start": self.now + timedelta(days=3),
                    "is_cancelled": True,
                }
            )
        self.assertFalse(session.is_cancelled)

    def test_other_companies_sessions_are_out_of_reach(self):
        other = self.env["res.company"].create({"name": "Other Club"})
        offering = self.env["club.offering"].create(
            {"name": "Boxing", "offering_type": "class", "company_id": other.id}
        )
        theirs = self.env["club.session"].create(
            {
                "offering_id": offering.id,
                "start": self.now + timedelta(days=1),
                "capacity": 5,
            }
        )
        self.assertEqual(self.desk.company_ids, self.company)
        self.assertFalse(
            self.env["club.session"]
            .with_user(self.desk)
            .search([("id", "=", theirs.id)])
        )
        with self.assertRaises(AccessError):
            self.book_in(theirs, self.ann)
        with self.assertRaises(AccessError):
            self.waitlist(theirs, self.ann)
        with self.assertRaises(AccessError):
            theirs.with_user(self.desk).action_cancel_session()
        # One of ours with one of theirs: all or nothing.
        ours = self.future(capacity=2)
        with self.assertRaises(AccessError):
            (ours | theirs).with_user(self.desk).action_cancel_session()
        self.assertFalse(ours.is_cancelled or theirs.is_cancelled)
        self.assertFalse(self.bookings_of(theirs))

    def test_bad_ids(self):
        Booking = self.env["club.booking"].with_user(self.desk)
        for bad in (2**31 - 1, -3, "1", 1.5, [1]):
            with self.subTest(session_id=bad), self.assertRaises(UserError):
                Booking.create({"partner_id": self.ann.id, "session_id": bad})
        session = self.future(capacity=1)
        missing = self.env["club.session"].browse(2**31 - 1)
        with self.assertRaises(UserError):
            missing.with_user(self.desk).action_cancel_session()
        with self.assertRaises(UserError):
            (session | missing).with_user(self.desk).action_cancel_session()
        self.assertFalse(session.is_cancelled)
        # No ids: nothing to do.
        self.assertIs(
            self.env["club.session"].with_user(self.desk).action_cancel_session(),
            True,
        )

    def test_add_to_waitlist_wizard(self):
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        action = session.with_user(self.desk).action_add_to_waitlist()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.desk)
            .with_context(action["context"])
            .create({"partner_id": self.ben.id})
        )
        self.assertEqual(wizard.session_id, session)
        wizard.action_add()
        booking = self.bookings_of(session).filtered(lambda b: b.partner_id == self.ben)
        self.assertEqual(booking.state, "waitlisted")
        with self.assertRaises(AccessError):
            self.env[action["res_model"]].with_user(self.viewer).create(
                {"session_id": session.id, "partner_id": self.cleo.id}
            )


class TestWaitlistedElsewhere(WaitlistCase):
    """A waitlisted booking has no seat: not to log, not auto-logged, not in the
    POS's unpaid list (tests/test_pos.py), not at the kiosk
    (tests/test_kiosk.py), but in the member's open bookings."""

    def test_not_in_log_sessions(self):
        session = self.future(capacity=1, hours=1)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        with freeze_time(session.start + timedelta(minutes=10)):
            to_log = self.env["club.booking"].search(
                [("to_log", "=", True), ("session_id", "=", session.id)]
            )
            self.assertEqual(to_log, seated)
            self.assertFalse(ben.to_log)

    def test_never_auto_logged(self):
        self.patch(
            type(self.env["club.unlogged.job"]),
            "_commit_batch",
            lambda job: job.env.flush_all(),
        )
        self.company.write(
            {"club_unlogged_action": "complete", "club_unlogged_days": 1}
        )
        session = self.future(capacity=1, hours=1)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        with freeze_time(session.start + timedelta(days=3)):
            self.env["club.booking"]._cron_process_unlogged_bookings()
        self.assertEqual(seated.state, "completed")
        self.assertEqual(ben.state, "waitlisted", "closed by its own action only")

    def test_in_the_members_open_bookings(self):
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        self.ben.invalidate_recordset()
        self.assertIn(ben, self.ben.club_open_booking_ids)
        self.assertEqual(self.ben.club_open_booking_count, 1)
        ben.with_user(self.desk).action_cancel()
        self.ben.invalidate_recordset()
        self.assertFalse(self.ben.club_open_booking_ids)

    def test_in_the_outcome_table(self):
        Booking = self.env["club.booking"]
        labels = dict(Booking._fields["state"]._description_selection(self.env))
        self.assertEqual(labels["waitlisted"], "Waitlisted")
        self.assertIn("Waitlisted:", Booking._fields["state"].help)
        self.assertNotIn(
            "waitlisted",
            [value for value, _label in Booking._fields["log_status"].selection],
        )
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        self.assertNotEqual(ben.color, 0)
        # A waitlisted booking's kind may still change (open), not its
        # offering or times (its session's), nor its member (the place in the
        # queue is the member's).
        with self.assertRaisesRegex(UserError, "member cannot be changed"):
            ben.with_user(self.desk).write({"partner_id": self.cleo.id})
        self.assertEqual(ben.partner_id, self.ben)
        ben.with_user(self.desk).write({"booking_kind": "consult"})
        self.assertEqual(ben.category, "class_consult")


@freeze_time(NOW)
class TestWaitlistedAtTheKiosk(KioskCase):
    def test_waitlisted_bookings_are_not_shown_nor_confirmed(self):
        session = self.env["club.session"].create(
            {
                "offering_id": self.spinning.id,
                "start": NOW + timedelta(minutes=20),
                "capacity": 1,
            }
        )
        Booking = self.env["club.booking"]
        Booking.create({"partner_id": self.other_member.id, "session_id": session.id})
        waiting = Booking.create(
            {
                "partner_id": self.member.id,
                "session_id": session.id,
                "state": "waitlisted",
            }
        )
        booked = self.book_at(NOW + timedelta(minutes=10), offering=self.yoga)
        result = self.identify()
        self.assertEqual([b["id"] for b in result["bookings"]], [booked.id])
        self.assertEqual(self.confirm(result["ticket"], waiting), {"status": "refused"})
        self.assertEqual(waiting.state, "waitlisted")
        self.assertFalse(waiting.kiosk_confirmed)

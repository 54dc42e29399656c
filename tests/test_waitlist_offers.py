"""Waitlist offers (club_waitlist_offer_minutes): a seat freed inside the
late-cancel window is offered to the next waitlisted member and held for them;
they take it (the signed link or the portal) or it lapses and goes to the next
one; none once the session started; outside the window, promotion stays
immediate; members without a usable credit are passed over (and told) unless
the club lets members book unpaid; staff promote by hand."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_session_waitlist import WaitlistCase

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OFFERS_CRON = "club_session_logoff.ir_cron_club_waitlist_offers"
OFFER_SUBJECT = "A seat is free for you"
NO_CREDIT_SUBJECT = "A seat was free, but you have no session credit"


class OfferCase(WaitlistCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spinning.late_cancel_hours = 12
        cls.company.club_waitlist_offer_minutes = 30
        cls.ann_credit = cls.credit(partner=cls.ann)
        cls.ben_credit = cls.credit(partner=cls.ben)
        cls.cleo_credit = cls.credit(partner=cls.cleo)

    def full_session(self, hours=5, capacity=1):
        """A session ``hours`` ahead with Ann seated, Ben then Cleo waiting."""
        session = self.future(capacity=capacity, hours=hours)
        seated = self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        cleo = self.waitlist(session, self.cleo)
        return session, seated, ben, cleo

    def mails(self, booking, subject):
        return self.queued_mails(booking).filtered(lambda m: subject in m.subject)

    def lapse_run(self):
        self.env["club.session"]._cron_lapse_offers()


class TestWaitlistOffers(OfferCase):
    def test_the_setting_is_bounded(self):
        self.assertEqual(
            self.env["res.company"]
            .create({"name": "New Club"})
            .club_waitlist_offer_minutes,
            0,
        )
        with self.assertRaisesRegex(ValidationError, "between 0 and 1440"):
            self.company.club_waitlist_offer_minutes = 1441

    def test_a_seat_freed_inside_the_window_is_offered_and_held(self):
        session, seated, ben, cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertEqual(seated.state, "late_cancel")
        self.assertEqual(ben.state, "waitlisted", "offered, not booked")
        self.assertEqual(ben.offer_expires_at, self.now + timedelta(minutes=30))
        self.assertFalse(cleo.offer_expires_at)
        self.assertFalse(ben.credit_id, "no credit taken before the member says yes")
        # Held: counted as a taken seat, given to nobody else.
        self.assertEqual(session.seats_taken, 1)
        self.assertEqual(session.seats_available, 0)
        with self.assertRaisesRegex(UserError, "is full"):
            self.book_in(session, self.member)
        late = self.waitlist(session, self.member)
        self.assertEqual(late.state, "waitlisted")
        self.assertFalse(late.offer_expires_at)
        # The member is told, with the signed link.
        mail = self.mails(ben, OFFER_SUBJECT)
        self.assertEqual(len(mail), 1)
        self.assertIn("Take the seat", str(mail.body_html))
        self.assertIn(f"/club/booking/{ben.id}/accept?token=", str(mail.body_html))
        self.assertIn("offered to the member until", self.chatter(ben))
        # The lapse run is planned at the offer's end.
        cron = self.env.ref(OFFERS_CRON)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(ben.offer_expires_at, triggers.mapped("call_at"))

    def test_the_member_takes_the_seat(self):
        session, seated, ben, _cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        with freeze_time(self.now + timedelta(minutes=10)):
            self.assertTrue(ben.offer_open)
            ben._accept_offer()
        self.assertEqual(ben.state, "booked")
        self.assertEqual(ben.credit_id, self.ben_credit, "the member's best credit")
        self.assertFalse(ben.offer_expires_at)
        self.assertEqual(session.seats_taken, 1)
        self.assertEqual(len(self.mails(ben, "You have a seat")), 1)
        # A replay: already done, nothing changes.
        with freeze_time(self.now + timedelta(minutes=11)):
            with self.assertRaisesRegex(UserError, "already"):
                ben._accept_offer()
        self.assertEqual(ben.state, "booked")

    def test_another_member_cannot_take_it(self):
        _session, seated, ben, _cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        portal = self.env["res.users"].create(
            {
                "name": "Cleo Portal",
                "login": "cleo_offer_portal",
                "partner_id": self.cleo.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with freeze_time(self.now), self.assertRaises(AccessError):
            ben.with_user(portal)._accept_offer()
        self.assertEqual(ben.state, "waitlisted")

    def test_lapsed_offers_go_to_the_next_member_in_order(self):
        session, seated, ben, cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        # Not yet.
        with freeze_time(self.now + timedelta(minutes=29)):
            self.lapse_run()
        self.assertEqual(ben.state, "waitlisted")
        self.assertTrue(ben.offer_expires_at)
        lapse = self.now + timedelta(minutes=30)
        with freeze_time(lapse):
            self.lapse_run()
            with self.assertRaisesRegex(UserError, "no longer open"):
                ben._accept_offer()
        self.assertEqual(ben.state, "cancelled", "the lapsed booking left the waitlist")
        self.assertFalse(ben.offer_expires_at)
        self.assertIn("the offer lapsed", self.chatter(ben))
        self.assertEqual(cleo.offer_expires_at, lapse + timedelta(minutes=30))
        self.assertEqual(len(self.mails(cleo, OFFER_SUBJECT)), 1)
        self.assertEqual(session.seats_available, 0)
        self.assertEqual(self.ben_credit.state, "available")
        # Cleo's lapses too: nobody is left, the seat is free.
        with freeze_time(lapse + timedelta(minutes=30)):
            self.lapse_run()
        self.assertEqual(cleo.state, "cancelled")
        self.assertEqual(session.seats_available, 1)

    def test_leaving_the_waitlist_with_an_offer_frees_the_seat(self):
        _session, seated, ben, cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
            ben.with_user(self.desk).action_cancel()
        self.assertEqual(ben.state, "cancelled")
        self.assertTrue(cleo.offer_expires_at)

    def test_no_offer_outlives_the_start(self):
        self.company.club_waitlist_offer_minutes = 600
        session, seated, ben, cleo = self.full_session(hours=2)
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertEqual(ben.offer_expires_at, session.start)
        with freeze_time(session.start):
            self.lapse_run()
            with self.assertRaisesRegex(UserError, "no longer open"):
                ben._accept_offer()
        self.assertEqual(ben.state, "cancelled")
        self.assertFalse(cleo.offer_expires_at, "no offers once the session started")
        self.assertFalse(self.mails(cleo, OFFER_SUBJECT))

    def test_outside_the_window_promotion_is_immediate(self):
        _session, seated, ben, _cleo = self.full_session(hours=24)
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertEqual(seated.state, "cancelled")
        self.assertEqual(ben.state, "booked")
        self.assertFalse(ben.offer_expires_at)
        self.assertFalse(self.mails(ben, OFFER_SUBJECT))

    def test_zero_minutes_promotes_at_once(self):
        self.company.club_waitlist_offer_minutes = 0
        _session, seated, ben, _cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertEqual(ben.state, "booked")

    def test_members_without_credit_are_passed_over_and_told(self):
        self.ben_credit.unlink()
        _session, seated, ben, cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertFalse(ben.offer_expires_at)
        self.assertEqual(ben.state, "waitlisted", "still waiting: may buy a credit")
        self.assertTrue(cleo.offer_expires_at)
        self.assertEqual(len(self.mails(ben, NO_CREDIT_SUBJECT)), 1)
        self.assertTrue(ben.no_credit_notified)
        self.assertIn("no usable session credit", self.chatter(ben))
        # Told once: Cleo's offer lapses, Ben is passed over again, no new mail.
        with freeze_time(self.now + timedelta(minutes=30)):
            self.lapse_run()
        self.assertEqual(len(self.mails(ben, NO_CREDIT_SUBJECT)), 1)

    def test_members_without_credit_outside_the_window(self):
        self.ben_credit.unlink()
        _session, seated, ben, cleo = self.full_session(hours=24)
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertEqual(ben.state, "waitlisted")
        self.assertEqual(cleo.state, "booked")
        self.assertEqual(len(self.mails(ben, NO_CREDIT_SUBJECT)), 1)

    def test_unpaid_bookings_allowed_no_credit_needed(self):
        self.company.club_portal_unpaid = True
        self.ben_credit.unlink()
        _session, seated, ben, _cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.assertTrue(ben.offer_expires_at)
        with freeze_time(self.now + timedelta(minutes=5)):
            ben._accept_offer()
        self.assertEqual(ben.state, "booked")
        self.assertFalse(ben.credit_id)
        self.assertFalse(self.mails(ben, NO_CREDIT_SUBJECT))

    def test_a_credit_spent_meanwhile_is_refused_at_accept(self):
        _session, seated, ben, _cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
        self.ben_credit.unlink()
        with freeze_time(self.now + timedelta(minutes=5)):
            with self.assertRaisesRegex(UserError, "no session credit"):
                ben._accept_offer()
        self.assertEqual(ben.state, "waitlisted")
        self.assertTrue(ben.offer_expires_at)


class TestStaffPromotion(OfferCase):
    def test_staff_see_and_promote_the_offered_member(self):
        session, seated, ben, cleo = self.full_session()
        with freeze_time(self.now):
            seated.with_user(self.desk).action_cancel()
            # The roster shows who and until when.
            self.assertEqual(
                session.with_user(self.desk).waitlist_booking_ids.filtered(
                    "offer_expires_at"
                ),
                ben,
            )
            # The held seat is Ben's: not Cleo's.
            with self.assertRaisesRegex(UserError, "no free seat"):
                cleo.with_user(self.desk).action_promote_now()
            ben.with_user(self.desk).action_promote_now()
        self.assertEqual(ben.state, "booked")
        self.assertEqual(ben.credit_id, self.ben_credit)
        self.assertFalse(ben.offer_expires_at)
        self.assertIn("Promoted by hand", self.chatter(ben))
        self.assertEqual(cleo.state, "waitlisted")

    def test_staff_promote_out_of_order_when_a_seat_is_free(self):
        self.company.club_waitlist_offer_minutes = 0
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        cleo = self.waitlist(session, self.cleo)
        with self.assertRaisesRegex(UserError, "no free seat"):
            cleo.with_user(self.desk).action_promote_now()
        session.with_user(self.desk).write({"capacity": 2})
        self.assertEqual(ben.state, "booked")
        with self.assertRaisesRegex(UserError, "Only waitlisted"):
            ben.with_user(self.desk).action_promote_now()

    def test_viewers_cannot_promote(self):
        session = self.future(capacity=1)
        self.book_in(session, self.ann)
        ben = self.waitlist(session, self.ben)
        with self.assertRaises(AccessError):
            ben.with_user(self.viewer).action_promote_now()
        self.assertEqual(ben.state, "waitlisted")

    def test_no_promotion_by_hand_once_started(self):
        session = self.future(capacity=2, hours=1)
        self.book_in(session, self.ann)
        self.book_in(session, self.member)
        ben = self.waitlist(session, self.ben)
        with freeze_time(session.start + timedelta(minutes=1)):
            with self.assertRaisesRegex(UserError, "has started"):
                ben.with_user(self.desk).action_promote_now()


@tagged("post_install", "-at_install")
class TestOfferLinks(HttpCase):
    """The offer's signed link (real time: the test server's clock)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.club_waitlist_offer_minutes = 30
        cls.offering = cls.env["club.offering"].create(
            {
                "name": "Offer Spinning",
                "offering_type": "class",
                "duration": 1.0,
                "late_cancel_hours": 12,
            }
        )
        cls.ann, cls.ben = cls.env["res.partner"].create(
            [
                {"name": "Ann Offer", "email": "ann.offer@example.com"},
                {"name": "Ben Offer", "email": "ben.offer@example.com"},
            ]
        )
        cls.ben_credit = cls.env["club.session.credit"].create(
            {"partner_id": cls.ben.id, "is_paid": True}
        )

    def offered(self):
        session = self.env["club.session"].create(
            {
                "offering_id": self.offering.id,
                "start": fields.Datetime.now() + timedelta(hours=5),
                "capacity": 1,
            }
        )
        Booking = self.env["club.booking"]
        seated = Booking.create({"partner_id": self.ann.id, "session_id": session.id})
        ben = Booking.create(
            {"partner_id": self.ben.id, "session_id": session.id, "state": "waitlisted"}
        )
        seated.cancel_booking()
        self.assertTrue(ben.offer_expires_at)
        return ben

    def url(self, booking, token=None):
        token = booking._accept_token() if token is None else token
        return f"/club/booking/{booking.id}/accept?token={token}"

    def post(self, booking, token, csrf=None):
        if csrf is None:
            page = self.url_open(self.url(booking, token))
            csrf = CSRF.search(page.text).group(1)
        return self.url_open(
            f"/club/booking/{booking.id}/accept",
            data={"csrf_token": csrf, "token": token},
        )

    def test_get_changes_nothing(self):
        ben = self.offered()
        written = ben.write_date
        for _attempt in range(3):  # a mail scanner, a link preview, the member
            page = self.url_open(self.url(ben))
            self.assertEqual(page.status_code, 200)
        self.assertIn("Offer Spinning", page.text)
        self.assertIn("Take the seat", page.text)
        ben.invalidate_recordset()
        self.assertEqual(ben.state, "waitlisted")
        self.assertEqual(ben.write_date, written)
        self.assertFalse(ben.credit_id)

    def test_wrong_tokens_are_404(self):
        ben = self.offered()
        self.assertEqual(self.url_open(self.url(ben, "nope")).status_code, 404)
        other = self.offered()
        # Another booking's token.
        self.assertEqual(
            self.url_open(
                f"/club/booking/{ben.id}/accept?token={other._accept_token()}"
            ).status_code,
            404,
        )
        # The cancel link's token is not an offer's.
        self.assertEqual(
            self.url_open(self.url(ben, ben._cancel_token())).status_code, 404
        )
        ben.invalidate_recordset()
        self.assertEqual(ben.state, "waitlisted")

    def test_post_takes_the_seat_and_a_replay_says_so(self):
        ben = self.offered()
        # The mail's link: the same token, clicked again later.
        token = ben._accept_token()
        page = self.url_open(self.url(ben, token))
        csrf = CSRF.search(page.text).group(1)
        response = self.post(ben, token, csrf)
        self.assertEqual(response.status_code, 200)
        self.assertIn("The seat is yours", response.text)
        ben.invalidate_recordset()
        self.assertEqual(ben.state, "booked")
        self.assertEqual(ben.credit_id, self.ben_credit)
        # The form sent again (the browser's back button, a double click).
        self.assertNotIn(
            "o_club_accept_button", self.url_open(self.url(ben, token)).text
        )
        replay = self.post(ben, token, csrf)
        self.assertEqual(replay.status_code, 200)
        self.assertIn("You have taken this seat already", replay.text)
        ben.invalidate_recordset()
        self.assertEqual(ben.state, "booked")

    def test_the_portal_booking_page_takes_the_seat(self):
        ben = self.offered()
        ben._portal_ensure_token()
        query = f"?access_token={ben.access_token}"
        page = self.url_open(f"/my/club/bookings/{ben.id}{query}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Seat offered until", page.text)
        self.assertIn("o_club_accept_button", page.text)
        csrf = CSRF.search(page.text).group(1)
        self.url_open(
            f"/my/club/bookings/{ben.id}/accept{query}", data={"csrf_token": csrf}
        )
        ben.invalidate_recordset()
        self.assertEqual(ben.state, "booked")
        self.assertEqual(ben.credit_id, self.ben_credit)

    def test_the_member_sees_the_offer_in_the_portal_and_takes_it(self):
        ben = self.offered()
        new_test_user(
            self.env,
            login="ben_offer_portal",
            groups="base.group_portal",
            partner_id=self.ben.id,
        )
        self.authenticate("ben_offer_portal", "ben_offer_portal")
        timetable = self.url_open("/my/club/sessions")
        self.assertEqual(timetable.status_code, 200)
        self.assertIn("o_club_offer_badge", timetable.text)
        self.assertIn("Seat offered until", timetable.text)
        page = self.url_open(f"/my/club/bookings/{ben.id}")
        self.assertIn("o_club_accept_button", page.text)
        csrf = CSRF.search(page.text).group(1)
        answer = self.url_open(
            f"/my/club/bookings/{ben.id}/accept", data={"csrf_token": csrf}
        )
        self.assertIn("The seat is yours", answer.text)
        ben.invalidate_recordset()
        self.assertEqual(ben.state, "booked")
        self.assertEqual(ben.credit_id, self.ben_credit)
        # Sent again: refused, nothing changes.
        again = self.url_open(
            f"/my/club/bookings/{ben.id}/accept", data={"csrf_token": csrf}
        )
        self.assertIn("You have taken this seat already", again.text)
        self.assertEqual(self.ben_credit.state, "available")

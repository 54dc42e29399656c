"""A member books in the portal (club.session._book_as_member): the rules of
staff booking (seats, waitlist, strikes, the best credit) and the portal's own
(booking window, close time, cap, credit or unpaid); a refusal changes
nothing."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError

from .portal_common import PortalCase

# A Tuesday, 10:00 UTC (11:00 in Brussels).
NOW = datetime(2026, 3, 10, 10, 0, 0)


@freeze_time(NOW)
class TestPortalBooking(PortalCase):
    def book(self, session, user=None):
        return session.with_user(user or self.mia)._book_as_member()

    def bookings_of(self, partner=None):
        return self.env["club.booking"].search(
            [("partner_id", "=", (partner or self.member).id)]
        )

    def test_book_takes_the_best_credit(self):
        later = self.give_credit(expiry_date=NOW.date() + timedelta(days=30))
        sooner = self.give_credit(expiry_date=NOW.date() + timedelta(days=5))
        session = self.session_in(self.days(1))
        booking = self.book(session)
        self.assertEqual(booking.state, "booked")
        self.assertEqual(booking.partner_id, self.member)
        self.assertEqual(booking.session_id, session)
        self.assertEqual(booking.credit_id, sooner)
        self.assertEqual(later.state, "available")
        self.assertEqual(session.seats_taken, 1)
        self.assertEqual(booking.access_url, f"/my/club/bookings/{booking.id}")
        # The member reads it through the portal rules.
        self.assertEqual(booking.env.user, self.mia)
        self.assertEqual(booking.name, booking.sudo().name)

    def test_full_session_puts_the_member_on_its_waitlist(self):
        self.give_credit()
        self.give_credit(partner=self.other_member)
        session = self.session_in(self.days(1), capacity=1)
        first = self.book(session, self.otto)
        second = self.book(session)
        self.assertEqual(first.state, "booked")
        self.assertEqual(second.state, "waitlisted")
        self.assertFalse(second.credit_id)
        self.assertEqual(session._member_waitlist_positions(), {second.id: 1})
        # A seat frees up: the waitlisted member gets it with the credit.
        first.with_user(self.otto)._cancel_as_member()
        self.assertEqual(second.state, "booked")
        self.assertTrue(second.credit_id)

    def test_booking_window(self):
        self.give_credit(count=3)
        # Brussels: 11:00 on the 10th; 14 days ahead = until the end of the 24th.
        last = self.session_in(datetime(2026, 3, 24, 21, 0) - NOW)
        beyond = self.session_in(datetime(2026, 3, 24, 23, 30) - NOW)  # 25th local
        self.assertEqual(self.book(last).state, "booked")
        with self.assertRaisesRegex(UserError, "opens for booking on 03/11/2026"):
            self.book(beyond)
        self.assertNotIn(beyond, self.bookings_of().session_id)

        self.company.club_booking_open_days = 0
        today = self.session_in(self.hours(10))  # 21:00 in Brussels
        tomorrow = self.session_in(self.hours(14))  # 01:00 the next day
        self.assertEqual(self.book(today).state, "booked")
        with self.assertRaisesRegex(UserError, "opens for booking"):
            self.book(tomorrow)
        timetable = (
            self.env["club.session"].with_user(self.mia)._member_timetable(self.company)
        )
        self.assertIn(today, timetable)
        self.assertNotIn(tomorrow, timetable)

    def test_booking_closes_before_the_start(self):
        self.give_credit(count=2)
        self.spinning.booking_close_minutes = 60
        closed = self.session_in(timedelta(minutes=59))
        still_open = self.session_in(timedelta(minutes=61))
        with self.assertRaisesRegex(UserError, "closed at"):
            self.book(closed)
        self.assertEqual(self.book(still_open).state, "booked")
        timetable = (
            self.env["club.session"].with_user(self.mia)._member_timetable(self.company)
        )
        self.assertNotIn(closed, timetable)

    def test_started_cancelled_and_other_clubs_sessions(self):
        self.give_credit(count=3)
        started = self.session_in(-timedelta(minutes=5))
        cancelled = self.session_in(self.days(1))
        cancelled.sudo().write({"is_cancelled": True})
        other_company = self.env["res.company"].create({"name": "Other Club"})
        foreign_offering = self.env["club.offering"].create(
            {"name": "Foreign Spin", "company_id": other_company.id}
        )
        foreign = self.session_in(self.days(1), offering=foreign_offering)
        for session, message in (
            (started, "not in your club's timetable|has started"),
            (cancelled, "not in your club's timetable|cancelled"),
            (foreign, "not in your club's timetable"),
        ):
            with self.subTest(session=session.name):
                with self.assertRaisesRegex(UserError, message):
                    self.book(session)
        self.assertFalse(self.bookings_of())

    def test_twice_the_same_session(self):
        self.give_credit(count=2)
        session = self.session_in(self.days(1))
        self.book(session)
        with self.assertRaisesRegex(UserError, "already booked"):
            self.book(session)
        self.assertEqual(len(self.bookings_of()), 1)

    def test_cap_of_upcoming_bookings(self):
        self.give_credit(count=3)
        self.company.club_max_open_bookings = 2
        sessions = [self.session_in(self.days(n)) for n in (1, 2, 3)]
        self.book(sessions[0])
        self.book(sessions[1])
        with self.assertRaisesRegex(UserError, "2 upcoming bookings"):
            self.book(sessions[2])
        # Cancelling one frees a place under the cap.
        self.bookings_of()[0].with_user(self.mia)._cancel_as_member()
        self.assertEqual(self.book(sessions[2]).state, "booked")

    def test_cap_counts_waitlisted_bookings(self):
        self.give_credit(count=2)
        self.give_credit(partner=self.other_member)
        self.company.club_max_open_bookings = 1
        full = self.session_in(self.days(1), capacity=1)
        self.book(full, self.otto)
        self.assertEqual(self.book(full).state, "waitlisted")
        with self.assertRaisesRegex(UserError, "1 upcoming bookings"):
            self.book(self.session_in(self.days(2)))

    def test_strikes_block_with_its_end_date(self):
        self.give_credit(count=2)
        self.company.write(
            {
                "club_strike_count": 1,
                "club_strike_days": 30,
                "club_strike_block_days": 7,
            }
        )
        past = self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "session_id": self.session_in(-self.hours(3)).id,
            }
        )
        past.with_user(self.loggers["class_session"]).log_booking("no_show")
        session = self.session_in(self.days(1))
        with self.assertRaisesRegex(UserError, "may not book before 03/17/2026"):
            self.book(session)
        self.assertEqual(self.bookings_of(), past)

    def test_no_credit_refused_unless_unpaid_allowed(self):
        session = self.session_in(self.days(1))
        with self.assertRaisesRegex(UserError, "no session credit for Spinning"):
            self.book(session)
        self.assertFalse(self.bookings_of())
        # An expired credit, or one for another offering, does not count.
        self.give_credit(expiry_date=NOW.date() - timedelta(days=1))
        self.give_credit(offering_id=self.yoga.id)
        with self.assertRaisesRegex(UserError, "no session credit"):
            self.book(session)

        self.company.club_portal_unpaid = True
        booking = self.book(session)
        self.assertEqual(booking.state, "booked")
        self.assertFalse(booking.credit_id)
        self.assertFalse(booking.is_paid)

    def test_settings_bounds(self):
        for field, value in (
            ("club_booking_open_days", 366),
            ("club_booking_open_days", -1),
            ("club_max_open_bookings", 101),
        ):
            with self.subTest(field=field, value=value):
                with self.assertRaises(ValidationError):
                    self.company.write({field: value})
        with self.assertRaises(ValidationError):
            self.spinning.booking_close_minutes = 1441
        self.spinning.booking_close_minutes = 1440
        new_company = self.env["res.company"].create({"name": "Fresh Club"})
        self.assertEqual(new_company.club_booking_open_days, 14)
        self.assertEqual(new_company.club_max_open_bookings, 0)
        self.assertFalse(new_company.club_portal_unpaid)

    def test_club_manager_sets_the_portal_settings(self):
        self.company.with_user(self.manager).write(
            {
                "club_booking_open_days": 7,
                "club_max_open_bookings": 3,
                "club_portal_unpaid": True,
            }
        )
        self.assertEqual(self.company.club_booking_open_days, 7)

    def test_invite_to_portal_opens_odoos_wizard(self):
        action = self.other_member.with_user(
            self.env.ref("base.user_admin")
        ).action_club_invite_portal()
        self.assertEqual(action["res_model"], "portal.wizard")
        wizard = self.env["portal.wizard"].browse(action["res_id"])
        self.assertIn(self.other_member, wizard.partner_ids)

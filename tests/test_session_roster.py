"""The roster (the session form) and Log Roster: every started, still booked
booking of a session logged at once, by the evidence of attendance."""

import ast
import xmlrpc.client
from datetime import timedelta

from lxml import etree

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .test_session import SessionCase


class RosterCase(SessionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"club_kiosk_minutes_before": 30, "club_kiosk_minutes_after": 15}
        )
        cls.logger = cls.loggers["class_session"]
        cls.members = cls.env["res.partner"].create(
            [{"name": f"Roster Member {n}"} for n in range(4)]
        )

    @classmethod
    def checkin(cls, partner, at, source="kiosk", company=None):
        return cls.env["club.checkin"].create(
            {
                "partner_id": partner.id,
                "checkin_time": at,
                "source": source,
                "company_id": (company or cls.company).id,
            }
        )

    @classmethod
    def enrol(cls, session, partners, **vals):
        return cls.env["club.booking"].create(
            [
                {"partner_id": partner.id, "session_id": session.id, **vals}
                for partner in partners
            ]
        )

    def roster(self):
        """A class that started an hour ago: one member checked in within the
        window, one confirmed at the kiosk, one came before the window opened,
        one left no trace; another one was logged already, another cancelled."""
        session = self.session(hours_ago=1)
        checked, confirmed, early, absent = self.members
        bookings = self.enrol(session, self.members)
        self.checkin(checked, session.start - timedelta(minutes=10))
        bookings[1].sudo().kiosk_confirmed = True
        self.checkin(early, session.start - timedelta(minutes=45))
        logged, cancelled = self.enrol(session, self.member | self.other_member)
        logged.log_booking("completed")
        cancelled.action_cancel()
        return session, bookings, logged, cancelled


class TestLogRoster(RosterCase):
    def test_outcomes_by_evidence(self):
        session, bookings, logged, cancelled = self.roster()
        result = session.with_user(self.logger).log_roster(note="Full class")
        self.assertIs(result, True)
        self.assertEqual(
            bookings.mapped("state"), ["completed", "completed", "no_show", "no_show"]
        )
        self.assertEqual(set(bookings.mapped("log_user_id")), {self.logger})
        self.assertEqual(set(bookings.mapped("log_source")), {"staff"})
        self.assertEqual(set(bookings.mapped("log_note")), {"Full class"})
        # The credits moved as the one log-off path moves them; the chatter says so.
        self.assertIn("Logged as", bookings[2].message_ids[0].body)
        # What was logged or cancelled before stays as it was.
        self.assertEqual(logged.state, "completed")
        self.assertNotEqual(logged.log_user_id, self.logger)
        self.assertEqual(cancelled.state, "cancelled")
        self.assertEqual(session.state, "done")
        self.assertEqual(session.to_log_count, 0)

    def test_called_as_over_rpc(self):
        session, bookings, *__ = self.roster()
        Session = self.env["club.session"].with_user(self.logger)
        result = call_kw(Session, "log_roster", [session.ids], {})
        self.assertIs(result, True)
        # What XML-RPC sends back (it cannot marshal None).
        xmlrpc.client.dumps((result,), methodresponse=True)
        self.assertNotIn("booked", bookings.mapped("state"))
        self.assertEqual(bookings.mapped("log_note"), [False] * 4)
        # Without ids: nothing to do, the rights checked all the same.
        self.assertIs(call_kw(Session, "log_roster", [[]], {}), True)
        with self.assertRaises(UserError):
            call_kw(Session, "log_roster", [session.ids], {"note": 42})

    def test_not_started_is_refused(self):
        session = self.session(hours_ago=-2)
        booking = self.enrol(session, self.member)
        with self.assertRaisesRegex(UserError, "not started yet"):
            session.with_user(self.logger).log_roster()
        with self.assertRaisesRegex(UserError, "not started yet"):
            session.with_user(self.logger).action_log_roster()
        self.assertEqual(booking.state, "booked")

    def test_permission_is_refused_and_nothing_changes(self):
        session, bookings, *__ = self.roster()
        for user in (
            self.desk,
            self.viewer,
            self.loggers["service_session"],
            self.loggers["class_consult"],
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    session.with_user(user).log_roster()
                with self.assertRaises(AccessError):
                    session.with_user(user).action_log_roster()
                self.assertEqual(set(bookings.mapped("state")), {"booked"})
        self.assertIs(session.with_user(self.manager).log_roster(), True)
        self.assertEqual(bookings.log_user_id, self.manager)

    def test_all_or_nothing(self):
        # A consult in the class: the class-session logger may not log it, so
        # nothing of the session is logged.
        session, bookings, *__ = self.roster()
        consult = self.enrol(session, self.env["res.partner"].create({"name": "C"}))
        consult.with_user(self.desk).booking_kind = "consult"
        with self.assertRaisesRegex(AccessError, "Class Consult"):
            session.with_user(self.logger).log_roster()
        self.assertEqual(set((bookings | consult).mapped("state")), {"booked"})
        # Two sessions, one not started: neither is logged.
        later = self.session(hours_ago=-1)
        later_booking = self.enrol(later, self.member)
        consult.with_user(self.desk).booking_kind = "session"
        with self.assertRaisesRegex(UserError, "not started yet"):
            (session | later).with_user(self.logger).log_roster()
        self.assertEqual(
            set((bookings | consult | later_booking).mapped("state")), {"booked"}
        )
        session.with_user(self.logger).log_roster()
        self.assertEqual(consult.state, "no_show")

    def test_other_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Club"})
        boxing = self.env["club.offering"].create(
            {"name": "Boxing", "company_id": other_company.id}
        )
        session = self.session(offering=boxing)
        member = self.env["res.partner"].create({"name": "Boxer"})
        booking = self.enrol(session, member)
        self.assertEqual(session.company_id, other_company)
        with self.assertRaises(AccessError):
            session.with_user(self.manager).log_roster()
        self.assertEqual(booking.state, "booked")

    def test_confirmation_says_how_many_of_each(self):
        session, bookings, *__ = self.roster()
        action = session.with_user(self.logger).action_log_roster()
        self.assertEqual(action["target"], "new")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.logger)
            .browse(action["res_id"])
        )
        self.assertEqual((wizard.completed_count, wizard.no_show_count), (2, 2))
        self.assertEqual(wizard.completed_names, "Roster Member 0, Roster Member 1")
        self.assertEqual(wizard.no_show_names, "Roster Member 2, Roster Member 3")
        # Nothing is logged before the confirmation.
        self.assertEqual(set(bookings.mapped("state")), {"booked"})
        wizard.note = "Checked by the trainer"
        wizard.action_log()
        self.assertEqual(
            bookings.mapped("state"), ["completed", "completed", "no_show", "no_show"]
        )
        self.assertEqual(set(bookings.mapped("log_note")), {"Checked by the trainer"})
        with self.assertRaisesRegex(UserError, "Nothing to log"):
            session.with_user(self.logger).action_log_roster()


class TestRoster(RosterCase):
    def test_checked_in_at_is_the_check_in_that_counts(self):
        session, bookings, *__ = self.roster()
        checked, confirmed, early, absent = bookings
        first = session.start - timedelta(minutes=10)
        # A later check-in within the window does not change which one counts.
        self.checkin(checked.partner_id, session.start + timedelta(minutes=5))
        # Another club's check-in does not count.
        other_company = self.env["res.company"].create({"name": "Other Club"})
        self.checkin(
            absent.partner_id, session.start, company=other_company, source="desk"
        )
        bookings.invalidate_recordset(["checked_in", "checked_in_at"])
        self.assertEqual(bookings.mapped("checked_in"), [True, False, False, False])
        self.assertEqual(checked.checked_in_at, first)
        self.assertFalse((confirmed | early | absent).filtered("checked_in_at"))
        # One query for the whole roster.
        bookings.invalidate_recordset(["checked_in", "checked_in_at"])
        with self.assertQueryCount(1):
            bookings.mapped("checked_in_at")

    def test_roster_and_waitlist_lists(self):
        session, bookings, logged, cancelled = self.roster()
        self.assertEqual(session.roster_booking_ids, bookings | logged | cancelled)
        self.assertFalse(session.waitlist_booking_ids)
        # Waitlisted bookings are listed apart, in the order they asked for a
        # seat (waitlist_date).
        late, early = self.enrol(
            session,
            self.env["res.partner"].create([{"name": "Late"}, {"name": "Early"}]),
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE club_booking SET state = 'waitlisted', waitlist_date = "
            "now() at time zone 'UTC' - (CASE WHEN id = %s THEN interval '1 hour' "
            "ELSE interval '2 hours' END) WHERE id IN %s",
            (late.id, (late.id, early.id)),
        )
        self.env.invalidate_all()
        self.assertEqual(session.roster_booking_ids, bookings | logged | cancelled)
        self.assertEqual(session.waitlist_booking_ids, late | early)
        arch = etree.fromstring(
            self.env["club.session"]
            .with_user(self.desk)
            .get_view(self.env.ref("club_session_logoff.club_session_view_form").id)[
                "arch"
            ]
        )
        waitlist = arch.xpath("//field[@name='waitlist_booking_ids']/list")[0]
        self.assertEqual(waitlist.get("default_order"), "waitlist_date, id")
        self.assertEqual(
            self.env["club.booking"]
            .search(
                [("id", "in", (late | early).ids)], order=waitlist.get("default_order")
            )
            .mapped("partner_id.name"),
            ["Early", "Late"],
        )

    def roster_buttons(self, user):
        arch = etree.fromstring(
            self.env["club.session"]
            .with_user(user)
            .get_view(self.env.ref("club_session_logoff.club_session_view_form").id)[
                "arch"
            ]
        )
        rows = arch.xpath("//field[@name='roster_booking_ids']/list")[0]
        return {button.get("name"): button for button in rows.iter("button")}

    def test_row_buttons_for_those_who_may_log(self):
        session, bookings, logged, __ = self.roster()
        buttons = self.roster_buttons(self.logger)
        for name in ("action_log_completed", "action_log_no_show"):
            self.assertEqual(
                buttons[name].get("invisible"), "not to_log or not user_can_log"
            )
        # Who may log which row: the booking's log-off permission.
        self.assertEqual(
            set(bookings.with_user(self.logger).mapped("user_can_log")), {True}
        )
        self.assertEqual(
            set(bookings.with_user(self.desk).mapped("user_can_log")), {False}
        )
        self.assertEqual(
            set(
                bookings.with_user(self.loggers["service_session"]).mapped(
                    "user_can_log"
                )
            ),
            {False},
        )
        self.assertEqual(bookings.mapped("to_log"), [True] * 4)
        self.assertFalse(logged.to_log)
        # The server refuses a user the buttons are hidden from.
        with self.assertRaises(AccessError):
            bookings[0].with_user(self.desk).action_log_completed()
        self.assertIs(bookings[0].with_user(self.logger).action_log_completed(), True)
        self.assertIs(bookings[3].with_user(self.logger).action_log_no_show(), True)
        self.assertEqual(bookings[0].state, "completed")
        self.assertEqual(bookings[3].state, "no_show")
        self.assertEqual(session.to_log_count, 2)

    def test_take_payment_at_pos_on_unpaid_rows(self):
        session, bookings, *__ = self.roster()
        payer = self.env["res.partner"].create({"name": "Paid Member"})
        self.credit(partner=payer)
        paid = self.enrol(session, payer)
        self.assertTrue(paid.is_paid)
        self.assertFalse(bookings[1].is_paid)
        cashier = new_test_user(
            self.env,
            login="club_roster_cashier",
            groups="base.group_user,point_of_sale.group_pos_user,"
            "club_session_logoff.group_booking_user",
        )
        button = self.roster_buttons(cashier)["action_pay_at_pos"]
        self.assertEqual(button.get("invisible"), "is_paid or state == 'cancelled'")
        # Only POS users get it.
        self.assertNotIn("action_pay_at_pos", self.roster_buttons(self.desk))

    def test_log_roster_button(self):
        session, *__ = self.roster()
        arch = etree.fromstring(
            self.env["club.session"]
            .with_user(self.logger)
            .get_view(self.env.ref("club_session_logoff.club_session_view_form").id)[
                "arch"
            ]
        )
        button = arch.xpath("//header/button[@name='action_log_roster']")[0]
        self.assertEqual(button.get("invisible"), "not to_log_count")
        self.assertEqual(session.to_log_count, 4)
        self.assertEqual(self.session(hours_ago=-3).to_log_count, 0)


class TestLogSessionsBySession(RosterCase):
    def test_session_column_and_grouping(self):
        view = self.env.ref("club_session_logoff.club_booking_view_list_log")
        arch = self.env["club.booking"].with_user(self.logger).get_view(view.id)["arch"]
        self.assertIn('name="session_id"', arch)
        search = self.env["club.booking"].get_view(
            self.env.ref("club_session_logoff.club_booking_view_search").id, "search"
        )["arch"]
        self.assertIn("'group_by': 'session_id'", search)

    def test_a_session_all_logged_drops_out(self):
        action = self.env.ref("club_session_logoff.club_booking_action_log_sessions")
        domain = ast.literal_eval(action.domain)
        session, bookings, *__ = self.roster()
        other = self.session(offering=self.yoga, hours_ago=3)
        other_bookings = self.enrol(other, self.members[:2])
        lone = self.book(partner=self.other_member, hours_ago=5)
        Booking = self.env["club.booking"].with_user(self.logger)
        # (The demo data's own bookings left aside.)
        ours = session.booking_ids | other_bookings | lone
        domain = [*domain, ("id", "in", ours.ids)]

        def groups():
            return {
                session: count
                for session, count in Booking._read_group(
                    domain, ["session_id"], ["__count"]
                )
            }

        self.assertEqual(groups(), {session: 4, other: 2, self.env["club.session"]: 1})
        session.with_user(self.logger).log_roster()
        self.assertEqual(groups(), {other: 2, self.env["club.session"]: 1})
        self.assertNotIn(session, Booking.search(domain).session_id)
        other_bookings[0].with_user(self.logger).log_booking("completed")
        self.assertEqual(groups(), {other: 1, self.env["club.session"]: 1})
        other_bookings[1].with_user(self.logger).log_booking("no_show")
        self.assertEqual(groups(), {self.env["club.session"]: 1})
        self.assertEqual(Booking.search(domain), lone)

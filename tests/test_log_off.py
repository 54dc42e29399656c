from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import ClubCase


class TestLogOff(ClubCase):
    def test_completed_uses_the_credit_and_records_who(self):
        credit = self.credit()
        booking = self.book()
        self.assertEqual(booking.credit_id, credit)
        self.assertTrue(booking.is_paid)

        booking.with_user(self.manager).log_booking("completed", "Great effort")

        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_user_id, self.manager)
        self.assertEqual(booking.log_source, "staff")
        self.assertEqual(booking.log_note, "Great effort")
        self.assertTrue(booking.log_date)
        self.assertEqual(credit.state, "used")
        self.assertIn("Great effort", booking.message_ids[0].body)
        self.assertIn("Completed", booking.message_ids[0].body)

    def test_no_show_loses_the_credit(self):
        credit = self.credit()
        booking = self.book()
        booking.log_booking("no_show")
        self.assertEqual(booking.state, "no_show")
        self.assertEqual(credit.state, "lost")
        self.assertEqual(booking.credit_id, credit)

    def test_log_booking_returns_true_for_rpc(self):
        self.assertIs(self.book().log_booking("completed"), True)

    def test_future_booking_is_refused(self):
        booking = self.book(hours_ago=-2)
        with self.assertRaisesRegex(UserError, "not started yet"):
            booking.log_booking("completed")
        self.assertEqual(booking.state, "booked")

    def test_logged_or_cancelled_booking_is_refused(self):
        logged = self.book()
        logged.log_booking("completed")
        cancelled = self.book()
        cancelled.action_cancel()
        for booking in logged | cancelled:
            with self.assertRaisesRegex(UserError, "already logged or cancelled"):
                booking.log_booking("no_show")
        self.assertEqual(logged.state, "completed")
        self.assertEqual(cancelled.state, "cancelled")

    def test_unknown_status_is_refused(self):
        booking = self.book()
        for status in ("cancelled", "booked", "done", None):
            with self.assertRaises(UserError):
                booking.log_booking(status)
        self.assertEqual(booking.state, "booked")

    def test_a_refused_batch_changes_nothing(self):
        credit = self.credit()
        past = self.book()
        future = self.book(hours_ago=-3)
        with self.assertRaises(UserError):
            (past | future).log_booking("completed", "batch")
        self.assertEqual(past.state, "booked")
        self.assertFalse(past.log_note)
        self.assertEqual(credit.state, "available")

    def test_bulk_logging(self):
        bookings = self.env["club.booking"]
        for hours in range(1, 31):
            bookings |= self.book(hours_ago=hours)
        bookings.with_user(self.manager).log_booking("completed")
        self.assertEqual(set(bookings.mapped("state")), {"completed"})
        self.assertEqual(set(bookings.mapped("log_user_id").ids), {self.manager.id})

    def test_bulk_log_wizard_with_note(self):
        bookings = self.book(hours_ago=1) | self.book(hours_ago=3)
        wizard = Form(
            self.env["club.booking.log.wizard"]
            .with_user(self.manager)
            .with_context(active_model="club.booking", active_ids=bookings.ids)
        )
        self.assertEqual(wizard.booking_count, 2)
        wizard.status = "no_show"
        wizard.note = "Storm warning"
        wizard.save().action_log()
        self.assertEqual(set(bookings.mapped("state")), {"no_show"})
        self.assertEqual(set(bookings.mapped("log_note")), {"Storm warning"})

    def test_log_off_tab_button(self):
        booking = self.book()
        logger = self.loggers["class_session"]
        with Form(booking.with_user(logger)) as form:
            form.log_status = "completed"
            form.log_note = "Arrived late"
        booking.with_user(logger).action_log_booking()
        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_note, "Arrived late")
        self.assertEqual(booking.log_user_id, logger)

    def test_log_off_tab_button_needs_a_status(self):
        booking = self.book()
        with self.assertRaisesRegex(UserError, "completed or a no-show"):
            booking.action_log_booking()

    def test_list_buttons(self):
        done, missed = self.book(hours_ago=1), self.book(hours_ago=2)
        done.with_user(self.manager).action_log_completed()
        missed.with_user(self.manager).action_log_no_show()
        self.assertEqual(done.state, "completed")
        self.assertEqual(missed.state, "no_show")

    def test_completing_without_credit_takes_one_bought_since(self):
        booking = self.book()
        self.assertFalse(booking.credit_id)
        credit = self.credit(paid=False)
        booking.log_booking("completed")
        self.assertEqual(booking.credit_id, credit)
        self.assertEqual(credit.state, "used")

    def test_state_cannot_be_written_directly(self):
        booking = self.book()
        with self.assertRaises(AccessError):
            booking.with_user(self.manager).write({"state": "completed"})
        with self.assertRaises(AccessError):
            booking.with_user(self.manager).write({"credit_id": self.credit().id})
        with self.assertRaises(AccessError):
            self.env["club.booking"].with_user(self.manager).create(
                {
                    "partner_id": self.member.id,
                    "offering_id": self.spinning.id,
                    "start": self.now,
                    "state": "completed",
                }
            )
        self.assertEqual(booking.state, "booked")

    def test_transitions_follow_the_allowed_paths(self):
        booking = self.book()
        booking.log_booking("completed")
        with self.assertRaisesRegex(UserError, "cannot go from Completed to No-Show"):
            booking.sudo().write({"state": "no_show"})

    def test_reset_to_booked_gives_the_credit_back(self):
        credit = self.credit()
        booking = self.book()
        booking.log_booking("no_show")
        with self.assertRaises(AccessError):
            booking.with_user(self.loggers["class_session"]).action_reset_to_booked()
        booking.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(booking.state, "booked")
        self.assertFalse(booking.log_user_id)
        self.assertEqual(booking.credit_id, credit)
        self.assertEqual(credit.state, "available")

    def test_reopening_a_cancelled_booking_takes_a_credit_again(self):
        credit = self.credit()
        booking = self.book(hours_ago=-24)
        booking.action_cancel()
        self.assertFalse(booking.credit_id)
        booking.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(booking.state, "booked")
        self.assertEqual(booking.credit_id, credit)
        with self.assertRaisesRegex(UserError, "open already"):
            booking.with_user(self.manager).action_reset_to_booked()

    def test_log_sessions_filters(self):
        """The Log Sessions search filters that staff click (the date ones are
        evaluated by the web client)."""
        from lxml import etree

        class_session = self.book(hours_ago=3)
        class_consult = self.book(hours_ago=4, kind="consult")
        service_session = self.book(self.training, hours_ago=5)
        self.credit()
        paid = self.book(hours_ago=6)
        mine = self.book(hours_ago=7, trainer_id=self.loggers["class_session"].id)
        ours = class_session | class_consult | service_session | paid | mine
        arch = etree.fromstring(
            self.env.ref("club_session_logoff.club_booking_view_search").arch_db
        )
        Booking = self.env["club.booking"].with_user(self.loggers["class_session"])

        def found(name):
            node = arch.find(f".//filter[@name='{name}']")
            domain = eval(node.get("domain"), {"uid": Booking.env.uid})  # noqa: S307
            return Booking.search([*domain, ("id", "in", ours.ids)])

        self.assertEqual(found("class_session"), class_session | paid | mine)
        self.assertEqual(found("class_consult"), class_consult)
        self.assertEqual(found("service_session"), service_session)
        self.assertFalse(found("service_consult"))
        self.assertEqual(found("unpaid"), ours - paid)
        self.assertEqual(found("my_sessions"), mine)
        self.assertEqual(found("to_log"), ours)

    def test_logged_booking_cannot_be_deleted(self):
        booking = self.book()
        booking.log_booking("completed")
        with self.assertRaisesRegex(UserError, "history"):
            booking.unlink()

    def test_log_sessions_lists_started_open_bookings_oldest_first(self):
        old = self.book(hours_ago=30)
        recent = self.book(hours_ago=1)
        future = self.book(hours_ago=-1)
        done = self.book(hours_ago=5)
        done.log_booking("completed")
        action = self.env.ref("club_session_logoff.club_booking_action_log_sessions")
        view = self.env.ref("club_session_logoff.club_booking_view_list_log")
        self.assertEqual(view.arch_db.count('default_order="start, id"'), 1)
        domain = [*eval(action.domain), ("partner_id", "=", self.member.id)]  # noqa: S307
        found = self.env["club.booking"].search(domain, order="start, id")
        self.assertEqual(found, old | recent)
        self.assertEqual(found[0], old)
        self.assertNotIn(future, found)

    @freeze_time("2026-03-02 10:00:00")
    def test_to_log_follows_the_clock(self):
        booking = self.book(hours_ago=0)
        booking.start = fields.Datetime.from_string("2026-03-02 10:30:00")
        booking.stop = fields.Datetime.from_string("2026-03-02 11:30:00")
        self.assertFalse(booking.to_log)
        with freeze_time("2026-03-02 10:31:00"):
            booking.invalidate_recordset(["to_log"])
            self.assertTrue(booking.to_log)
            booking.log_booking("completed")

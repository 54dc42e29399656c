"""Logged history cannot be rewritten: once a booking is completed, a no-show or
cancelled, what it was (member, offering, kind, start, end) and its log change
for nobody, until a club manager reopens it (Reset to Booked). Calls are made
the way XML-RPC makes them: as the real user, with the ids and values sent."""

from datetime import timedelta

from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import ClubCase

LOGGED_STATES = ("completed", "no_show", "cancelled")


class TestLoggedHistory(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.logger = cls.loggers["class_session"]

    def logged(self, state, **vals):
        """A class session, logged ``state`` by a club manager, with a note."""
        booking = self.book(**vals)
        if state == "cancelled":
            booking.with_user(self.manager).action_cancel()
        else:
            booking.with_user(self.manager).log_booking(state, "Came late")
        self.assertEqual(booking.state, state)
        return booking

    def new_values(self, booking):
        """A value of each history field other than the booking's own, as an
        XML-RPC client sends them (ids, strings)."""
        return {
            "partner_id": self.other_member.id,
            "offering_id": self.training.id,
            "booking_kind": "consult",
            "start": fields.Datetime.to_string(booking.start - timedelta(days=1)),
            "stop": fields.Datetime.to_string(booking.stop + timedelta(hours=1)),
        }

    def snapshot(self, booking):
        booking.invalidate_recordset()
        return {
            name: booking[name]
            for name in (
                "partner_id",
                "offering_id",
                "booking_kind",
                "category",
                "start",
                "stop",
                "state",
                "log_date",
                "log_user_id",
                "log_source",
                "log_note",
                "log_status",
                "credit_id",
                "is_paid",
                "trainer_id",
            )
        }

    def test_the_reported_case_moving_a_completed_unpaid_booking(self):
        """Front desk moved a completed, unpaid booking to another member, with
        another kind and offering: that member's next paid credit paid for it."""
        booking = self.logged("completed")
        self.assertFalse(booking.is_paid)
        before = self.snapshot(booking)
        with self.assertRaisesRegex(UserError, "history"):
            booking.with_user(self.desk).write(
                {
                    "partner_id": self.other_member.id,
                    "booking_kind": "consult",
                    "offering_id": self.training.id,
                }
            )
        self.assertEqual(self.snapshot(booking), before)
        theirs = self.credit(partner=self.other_member, offering_type="service")
        self.assertEqual(theirs.state, "available")
        self.assertFalse(theirs.booking_id)

    def test_each_history_field_for_every_user_and_state(self):
        users = {
            "front desk": self.desk,
            "club manager": self.manager,
            "administrator": self.admin,
            "log-off group": self.logger,
        }
        for state in LOGGED_STATES:
            booking = self.logged(state)
            before = self.snapshot(booking)
            for name, value in self.new_values(booking).items():
                for label, user in users.items():
                    with (
                        self.subTest(state=state, field=name, user=label),
                        self.assertRaisesRegex(UserError, "history"),
                    ):
                        booking.with_user(user).write({name: value})
                # Superuser too: only the addon's own actions write history.
                with self.subTest(state=state, field=name, user="superuser"):
                    with self.assertRaisesRegex(UserError, "history"):
                        booking.sudo().write({name: value})
            self.assertEqual(self.snapshot(booking), before, state)

    def test_history_fields_together_and_with_other_fields(self):
        booking = self.logged("no_show", trainer_id=self.logger.id)
        before = self.snapshot(booking)
        values = self.new_values(booking)
        for vals in (
            values,
            {"trainer_id": self.manager.id, "start": values["start"]},
            {"trainer_id": self.manager.id, "partner_id": self.other_member.id},
            {"stop": values["stop"], "log_note": "Rewritten"},
        ):
            for user in (self.desk, self.manager, self.admin):
                with (
                    self.subTest(vals=vals, user=user.login),
                    self.assertRaises(UserError),
                ):
                    booking.with_user(user).write(vals)
        self.assertEqual(self.snapshot(booking), before)

    def test_the_same_value_is_no_change(self):
        booking = self.logged("completed")
        # Its end differs from start + duration: rewriting the start with the
        # value it has must not recompute the end either.
        booking.sudo().with_context(tracking_disable=True)._write(
            {"stop": booking.start + timedelta(hours=3)}
        )
        before = self.snapshot(booking)
        booking.with_user(self.desk).write(
            {
                "partner_id": booking.partner_id.id,
                "offering_id": booking.offering_id.id,
                "booking_kind": booking.booking_kind,
                "start": fields.Datetime.to_string(booking.start),
            }
        )
        self.assertEqual(self.snapshot(booking), before)

    def test_log_of_a_logged_booking_in_any_combination(self):
        """Writing trainer_id together with log_note rewrote a no-show's note."""
        # Another member's: a credit of this one would pay the completed booking.
        credit = self.credit(partner=self.other_member)
        for state in LOGGED_STATES:
            booking = self.logged(state, trainer_id=self.logger.id)
            before = self.snapshot(booking)
            combinations = [
                {"log_note": "Rewritten"},
                {"log_status": "completed"},
                {"log_note": "Rewritten", "log_status": "completed"},
                {"trainer_id": self.manager.id, "log_note": "Rewritten"},
                {"trainer_id": self.manager.id, "log_status": "completed"},
                {"trainer_id": self.manager.id, "log_note": False},
            ]
            users = (self.desk, self.manager, self.admin, self.logger)
            for vals in combinations:
                for user in users:
                    with (
                        self.subTest(state=state, vals=vals, user=user.login),
                        self.assertRaisesRegex(UserError, "log of a logged"),
                    ):
                        booking.with_user(user).write(vals)
            # The log proper changes only through the booking's actions.
            for vals in (
                {"log_date": fields.Datetime.now()},
                {"log_user_id": self.desk.id},
                {"log_source": "kiosk"},
                {"state": "booked"},
                {"credit_id": credit.id},
                {"trainer_id": self.manager.id, "log_user_id": self.desk.id},
                {"trainer_id": self.manager.id, "log_date": False},
                {"trainer_id": self.manager.id, "state": "completed"},
            ):
                for user in users:
                    with (
                        self.subTest(state=state, vals=vals, user=user.login),
                        self.assertRaises(AccessError),
                    ):
                        booking.with_user(user).write(vals)
            self.assertEqual(self.snapshot(booking), before, state)
            self.assertEqual(booking.log_note, before["log_note"])

    def test_trainer_may_still_be_corrected(self):
        """Who coached is not the log: front desk may still fix it."""
        booking = self.logged("completed")
        booking.with_user(self.desk).write({"trainer_id": self.logger.id})
        self.assertEqual(booking.trainer_id, self.logger)
        self.assertEqual(booking.log_note, "Came late")

    def test_open_booking_log_form_needs_the_log_rights(self):
        """The note and status of an open booking are the log being written:
        only those who may log its category write them, alone or with other
        fields."""
        booking = self.book()
        with self.assertRaises(AccessError):
            booking.with_user(self.desk).write(
                {"trainer_id": self.manager.id, "log_note": "Draft"}
            )
        self.assertFalse(booking.log_note)
        booking.with_user(self.logger).write({"log_note": "Draft"})
        booking.with_user(self.manager).write(
            {"trainer_id": self.logger.id, "log_note": "Draft 2"}
        )
        self.assertEqual(booking.log_note, "Draft 2")

    def test_reset_to_booked_allows_the_change_afterwards(self):
        booking = self.logged("completed")
        theirs = self.credit(partner=self.other_member, offering_type="service")
        with self.assertRaises(AccessError):
            booking.with_user(self.desk).action_reset_to_booked()
        booking.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(booking.state, "booked")
        values = self.new_values(booking)
        booking.with_user(self.desk).write(values)
        self.assertEqual(booking.partner_id, self.other_member)
        self.assertEqual(booking.offering_id, self.training)
        self.assertEqual(booking.category, "service_consult")
        self.assertEqual(booking.start, fields.Datetime.from_string(values["start"]))
        self.assertEqual(booking.stop, fields.Datetime.from_string(values["stop"]))
        self.assertEqual(booking.credit_id, theirs)
        # Logged again, it is history again.
        booking.with_user(self.manager).log_booking("completed")
        with self.assertRaisesRegex(UserError, "history"):
            booking.with_user(self.desk).write({"partner_id": self.member.id})

    def test_form_shows_history_read_only(self):
        booking = self.logged("completed")
        form = Form(booking.with_user(self.manager))
        for name, value in (
            ("partner_id", self.other_member),
            ("offering_id", self.training),
            ("booking_kind", "consult"),
            ("start", booking.start - timedelta(days=1)),
            ("stop", booking.stop + timedelta(days=1)),
        ):
            with self.subTest(field=name), self.assertRaises(AssertionError):
                setattr(form, name, value)

    def test_kind_is_tracked_in_the_chatter(self):
        booking = self.book(hours_ago=-5)
        # What commits do: a record is tracked from the transaction after its
        # creation.
        self.env.flush_all()
        self.env.cr.precommit.run()
        booking.with_user(self.desk).write({"booking_kind": "consult"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        booking.invalidate_recordset(["message_ids"])
        tracked = booking.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "booking_kind"
        )
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.old_value_char, "Session")
        self.assertEqual(tracked.new_value_char, "Consult")


class TestEmptyRecordsets(ClubCase):
    """Called over RPC with no ids: nothing to do, and no SQL error."""

    def test_booking_actions(self):
        bookings = self.env["club.booking"]
        self.assertIs(
            call_kw(bookings.with_user(self.desk), "action_cancel", [[]], {}), True
        )
        self.assertIs(
            call_kw(
                bookings.with_user(self.manager), "action_reset_to_booked", [[]], {}
            ),
            True,
        )
        # The rights are checked all the same.
        with self.assertRaises(AccessError):
            call_kw(bookings.with_user(self.viewer), "action_cancel", [[]], {})
        with self.assertRaises(AccessError):
            call_kw(bookings.with_user(self.desk), "action_reset_to_booked", [[]], {})

    def test_remove_kiosk_pin(self):
        partners = self.env["res.partner"].with_user(self.desk)
        self.assertIs(call_kw(partners, "action_club_remove_kiosk_pin", [[]], {}), True)

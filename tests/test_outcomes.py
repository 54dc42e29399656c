"""The outcome table is what the booking's state, colours and transitions obey."""

from odoo.exceptions import UserError

from odoo.addons.club_session_logoff.models.club_booking_outcomes import (
    OUTCOME_BY_STATE,
    OUTCOMES,
)

from .common import ClubCase


class TestOutcomes(ClubCase):
    def test_selections_come_from_the_table(self):
        Booking = self.env["club.booking"]
        states = [value for value, _label in Booking._fields["state"].selection]
        self.assertEqual(states, [outcome.state for outcome in OUTCOMES])
        log_as = [value for value, _label in Booking._fields["log_status"].selection]
        self.assertEqual(log_as, ["completed", "no_show"])

    def test_colour_and_credit_follow_the_outcome(self):
        for status in ("completed", "no_show"):
            with self.subTest(status=status):
                credit = self.credit()
                booking = self.book()
                self.assertEqual(booking.color, OUTCOME_BY_STATE["booked"].color)
                booking.log_booking(status)
                self.assertEqual(booking.color, OUTCOME_BY_STATE[status].color)
                self.assertEqual(
                    credit.state, {"completed": "used", "no_show": "lost"}[status]
                )

    def test_transitions_outside_the_table_are_refused(self):
        booking = self.book()
        booking.log_booking("completed")
        for status in ("no_show", "cancelled"):
            with self.subTest(status=status), self.assertRaises(UserError):
                booking.sudo().write({"state": status})
        self.assertEqual(booking.state, "completed")

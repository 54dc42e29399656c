"""A fee invoiced once (issue 16): each invoice line names its penalty by a
field (``account.move.line.club_penalty_id``), the invoicing job and credit
notes follow that link and never labels; the booking number comes from the
sequence and is read-only; fees are bounded, and a member whose invoice fails
does not stop the others."""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .penalty_common import PENALTY_JOB, T0
from .test_penalty_invoicing import InvoicingCase

MAX_FEE = 100_000


class TestOneLinePerPenalty(InvoicingCase):
    def same_name(self, bookings, name="BK-SAME"):
        """Bookings named alike: only the superuser can do it now (a database
        of before the rule may hold such names)."""
        bookings.sudo().write({"name": name})
        self.assertEqual(set(bookings.mapped("name")), {name})

    def test_two_no_shows_of_one_member_named_alike(self):
        with freeze_time(T0):
            bookings = self.book_at(T0 - self.hours(3)) | self.book_at(
                T0 - self.hours(3)
            )
            self.same_name(bookings)
            penalties = self.no_show(bookings)
        self.assertEqual(len(penalties), 2)
        summary = self.invoice_at(T0 + self.hours(25))
        self.assertEqual((summary["invoiced"], summary["invoices"]), (2, 1))
        invoice = penalties.invoice_id
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.amount_total, 20.0)
        self.assertEqual(set(penalties.mapped("state")), {"invoiced"})
        # One line each, linked both ways.
        self.assertEqual(len(penalties.invoice_line_id), 2)
        self.assertEqual(penalties.invoice_line_id, invoice.invoice_line_ids)
        for penalty in penalties:
            self.assertEqual(penalty.invoice_line_id.club_penalty_id, penalty)
        # Nothing left to charge again.
        summary = self.invoice_at(T0 + self.hours(50))
        self.assertEqual(summary["invoiced"], 0)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("partner_id", "=", self.member.id)]
            ),
            1,
        )
        # Waiving one credits exactly its line: 10, not 20.
        first, second = penalties
        with freeze_time(T0 + self.hours(51)):
            first.with_user(self.desk).action_waive("Flat tyre")
        credit_note = first.credit_note_id
        self.assertEqual(credit_note.amount_total, 10.0)
        (line,) = credit_note.invoice_line_ids
        self.assertEqual(line.club_penalty_id, first)
        self.assertEqual(invoice.amount_residual, 10.0)
        self.assertEqual(second.state, "invoiced")
        with freeze_time(T0 + self.hours(52)):
            second.with_user(self.desk).action_waive("Flat tyre again")
        self.assertEqual(second.credit_note_id.amount_total, 10.0)
        self.assertEqual(second.credit_note_id.invoice_line_ids.club_penalty_id, second)
        self.assertEqual(invoice.amount_residual, 0.0)

    def test_members_of_one_session_named_alike_in_one_batch(self):
        session = self.env["club.session"].create(
            {"offering_id": self.spinning.id, "start": T0 - self.hours(3)}
        )
        with freeze_time(T0):
            bookings = self.env["club.booking"].create(
                [
                    {"partner_id": partner.id, "session_id": session.id}
                    for partner in (self.member, self.other_member)
                ]
            )
            self.same_name(bookings)
            penalties = self.no_show(bookings)
        self.spinning.no_show_fee = 12.0  # the penalties keep their amount
        self.invoice_at(T0 + self.hours(25))
        self.assertEqual(set(penalties.mapped("state")), {"invoiced"})
        for penalty in penalties:
            invoice = penalty.invoice_id
            self.assertEqual(invoice.partner_id, penalty.partner_id)
            self.assertEqual(invoice.invoice_line_ids, penalty.invoice_line_id)
            self.assertEqual(invoice.invoice_line_ids.club_penalty_id, penalty)
            self.assertEqual(invoice.amount_total, 10.0)
        self.assertEqual(len(penalties.invoice_id), 2)
        mia = penalties.filtered(lambda p: p.partner_id == self.member)
        mia._cancel_for_bookings(mia.booking_id, "Logged the wrong member")
        self.assertEqual(mia.credit_note_id.partner_id, self.member)
        self.assertEqual(mia.credit_note_id.amount_total, 10.0)
        self.assertEqual((penalties - mia).state, "invoiced")

    def test_a_line_without_its_penalty_is_not_credited(self):
        """The credit note keeps the lines of its penalties only: a line that
        is not theirs (added by hand to the invoice) is never reversed."""
        mia, _otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        spinning = mia.filtered(lambda p: p.amount == 10.0)
        spinning.with_user(self.desk).action_waive("Goodwill")
        self.assertEqual(
            spinning.credit_note_id.invoice_line_ids.club_penalty_id, spinning
        )
        self.assertEqual(spinning.credit_note_id.amount_total, 10.0)

    def test_nobody_relinks_a_line(self):
        mia, otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        accountant = new_test_user(
            self.env,
            login="club_accountant",
            groups="base.group_user,account.group_account_manager",
        )
        line = otto.invoice_line_id
        for user in (accountant, self.manager):
            with (
                self.subTest(user=user.login),
                self.assertRaises(UserError),  # AccessError included
                self.cr.savepoint(),
            ):
                line.with_user(user).write({"club_penalty_id": mia[0].id})
        self.assertEqual(line.club_penalty_id, otto)


class TestBookingNumber(InvoicingCase):
    def test_the_number_comes_from_the_sequence(self):
        for user in (self.desk, self.manager):
            booking = (
                self.env["club.booking"]
                .with_user(user)
                .create(
                    {
                        "partner_id": self.member.id,
                        "offering_id": self.spinning.id,
                        "start": T0,
                        "name": "BK-CHOSEN",
                    }
                )
            )
            self.assertNotEqual(booking.name, "BK-CHOSEN", user.login)
            self.assertTrue(booking.name)
            for name in ("BK-CHOSEN", booking.name + "x", ""):
                with (
                    self.subTest(user=user.login, name=name),
                    self.assertRaises(UserError),  # AccessError included
                    self.cr.savepoint(),
                ):
                    booking.with_user(user).write({"name": name})
            # Writing the same value back (a form saving it) is harmless.
            booking.with_user(user).write({"name": booking.name})

    def test_two_bookings_never_share_a_number(self):
        bookings = (
            self.env["club.booking"]
            .with_user(self.desk)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "offering_id": self.spinning.id,
                        "start": T0,
                        "name": "BK-1",
                    }
                    for partner in (self.member, self.other_member)
                ]
            )
        )
        self.assertEqual(len(set(bookings.mapped("name"))), 2)


class TestFeeBounds(InvoicingCase):
    def test_fees_are_bounded(self):
        for field in ("no_show_fee", "late_cancel_fee"):
            out_of_range = (-1, -0.01, MAX_FEE + 0.01, 1e14, 1e20, float("inf"))
            for value in (*out_of_range, float("nan")):
                with (
                    self.subTest(field=field, value=value),
                    self.assertRaisesRegex(ValidationError, "between 0 and 100,000"),
                    self.cr.savepoint(),
                ):
                    self.spinning.with_user(self.manager).write({field: value})
            for value in (0, 0.01, 12.5, MAX_FEE):
                self.spinning.with_user(self.manager).write({field: value})
                self.assertEqual(self.spinning[field], value)

    def test_penalty_amounts_are_bounded(self):
        with freeze_time(T0):
            booking = self.book_at(T0 - self.hours(3))
        for value, error in (
            # 0 and below: the table's own check refuses them.
            (0, IntegrityError),
            (-5, IntegrityError),
            (MAX_FEE + 1, ValidationError),
            (1e20, ValidationError),
        ):
            with (
                self.subTest(value=value),
                self.assertRaises(error),
                mute_logger("odoo.sql_db"),
                self.cr.savepoint(),
            ):
                self.Penalty.create(
                    {
                        "partner_id": self.member.id,
                        "booking_id": booking.id,
                        "kind": "no_show",
                        "amount": value,
                        "company_id": self.company.id,
                    }
                )

    def store_fee(self, offering, value):
        """A fee stored before the bound existed."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE club_offering SET no_show_fee = %s WHERE id = %s",
            (value, offering.id),
        )
        offering.invalidate_recordset(["no_show_fee"])

    def test_an_out_of_range_fee_of_before_the_bound_is_capped(self):
        self.store_fee(self.spinning, 1e20)
        with freeze_time(T0):
            penalty = self.no_show_at(T0 - self.hours(3))
        self.assertEqual(penalty.amount, MAX_FEE)

    def test_a_failing_member_does_not_stop_the_others(self):
        mia, otto = self.penalties_at_t0()
        # A penalty stored out of range before the bound: Mia's invoice would
        # be unbalanced.
        bad = mia.filtered(lambda p: p.amount == 15.0)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE club_penalty SET amount = 1e20 WHERE id = %s", (bad.id,)
        )
        bad.invalidate_recordset(["amount"])
        with self.assertLogs(PENALTY_JOB, "ERROR") as logs:
            summary = self.invoice_at(T0 + self.hours(25))
        self.assertEqual(otto.state, "invoiced")
        self.assertEqual(set(mia.mapped("state")), {"pending"})
        self.assertEqual(summary["invoiced"], 1)
        self.assertEqual(summary["failed_members"], 1)
        self.assertEqual(summary["failed"], 0)
        self.assertIn(self.member.name, logs.output[0])
        self.assertIn(bad.display_name, logs.output[0])
        self.assertFalse(
            self.env["account.move"].search([("partner_id", "=", self.member.id)])
        )
        # Waiving the bad one lets Mia's other penalty be invoiced.
        bad.with_user(self.desk).action_waive("Typo in the fee")
        summary = self.invoice_at(T0 + self.hours(26))
        self.assertEqual(summary["failed_members"], 0)
        self.assertEqual(set(mia.mapped("state")), {"waived", "invoiced"})

    @mute_logger(PENALTY_JOB)
    def test_an_error_while_invoicing_one_member_names_the_member(self):
        mia, otto = self.penalties_at_t0()
        move_class = type(self.env["account.move"])
        original = move_class.action_post

        def action_post(moves):
            if self.member in moves.partner_id:
                raise UserError("The member's account is blocked")
            return original(moves)

        with (
            patch.object(move_class, "action_post", action_post),
            self.assertLogs(PENALTY_JOB, "ERROR") as logs,
        ):
            summary = self.invoice_at(T0 + self.hours(25))
        self.assertEqual(otto.state, "invoiced")
        self.assertEqual(set(mia.mapped("state")), {"pending"})
        self.assertEqual(summary["failed_members"], 1)
        self.assertIn(self.member.name, logs.output[0])
        self.assertIn("account is blocked", logs.output[0])
        for penalty in mia:
            self.assertIn(penalty.display_name, logs.output[0])

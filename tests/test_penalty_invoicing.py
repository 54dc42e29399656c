"""The scheduled action ``ir_cron_club_penalties``: pending penalties are invoiced
after the grace period, one invoice per member and run, the member told by email;
waived or cancelled invoiced penalties get a credit note reconciled with it."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, new_test_user
from odoo.tools import mute_logger

from .kiosk_common import NOW, KioskCase
from .penalty_common import PENALTY_JOB, T0, KilledRun, PenaltyCase


class InvoicingCase(PenaltyCase):
    def penalties_at_t0(self):
        """At T0: Mia two no-shows (spinning 10, yoga 15), Otto one (spinning)."""
        with freeze_time(T0):
            mia = self.no_show_at(T0 - self.hours(3)) | self.no_show_at(
                T0 - self.hours(2), offering=self.yoga
            )
            otto = self.no_show_at(T0 - self.hours(1), partner=self.other_member)
        return mia, otto

    def invoice_at(self, moment):
        with freeze_time(moment):
            return self.run_invoicing()


class TestInvoicing(InvoicingCase):
    def test_grace_period(self):
        mia, otto = self.penalties_at_t0()
        summary = self.invoice_at(T0 + self.hours(24) - timedelta(seconds=1))
        self.assertEqual(summary["invoiced"], 0)
        self.assertEqual(set((mia | otto).mapped("state")), {"pending"})
        with freeze_time(T0 + self.hours(24)):
            self.assertEqual(
                self.Penalty.search([("grace_ended", "=", True)]), mia | otto
            )
            summary = self.run_invoicing()
        self.assertEqual((summary["invoiced"], summary["invoices"]), (3, 2))
        self.assertEqual(set((mia | otto).mapped("state")), {"invoiced"})

    def test_one_invoice_per_member_one_line_per_penalty(self):
        self.member.property_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        mia, otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        invoice = mia.invoice_id
        self.assertEqual(len(invoice), 1)
        self.assertNotEqual(invoice, otto.invoice_id)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.member)
        self.assertEqual(invoice.company_id, self.company)
        self.assertEqual(invoice.amount_total, 25.0)
        self.assertEqual(invoice.invoice_date, (T0 + self.hours(25)).date())
        # Due by the member's payment terms.
        self.assertEqual(
            invoice.invoice_date_due, invoice.invoice_date + timedelta(days=30)
        )
        self.assertEqual(otto.invoice_id.invoice_date_due, otto.invoice_id.invoice_date)
        lines = invoice.invoice_line_ids
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.product_id, self.fee_product)
        for penalty in mia:
            line = penalty.invoice_line_id
            self.assertIn(line, lines)
            self.assertEqual(line.price_subtotal, penalty.amount)
            self.assertEqual(line.price_total, penalty.amount, "no tax by default")
            self.assertIn(penalty.booking_id.name, line.name)
            self.assertIn(penalty.booking_id.offering_id.name, line.name)
            self.assertIn("3/10/26", line.name)
            self.assertIn(f"Invoiced on {invoice.name}", self.notes(penalty)[0])
        self.assertEqual(invoice.club_penalty_ids, mia)
        self.assertIn(mia[0].booking_id.name, invoice.invoice_origin)

    def test_the_member_is_told_by_email_through_odoos_sending(self):
        """The job queues the invoices for Odoo's own sending (sending_data,
        its scheduled action "Send invoices automatically"), which mails them
        with the club's template and the invoice PDF."""
        mia, otto = self.penalties_at_t0()
        self.other_member.email = False
        self.invoice_at(T0 + self.hours(25))
        invoices = (mia | otto).invoice_id
        self.assertEqual(len(invoices), 2)
        for invoice in invoices:
            self.assertTrue(invoice.sending_data)
            self.assertFalse(invoice.is_move_sent)
        send = self.env.ref("account.ir_cron_account_move_send")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", send.id)]),
            "Odoo's sending is triggered",
        )
        self.env["account.move"]._cron_account_move_send(job_count=1000)
        invoice = mia.invoice_id
        self.assertFalse(invoices.filtered("sending_data"))
        (message,) = self.sent_messages(invoice)
        self.assertEqual(message.partner_ids, self.member)
        self.assertIn(invoice.name, message.subject)
        for penalty in mia:
            self.assertIn(penalty.booking_id.name, message.body)
        self.assertIn("25.00", message.body)
        # The invoice's PDF (Odoo's tests render it as HTML without
        # wkhtmltopdf), attached to the mail and kept on the invoice.
        self.assertTrue(invoice.invoice_pdf_report_id)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertTrue(invoice.is_move_sent)
        # Without an email address: invoiced, its PDF made, not emailed.
        self.assertEqual(otto.state, "invoiced")
        self.assertFalse(self.sent_messages(otto.invoice_id))

    def test_without_wkhtmltopdf_the_mail_goes_without_the_pdf(self):
        mia, _otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        Send = type(self.env["account.move.send"])
        with patch.object(Send, "_club_pdf_available", lambda self: False):
            self.env["account.move"]._cron_account_move_send(job_count=1000)
        invoice = mia.invoice_id
        (message,) = self.sent_messages(invoice)
        self.assertEqual(message.partner_ids, self.member)
        self.assertFalse(message.attachment_ids)
        self.assertFalse(invoice.invoice_pdf_report_id)
        self.assertTrue(invoice.is_move_sent)
        self.assertFalse(invoice.sending_data)

    def sent_messages(self, invoice):
        return invoice.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.partner_ids
        )

    def test_invoiced_once(self):
        mia, otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        invoices = (mia | otto).invoice_id
        summary = self.invoice_at(T0 + self.hours(50))
        self.assertEqual(summary["invoiced"], 0)
        self.assertEqual((mia | otto).invoice_id, invoices)
        self.assertEqual(len(invoices.invoice_line_ids), 3)
        self.assertEqual(invoices.invoice_line_ids, (mia | otto).invoice_line_id)
        # A new no-show of Mia's: a new invoice for it alone.
        with freeze_time(T0 + self.hours(50)):
            later = self.no_show_at(T0 + self.hours(49))
        self.invoice_at(T0 + self.hours(75))
        self.assertEqual(later.state, "invoiced")
        self.assertNotIn(later.invoice_id, invoices)
        self.assertEqual(later.invoice_id.invoice_line_ids, later.invoice_line_id)

    def test_late_cancel_penalties_charge_the_late_cancel_fee(self):
        """What an outcome with penalty="late_cancel" creates (the late cancel
        outcome names it in the outcome table)."""
        with freeze_time(T0):
            bookings = self.book_at(T0 + self.hours(2), offering=self.yoga)
            bookings |= self.book_at(T0 + self.hours(3))  # no late-cancel fee
            penalty = self.Penalty._create_for_bookings(bookings, "late_cancel")
        self.assertEqual(penalty.booking_id, bookings[0])
        self.assertEqual((penalty.kind, penalty.amount), ("late_cancel", 7.5))
        self.assertIn("Late-cancel fee of", self.notes(penalty)[0])
        self.invoice_at(T0 + self.hours(25))
        self.assertEqual(penalty.state, "invoiced")
        self.assertTrue(
            penalty.invoice_line_id.name.startswith("Late-cancel fee: Yoga")
        )

    def test_forgiven_and_waived_penalties_are_not_invoiced(self):
        self.company.club_forgive_count = 1
        mia, otto = self.penalties_at_t0()
        forgiven = (mia | otto).filtered(lambda p: p.state == "forgiven")
        self.assertEqual(len(forgiven), 2)
        pending = mia - forgiven
        pending.with_user(self.desk).action_waive("Ill")
        summary = self.invoice_at(T0 + self.hours(25))
        self.assertEqual(summary["invoiced"], 0)
        self.assertFalse((mia | otto).invoice_id)

    def test_grace_of_zero_hours(self):
        self.company.club_penalty_grace_hours = 0
        mia, otto = self.penalties_at_t0()
        self.invoice_at(T0)
        self.assertEqual(set((mia | otto).mapped("state")), {"invoiced"})

    def test_the_grace_period_is_set_when_the_penalty_arises(self):
        mia, _otto = self.penalties_at_t0()
        self.company.club_penalty_grace_hours = 72
        self.assertEqual(set(mia.mapped("grace_end")), {T0 + self.hours(24)})
        self.invoice_at(T0 + self.hours(25))
        self.assertEqual(set(mia.mapped("state")), {"invoiced"})

    def test_scheduled_action(self):
        cron = self.env.ref("club_session_logoff.ir_cron_club_penalties")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "club.penalty")
        self.assertIn("_cron_invoice_penalties()", cron.code)
        mia, otto = self.penalties_at_t0()
        with freeze_time(T0 + self.hours(25)):
            cron.method_direct_trigger()
        self.assertEqual(set((mia | otto).mapped("state")), {"invoiced"})

    def test_killed_midway_the_next_run_finishes_the_job(self):
        mia, otto = self.penalties_at_t0()
        self.durable = self.env.cr.savepoint()
        self.crash_at = 2
        with (
            patch(f"{PENALTY_JOB}.BATCH_MEMBERS", 1),
            freeze_time(T0 + self.hours(25)),
        ):
            # Not self.assertRaises: its own savepoint would end with the batch's.
            try:
                self.run_invoicing()
            except KilledRun:
                pass
            else:
                self.fail("the run should have been killed")
            self.durable.rollback()
            self.env.invalidate_all()
            # The first member's batch is committed, the second one undone
            # whole: no invoice, no email, still pending.
            first, second = (
                (mia, otto)
                if self.member.id < self.other_member.id
                else (
                    otto,
                    mia,
                )
            )
            self.assertEqual(set(first.mapped("state")), {"invoiced"})
            self.assertEqual(set(second.mapped("state")), {"pending"})
            self.assertFalse(
                self.env["account.move"].search(
                    [("partner_id", "=", second.partner_id.id)]
                )
            )
            self.crash_at = None
            summary = self.run_invoicing()
        self.assertEqual(summary["invoiced"], len(second))
        self.assertEqual(set((mia | otto).mapped("state")), {"invoiced"})
        for member in self.member | self.other_member:
            invoices = self.env["account.move"].search([("partner_id", "=", member.id)])
            self.assertEqual(len(invoices), 1, member.name)
            self.assertTrue(invoices.sending_data, "queued for Odoo's sending")

    def test_time_budget_leaves_the_rest_for_the_next_run(self):
        mia, otto = self.penalties_at_t0()
        # Real time (the budget is measured with time.monotonic()): long after T0.
        summary = self.env["club.penalty.job"]._run(self.company, time_budget=1e-9)
        self.assertEqual((summary["invoiced"], summary["remaining"]), (0, 3))
        self.assertEqual(set((mia | otto).mapped("state")), {"pending"})

    @mute_logger(PENALTY_JOB)
    def test_a_failing_club_does_not_stop_the_others(self):
        other = self.env["res.company"].create({"name": "No Accounting Club"})
        offering = self.env["club.offering"].create(
            {"name": "Their Spin", "company_id": other.id, "no_show_fee": 5}
        )
        with freeze_time(T0):
            booking = self.book_at(T0 - self.hours(2), offering=offering)
            booking._apply_outcome("no_show")
        theirs = booking.penalty_ids
        mia, otto = self.penalties_at_t0()
        with freeze_time(T0 + self.hours(25)):
            # Every club with penalties to invoice: theirs has no journal.
            summary = self.env["club.penalty.job"]._run()
        self.assertEqual(summary["failed"], 1)
        self.assertEqual(theirs.state, "pending")
        self.assertEqual(set((mia | otto).mapped("state")), {"invoiced"})

    def test_without_a_fee_product_the_default_one(self):
        """A database upgraded to penalties has no fee product set."""
        mia, _otto = self.penalties_at_t0()
        self.company.club_penalty_product_id = False
        self.invoice_at(T0 + self.hours(25))
        self.assertEqual(mia.invoice_line_id.product_id, self.fee_product)

    @mute_logger(PENALTY_JOB)
    def test_no_fee_product_says_so(self):
        mia, _otto = self.penalties_at_t0()
        self.env["res.company"].search([]).club_penalty_product_id = False
        self.fee_product.unlink()
        with (
            freeze_time(T0 + self.hours(25)),
            self.assertLogs(PENALTY_JOB, "ERROR") as logs,
        ):
            summary = self.run_invoicing()
        self.assertEqual(summary["failed"], 1)
        self.assertIn("no fee product", logs.output[0])
        self.assertEqual(set(mia.mapped("state")), {"pending"})


class TestCreditNotes(InvoicingCase):
    def setUp(self):
        super().setUp()
        self.mia, self.otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        self.invoice = self.mia.invoice_id

    def receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def test_waiving_an_invoiced_penalty_posts_a_reconciled_credit_note(self):
        spinning, yoga = self.mia.sorted(lambda p: p.amount)
        with freeze_time(T0 + self.hours(30)):
            yoga.with_user(self.desk).action_waive("Injured, doctor note")
        credit_note = yoga.credit_note_id
        self.assertEqual(yoga.state, "waived")
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertEqual(credit_note.partner_id, self.member)
        # Only the waived penalty's line, its amount.
        (line,) = credit_note.invoice_line_ids
        self.assertEqual(line.name, yoga.invoice_line_id.name)
        self.assertEqual(line.product_id, self.fee_product)
        self.assertEqual(credit_note.amount_total, 15.0)
        self.assertIn("Injured, doctor note", credit_note.ref)
        # Reconciled: the member owes the other penalty only.
        self.assertTrue(self.receivable(credit_note).reconciled)
        self.assertEqual(self.invoice.amount_residual, 10.0)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertEqual(self.invoice.state, "posted", "never deleted nor cancelled")
        self.assertIn(credit_note.name, self.notes(yoga)[0])
        self.assertEqual(spinning.state, "invoiced")

    def test_waiving_the_whole_invoice(self):
        self.mia.with_user(self.desk).action_waive("Club closed that day")
        credit_note = self.mia.credit_note_id
        self.assertEqual(len(credit_note), 1)
        self.assertEqual(credit_note.amount_total, 25.0)
        self.assertEqual(len(credit_note.invoice_line_ids), 2)
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.assertIn(self.invoice.payment_state, ("reversed", "paid"))
        self.member.invalidate_recordset(["club_past_due"])
        self.assertFalse(self.member.club_past_due)

    def test_correcting_the_outcome_cancels_with_a_credit_note(self):
        cancelled = self.Penalty._cancel_for_bookings(
            self.otto.booking_id, "He was there: wrong member logged"
        )
        self.assertEqual(cancelled, self.otto)
        self.assertEqual(self.otto.state, "cancelled")
        credit_note = self.otto.credit_note_id
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_total, 10.0)
        self.assertEqual(self.otto.invoice_id.amount_residual, 0.0)
        self.assertIn("cancelled", self.notes(self.otto)[0])

    def test_paid_invoice_leaves_the_credit_to_the_member(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.otto.invoice_id.ids
        ).create({})._create_payments()
        self.assertIn(self.otto.invoice_id.payment_state, ("paid", "in_payment"))
        self.otto.with_user(self.desk).action_waive("Goodwill")
        credit_note = self.otto.credit_note_id
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_residual, 10.0, "the member's credit")

    def test_waive_from_the_form_of_an_invoiced_penalty(self):
        action = self.otto.with_user(self.desk).action_open_waive_wizard()
        with Form(
            self.env[action["res_model"]]
            .with_user(self.desk)
            .with_context(action["context"])
        ) as wizard:
            wizard.reason = "Billing mistake"
        wizard.record.action_waive()
        self.assertEqual(self.otto.state, "waived")
        self.assertEqual(self.otto.credit_note_id.amount_total, 10.0)


class TestPastDue(InvoicingCase):
    def test_overdue_penalty_invoice_makes_the_member_past_due(self):
        mia, _otto = self.penalties_at_t0()
        self.invoice_at(T0 + self.hours(25))
        invoice = mia.invoice_id
        self.assertEqual(invoice.invoice_date_due, (T0 + self.hours(25)).date())
        with freeze_time(T0 + self.hours(26)):
            self.member.invalidate_recordset(["club_past_due"])
            self.assertFalse(self.member.club_past_due, "due today")
        with freeze_time(T0 + self.hours(25 + 24)):
            self.member.invalidate_recordset(["club_past_due"])
            self.assertTrue(self.member.club_past_due)
            self.assertEqual(
                fields.Date.today(), invoice.invoice_date_due + timedelta(1)
            )


class TestKioskOverduePenalty(KioskCase, InvoicingCase):
    def test_overdue_penalty_invoice_sends_the_member_to_the_front_desk(self):
        logged_at = NOW - timedelta(days=10)
        with freeze_time(logged_at):
            penalty = self.no_show_at(logged_at - self.hours(2))
        with freeze_time(NOW):
            self.assertFalse(self.identify()["front_desk"], "pending: nothing due")
        self.invoice_at(logged_at + self.hours(25))
        self.assertEqual(penalty.state, "invoiced")
        with freeze_time(NOW):
            self.env.invalidate_all()
            result = self.identify()
            self.assertTrue(result["front_desk"])
            self.assertEqual(result["bookings"], [])
            # Waived at the desk: the credit note settles it, the next scan
            # goes through.
            penalty.with_user(self.desk).action_waive("Paid cash at the desk")
            self.env.invalidate_all()
            self.assertFalse(self.identify()["front_desk"])


class TestTwoClubs(InvoicingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.club_b = cls.env["res.company"].create({"name": "Club B"})
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.club_b, install_demo=False
        )
        cls.spin_b = cls.env["club.offering"].create(
            {"name": "Spin B", "company_id": cls.club_b.id, "no_show_fee": 8.0}
        )
        cls.desk_b = new_test_user(
            cls.env,
            login="club_desk_b",
            groups="base.group_user,club_session_logoff.group_booking_user",
            company_id=cls.club_b.id,
            company_ids=[Command.set(cls.club_b.ids)],
        )

    def test_each_club_invoices_its_own_penalties(self):
        mia_here, _otto = self.penalties_at_t0()
        with freeze_time(T0):
            booking = self.book_at(T0 - self.hours(2), offering=self.spin_b)
            booking._apply_outcome("no_show")
        mia_there = booking.penalty_ids
        with freeze_time(T0 + self.hours(25)):
            summary = self.env["club.penalty.job"]._run()
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(summary["invoices"], 3)
        invoice_there = mia_there.invoice_id
        self.assertEqual(invoice_there.company_id, self.club_b)
        self.assertEqual(invoice_there.journal_id.company_id, self.club_b)
        self.assertEqual(invoice_there.amount_total, 8.0)
        self.assertNotEqual(invoice_there, mia_here.invoice_id)
        self.assertEqual(mia_here.invoice_id.company_id, self.company)
        self.assertEqual(mia_here.invoice_id.amount_total, 25.0)
        # Each club's staff see their own.
        self.assertEqual(
            self.env["club.penalty"].with_user(self.desk_b).search([]), mia_there
        )
        self.assertNotIn(
            mia_there, self.env["club.penalty"].with_user(self.desk).search([])
        )
        mia_there.with_user(self.desk_b).action_waive("Club B's call")
        self.assertEqual(mia_there.credit_note_id.company_id, self.club_b)
        self.assertEqual(invoice_there.amount_residual, 0.0)

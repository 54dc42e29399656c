"""Penalties: created by the no-show outcome, forgiven by the club's rule, waived
by the front desk, cancelled when the outcome is corrected."""

import html
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user
from odoo.tools import format_amount, format_datetime

from odoo.addons.club_session_logoff.models.club_booking_outcomes import (
    OUTCOME_BY_STATE,
)
from odoo.addons.club_session_logoff.models.club_unlogged_job import POLICIES, Policy

from .penalty_common import T0, PenaltyCase
from .test_unlogged import UNLOGGED, UnloggedCase


@freeze_time(T0)
class TestPenaltyCreation(PenaltyCase):
    def test_no_show_of_an_offering_with_a_fee_creates_a_pending_penalty(self):
        booking = self.book_at(T0 - self.hours(2))
        penalty = self.no_show(booking)
        self.assertEqual(len(penalty), 1)
        self.assertEqual(penalty.state, "pending")
        self.assertEqual(penalty.kind, "no_show")
        self.assertEqual(penalty.amount, 10.0)
        self.assertEqual(penalty.currency_id, self.company.currency_id)
        self.assertEqual(penalty.booking_id, booking)
        self.assertEqual(penalty.partner_id, self.member)
        self.assertEqual(penalty.company_id, self.company)
        self.assertEqual(penalty.date, T0)
        self.assertEqual(penalty.grace_end, T0 + self.hours(24))
        self.assertFalse(penalty.grace_ended)
        self.assertFalse(penalty.invoice_id)
        # A chatter line on both, written by the staff member who logged it.
        (line,) = penalty.message_ids
        self.assertIn("No-show fee of", line.body)
        self.assertIn(booking.name, line.body)
        self.assertIn("pending", line.body)
        self.assertEqual(line.author_id, self.logger.partner_id)
        booking_lines = [b for b in self.notes(booking) if "fee" in b]
        self.assertEqual(len(booking_lines), 1)
        self.assertIn("pending", booking_lines[0])
        self.assertEqual(booking.penalty_count, 1)

    def test_no_penalty_without_a_fee_or_for_another_outcome(self):
        no_fee = self.book_at(T0 - self.hours(2), offering=self.training)
        self.no_show(no_fee, user=self.manager)
        attended = self.book_at(T0 - self.hours(3))
        attended.with_user(self.logger).log_booking("completed")
        cancelled = self.book_at(T0 + self.hours(3))
        cancelled.with_user(self.desk).action_cancel()
        self.assertFalse((no_fee | attended | cancelled).penalty_ids)
        self.assertFalse(self.Penalty.search([("partner_id", "=", self.member.id)]))

    def test_the_outcome_table_names_the_penalty(self):
        self.assertEqual(OUTCOME_BY_STATE["no_show"].penalty, "no_show")
        self.assertIsNone(OUTCOME_BY_STATE["completed"].penalty)
        self.assertIsNone(OUTCOME_BY_STATE["cancelled"].penalty)

    def test_a_batch_of_no_shows_at_once_in_constant_queries(self):
        """A roster's or a list's batch: one penalty each, created together;
        the number of queries does not grow with the batch."""
        members = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "club_member_ref": f"B-{i}"} for i in range(40)]
        )
        self.company.club_forgive_count = 1

        def batch(size, offset):
            bookings = self.env["club.booking"].browse()
            for i in range(size):
                bookings |= self.book_at(
                    T0 - self.hours(2) - self.hours(i % 3),
                    partner=members[offset + i // 2],
                )
            bookings._apply_outcome("no_show", source="staff")
            self.env.flush_all()
            self.env.invalidate_all()
            Penalty = type(self.Penalty)
            create = Penalty._create_for_bookings
            counted = {}

            def counting(model, records, kind, user=None):
                before = self.env.cr.sql_log_count
                result = create(model, records, kind, user)
                model.env.flush_all()
                counted["queries"] = self.env.cr.sql_log_count - before
                return result

            again = self.env["club.booking"].browse()
            for i in range(size):
                again |= self.book_at(
                    T0 - self.hours(5) - self.hours(i % 3),
                    partner=members[offset + i // 2],
                )
            self.env.flush_all()
            self.env.invalidate_all()
            with patch.object(Penalty, "_create_for_bookings", counting):
                again._apply_outcome("no_show", source="staff")
            return bookings | again, counted["queries"]

        small, small_queries = batch(4, 0)
        large, large_queries = batch(36, 2)
        self.assertEqual(len(large.penalty_ids), 72)
        self.assertLessEqual(large_queries, small_queries + 3)
        # Every member's first no-show is forgiven: the earliest session of
        # the first batch that logged the member's no-shows.
        for member in members[2:20]:
            penalties = large.penalty_ids.filtered(
                lambda p, m=member: p.partner_id == m
            )
            self.assertEqual(len(penalties), 4)
            forgiven = penalties.filtered(lambda p: p.state == "forgiven")
            self.assertEqual(len(forgiven), 1)
            first_batch = penalties.sorted("id")[:2]
            self.assertEqual(
                forgiven, first_batch.sorted(lambda p: p.booking_id.start)[0]
            )

    def test_each_line_of_a_batch_gives_its_own_amount_and_grace_end(self):
        """A batch of penalties of different fees, pending and forgiven: each
        chatter line (on the penalty and on its booking) gives that penalty's
        own amount, and its grace end while pending (the batch formats each
        distinct amount and grace end once)."""
        self.company.club_forgive_count = 1
        batch = (
            # The member's first no-show is forgiven, the second pending.
            self.book_at(T0 - self.hours(4))
            | self.book_at(T0 - self.hours(2), offering=self.yoga)
            | self.book_at(
                T0 - self.hours(5), offering=self.yoga, partner=self.other_member
            )
            | self.book_at(T0 - self.hours(3), partner=self.other_member)
        )
        penalties = self.no_show(batch, user=self.manager)
        self.assertEqual(
            sorted((p.booking_id.start, p.amount, p.state) for p in penalties),
            [
                (T0 - self.hours(5), 15.0, "forgiven"),
                (T0 - self.hours(4), 10.0, "forgiven"),
                (T0 - self.hours(3), 10.0, "pending"),
                (T0 - self.hours(2), 15.0, "pending"),
            ],
        )
        tz = self.company._club_tz().zone
        for penalty in penalties:
            amount = format_amount(self.env, penalty.amount, penalty.currency_id)
            # (The bodies are HTML: "$&nbsp;10.00".)
            (line,) = map(html.unescape, self.notes(penalty))
            (booking_line,) = [
                html.unescape(b) for b in self.notes(penalty.booking_id) if "fee" in b
            ]
            for body in (line, booking_line):
                self.assertIn(amount, body)
                if penalty.state == "pending":
                    grace_end = format_datetime(self.env, penalty.grace_end, tz=tz)
                    self.assertIn(grace_end, body)
                else:
                    self.assertIn("1 of 1 forgiven in 30 days", body)
            other = 15.0 if penalty.amount == 10.0 else 10.0
            self.assertNotIn(format_amount(self.env, other, penalty.currency_id), line)

    def test_reopening_a_no_show_cancels_its_penalty(self):
        booking = self.book_at(T0 - self.hours(2))
        penalty = self.no_show(booking)
        booking.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(penalty.state, "cancelled")
        self.assertIn("Reopened", penalty.reason)
        # Logged again: one penalty that holds.
        self.no_show(booking)
        self.assertEqual(booking.penalty_ids.mapped("state"), ["pending", "cancelled"])
        # Reopened again: its penalties keep it from being deleted.
        booking.with_user(self.manager).action_reset_to_booked()
        with self.assertRaisesRegex(UserError, "Bookings with penalties"):
            booking.with_user(self.manager).unlink()

    def test_offering_fees_cannot_be_negative(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.spinning.with_user(self.manager).no_show_fee = -1
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.spinning.with_user(self.manager).late_cancel_fee = -0.01


class TestPenaltyFromScheduledAction(UnloggedCase):
    def test_no_shows_logged_by_the_scheduled_action_are_charged(self):
        """Whatever logs a no-show through _apply_outcome charges it: here a
        nightly policy (a rule that logs no-shows, as the evidence rule does)."""
        self.spinning.no_show_fee = 12.0
        self.set_policy("none")
        bookings = self.book(hours_ago=24 * 5) | self.book(
            hours_ago=24 * 6, partner=self.other_member
        )
        no_show = Policy(
            "no_show",
            lambda company: True,
            "_step_auto_log",
            status="no_show",
            note="No-show (test rule, %(days)s days).",
        )
        with patch(f"{UNLOGGED}.POLICIES", (no_show, *POLICIES)):
            self.env["club.unlogged.job"]._run(self.company)
        self.assertEqual(set(bookings.mapped("state")), {"no_show"})
        penalties = bookings.penalty_ids
        self.assertEqual(len(penalties), 2)
        self.assertEqual(set(penalties.mapped("state")), {"pending"})
        self.assertEqual(penalties.company_id, self.company)
        self.assertEqual(penalties.mapped("amount"), [12.0, 12.0])
        self.assertEqual(penalties.partner_id, self.member | self.other_member)


class TestForgiveness(PenaltyCase):
    def setUp(self):
        super().setUp()
        self.company.write({"club_forgive_count": 1, "club_forgive_days": 30})

    def test_first_penalty_in_the_window_is_forgiven_and_says_why(self):
        with freeze_time(T0):
            first = self.no_show_at(T0 - self.hours(2))
            second = self.no_show_at(T0 - self.hours(1))
        self.assertEqual(first.state, "forgiven")
        self.assertEqual(first.forgiveness_note, "1 of 1 forgiven in 30 days")
        self.assertFalse(first.grace_end)
        self.assertIn("forgiven: 1 of 1 forgiven in 30 days", self.notes(first)[0])
        self.assertIn(
            "forgiven (1 of 1 forgiven in 30 days)",
            " ".join(self.notes(first.booking_id)),
        )
        self.assertEqual(second.state, "pending")
        self.assertFalse(second.forgiveness_note)

    def test_window_edge(self):
        """A penalty counts while less than the window's days old."""
        with freeze_time(T0):
            self.no_show_at(T0 - self.hours(2))
            self.no_show_at(T0 - self.hours(2), partner=self.other_member)
        # One second inside the window: Mia's first penalty still counts.
        inside = T0 + self.hours(30 * 24) - self.hours(1 / 3600)
        with freeze_time(inside):
            still = self.no_show_at(inside - self.hours(2))
        self.assertEqual(still.state, "pending")
        # Exactly 30 days later: Otto's first penalty is out of the window.
        edge = T0 + self.hours(30 * 24)
        with freeze_time(edge):
            again = self.no_show_at(edge - self.hours(2), partner=self.other_member)
        self.assertEqual(again.state, "forgiven")
        self.assertEqual(again.forgiveness_note, "1 of 1 forgiven in 30 days")

    def test_count_reached(self):
        self.company.write({"club_forgive_count": 2, "club_forgive_days": 60})
        with freeze_time(T0):
            penalties = [
                self.no_show_at(T0 - self.hours(10 - i)).ensure_one() for i in range(3)
            ]
        self.assertEqual(
            [p.state for p in penalties], ["forgiven", "forgiven", "pending"]
        )
        self.assertEqual(
            [p.forgiveness_note for p in penalties],
            ["1 of 2 forgiven in 60 days", "2 of 2 forgiven in 60 days", False],
        )

    def test_pending_and_waived_penalties_count_cancelled_ones_do_not(self):
        with freeze_time(T0):
            first = self.no_show_at(T0 - self.hours(3))
            self.assertEqual(first.state, "forgiven")
            # The outcome was wrong: the forgiveness is the member's again.
            self.Penalty._cancel_for_bookings(first.booking_id, "Was there")
            second = self.no_show_at(T0 - self.hours(2))
            self.assertEqual(second.state, "forgiven")
            third = self.no_show_at(T0 - self.hours(1))
            self.assertEqual(third.state, "pending")
            third.with_user(self.desk).action_waive("Ill")
        with freeze_time(T0 + self.hours(24 * 29)):
            fourth = self.no_show_at(T0 + self.hours(24 * 29 - 1))
        self.assertEqual(fourth.state, "pending")

    def test_no_forgiveness_when_count_is_zero(self):
        self.company.club_forgive_count = 0
        with freeze_time(T0):
            penalty = self.no_show_at(T0 - self.hours(2))
        self.assertEqual(penalty.state, "pending")

    def test_other_clubs_penalties_do_not_count(self):
        other = self.env["res.company"].create(
            {"name": "Other Club", "club_forgive_count": 1}
        )
        offering = self.env["club.offering"].create(
            {"name": "Other Spin", "company_id": other.id, "no_show_fee": 5}
        )
        self.logger.company_ids = [Command.link(other.id)]
        with freeze_time(T0):
            there = self.no_show(
                self.book_at(T0 - self.hours(3), offering=offering).with_company(other)
            )
            here = self.no_show_at(T0 - self.hours(2))
        self.assertEqual((there.state, there.company_id), ("forgiven", other))
        self.assertEqual((here.state, here.company_id), ("forgiven", self.company))


@freeze_time(T0)
class TestWaive(PenaltyCase):
    def test_front_desk_waives_a_pending_penalty_with_a_reason(self):
        penalty = self.no_show_at(T0 - self.hours(2))
        penalty.with_user(self.desk).action_waive("  Doctor note  ")
        self.assertEqual(penalty.state, "waived")
        self.assertEqual(penalty.reason, "Doctor note")
        self.assertFalse(penalty.credit_note_id)
        self.assertIn("waived: Doctor note", self.notes(penalty)[0])
        self.assertIn("waived", " ".join(self.notes(penalty.booking_id)))
        self.assertEqual(
            self.notes(penalty)[0].count("waived"), 1, "one line for the waiver"
        )

    def test_who_may_waive(self):
        penalty = self.no_show_at(T0 - self.hours(2))
        for user in (self.viewer, self.logger):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                penalty.with_user(user).action_waive("No")
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                penalty.with_user(user).action_open_waive_wizard()
        self.assertEqual(penalty.state, "pending")
        # Nobody edits a penalty: its actions do.
        with self.assertRaises(AccessError):
            penalty.with_user(self.manager).write({"state": "waived"})
        penalty.with_user(self.manager).action_waive("Manager's call")
        self.assertEqual(penalty.state, "waived")

    def test_reason_is_required(self):
        penalty = self.no_show_at(T0 - self.hours(2))
        # A zero-width space, punctuation: no letter or digit, no reason.
        for reason in (None, "", "   ", 42, "\u200b", " \u200b\u2060 ", "--", "\u00a0"):
            with self.subTest(reason=reason), self.assertRaises(UserError):
                penalty.with_user(self.desk).action_waive(reason)
        self.assertEqual(penalty.state, "pending")

    def test_only_pending_or_invoiced_all_or_nothing(self):
        self.company.club_forgive_count = 1
        forgiven = self.no_show_at(T0 - self.hours(3))
        pending = self.no_show_at(T0 - self.hours(2))
        self.assertEqual((forgiven.state, pending.state), ("forgiven", "pending"))
        with self.assertRaisesRegex(UserError, "is Forgiven"):
            (forgiven | pending).with_user(self.desk).action_waive("Both")
        self.assertEqual(pending.state, "pending")
        pending.with_user(self.desk).action_waive("Once")
        with self.assertRaisesRegex(UserError, "is Waived"):
            pending.with_user(self.desk).action_waive("Twice")

    def test_waive_wizard(self):
        penalties = self.no_show_at(T0 - self.hours(3)) | self.no_show_at(
            T0 - self.hours(2)
        )
        action = penalties.with_user(self.desk).action_open_waive_wizard()
        self.assertEqual(action["res_model"], "club.penalty.waive.wizard")
        with Form(
            self.env[action["res_model"]]
            .with_user(self.desk)
            .with_context(action["context"])
        ) as wizard:
            self.assertEqual(len(wizard.penalty_ids), 2)
            wizard.reason = "Storm, the club was hard to reach"
        wizard.record.action_waive()
        self.assertEqual(set(penalties.mapped("state")), {"waived"})
        self.assertEqual(
            set(penalties.mapped("reason")), {"Storm, the club was hard to reach"}
        )

    def test_other_clubs_penalties_stay_out_of_reach(self):
        other = self.env["res.company"].create({"name": "Other Club"})
        offering = self.env["club.offering"].create(
            {"name": "Other Spin", "company_id": other.id, "no_show_fee": 5}
        )
        booking = self.book_at(T0 - self.hours(2), offering=offering)
        booking._apply_outcome("no_show")
        penalty = booking.penalty_ids
        self.assertEqual(penalty.company_id, other)
        desk = self.env["club.penalty"].with_user(self.desk)
        self.assertNotIn(penalty, desk.search([]))
        with self.assertRaises(AccessError):
            penalty.with_user(self.desk).action_waive("Not mine")
        self.assertEqual(penalty.state, "pending")
        mine = self.no_show_at(T0 - self.hours(1))
        self.assertIn(mine, desk.search([]))


@freeze_time(T0)
class TestCancelForBookings(PenaltyCase):
    def test_pending_and_forgiven_penalties_are_cancelled(self):
        self.company.club_forgive_count = 1
        forgiven = self.no_show_at(T0 - self.hours(3))
        pending = self.no_show_at(T0 - self.hours(2))
        waived = self.no_show_at(T0 - self.hours(1))
        waived.with_user(self.desk).action_waive("Ill")
        bookings = (forgiven | pending | waived).booking_id
        cancelled = self.Penalty._cancel_for_bookings(bookings, "Wrong member")
        self.assertEqual(cancelled, forgiven | pending)
        self.assertEqual(
            (forgiven | pending).mapped("state"), ["cancelled", "cancelled"]
        )
        self.assertEqual(pending.reason, "Wrong member")
        self.assertIn("cancelled: Wrong member", self.notes(pending)[0])
        self.assertEqual(waived.state, "waived", "settled already")
        with self.assertRaises(UserError):
            self.Penalty._cancel_for_bookings(bookings, " ")


class TestPenaltySettings(PenaltyCase):
    def test_defaults(self):
        company = self.env["res.company"].create({"name": "New Club"})
        self.assertEqual(company.club_penalty_product_id, self.fee_product)
        self.assertEqual(company.club_penalty_grace_hours, 24)
        self.assertEqual(
            (company.club_forgive_count, company.club_forgive_days), (0, 30)
        )
        self.assertEqual(self.fee_product.type, "service")
        self.assertFalse(self.fee_product.taxes_id)

    def test_club_manager_configures_the_no_show_policy(self):
        manager = new_test_user(
            self.env,
            login="club_manager_only",
            groups="base.group_user,club_session_logoff.group_club_manager",
        )
        product = self.env["product.product"].create(
            {"name": "Late fee", "type": "service"}
        )
        self.company.with_user(manager).write(
            {
                "club_penalty_product_id": product.id,
                "club_penalty_grace_hours": 48,
                "club_forgive_count": 2,
                "club_forgive_days": 60,
            }
        )
        self.assertEqual(self.company.club_penalty_product_id, product)
        self.assertEqual(self.company.club_penalty_grace_hours, 48)
        with self.assertRaises(AccessError):
            self.company.with_user(self.desk).write({"club_forgive_count": 3})

    def test_bounds(self):
        for name, value, text in (
            ("club_penalty_grace_hours", -1, "between 0 and 720, not -1"),
            ("club_penalty_grace_hours", 721, "between 0 and 720, not 721"),
            ("club_forgive_count", 11, "between 0 and 10, not 11"),
            ("club_forgive_count", -1, "between 0 and 10, not -1"),
            ("club_forgive_days", 0, "between 1 and 365, not 0"),
            ("club_forgive_days", 366, "between 1 and 365, not 366"),
        ):
            with (
                self.subTest(name=name, value=value),
                self.assertRaisesRegex(ValidationError, text),
                self.cr.savepoint(),
            ):
                self.company.with_user(self.manager).write({name: value})
        for name, value in (
            ("club_penalty_grace_hours", 0),
            ("club_penalty_grace_hours", 720),
            ("club_forgive_count", 10),
            ("club_forgive_days", 1),
            ("club_forgive_days", 365),
        ):
            self.company.with_user(self.manager).write({name: value})
            self.assertEqual(self.company[name], value)

    def test_fee_product_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Other Club"})
        product = self.env["product.product"].create(
            {"name": "Their fee", "type": "service", "company_id": other.id}
        )
        with self.assertRaisesRegex(ValidationError, "belongs to another company"):
            self.company.club_penalty_product_id = product

    def test_settings_pages_show_the_no_show_policy(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.club_penalty_product_id, self.fee_product)
        settings.club_forgive_count = 3
        settings.execute()
        self.assertEqual(self.company.club_forgive_count, 3)
        arch = settings.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="club_no_show_policy"', arch)
        self.assertIn("club_penalty_grace_hours", arch)
        form = self.env.ref("club_session_logoff.res_company_view_form_club")
        arch = (
            self.env["res.company"]
            .with_user(self.manager)
            .get_views([(form.id, "form")])["views"]["form"]["arch"]
        )
        for name in (
            "club_penalty_product_id",
            "club_penalty_grace_hours",
            "club_forgive_count",
            "club_forgive_days",
        ):
            self.assertIn(name, arch)


@freeze_time(T0)
class TestPenaltyViews(PenaltyCase):
    def test_member_account_has_a_penalties_tab(self):
        penalty = self.no_show_at(T0 - self.hours(2))
        member = self.member.with_user(self.viewer)
        self.assertEqual(member.club_penalty_ids, penalty)
        view = self.env.ref("club_session_logoff.res_partner_view_form_club_account")
        arch = member.get_views([(view.id, "form")])["views"]["form"]["arch"]
        self.assertIn('name="penalties"', arch)
        self.assertIn("club_penalty_ids", arch)
        opened = penalty.with_user(self.viewer).action_open_penalty()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]), ("club.penalty", penalty.id)
        )
        action = penalty.booking_id.with_user(self.viewer).action_view_penalties()
        self.assertEqual(action["domain"], [("booking_id", "=", penalty.booking_id.id)])

    def test_penalties_menu_and_filters(self):
        menu = self.env.ref("club_session_logoff.menu_club_penalties")
        self.assertEqual(
            menu.action, self.env.ref("club_session_logoff.club_penalty_action")
        )
        visible = self.env["ir.ui.menu"].with_user(self.viewer)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        arch = (
            self.env["club.penalty"]
            .with_user(self.viewer)
            .get_views([(False, "search")])["views"]["search"]["arch"]
        )
        for name in ("pending", "to_invoice", "invoiced", "waived"):
            self.assertIn(f'name="{name}"', arch)
        self.company.club_forgive_count = 1
        forgiven = self.no_show_at(T0 - self.hours(3))
        pending = self.no_show_at(T0 - self.hours(2))
        Penalty = self.env["club.penalty"].with_user(self.viewer)
        self.assertEqual(Penalty.search([("state", "=", "pending")]), pending)
        self.assertFalse(Penalty.search([("grace_ended", "=", True)]))
        self.assertEqual(
            Penalty.search([("grace_ended", "=", False)]), forgiven | pending
        )
        with freeze_time(T0 + self.hours(24)):
            self.assertEqual(Penalty.search([("grace_ended", "=", True)]), pending)
            pending.invalidate_recordset(["grace_ended"])
            self.assertTrue(pending.grace_ended)

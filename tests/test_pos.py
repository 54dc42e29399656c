"""Point of Sale: paying bookings and selling session credits, through the POS's
own order sync entry point (pos.order.sync_from_ui), as a cashier."""

import copy
import re
from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.point_of_sale.tests import common as pos_common


@tagged("post_install", "-at_install")
class TestPosBookings(pos_common.TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        # The accounting test user that runs these tests also manages the club.
        cls.env.user.groups_id |= cls.env.ref("club_session_logoff.group_club_manager")
        cls.now = fields.Datetime.now()
        Product = cls.env["product.product"]
        cls.class_product = Product.create(
            {
                "name": "Class Session",
                "type": "service",
                "available_in_pos": True,
                "lst_price": 15.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.pt_product = Product.create(
            {
                "name": "Personal Training Session",
                "type": "service",
                "available_in_pos": True,
                "lst_price": 60.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.pack_product = Product.create(
            {
                "name": "10 Class Pack",
                "type": "service",
                "available_in_pos": True,
                "lst_price": 120.0,
                "taxes_id": [Command.clear()],
                "club_credit_type": "class",
                "club_credits_per_unit": 10,
            }
        )
        cls.water = Product.create(
            {
                "name": "Water",
                "type": "consu",
                "available_in_pos": True,
                "lst_price": 2.0,
                "taxes_id": [Command.clear()],
            }
        )
        Offering = cls.env["club.offering"]
        cls.spinning = Offering.create(
            {
                "name": "Spinning",
                "offering_type": "class",
                "product_id": cls.class_product.id,
            }
        )
        cls.yoga = Offering.create(
            {
                "name": "Yoga",
                "offering_type": "class",
                "product_id": cls.class_product.id,
            }
        )
        cls.training = Offering.create(
            {
                "name": "Personal Training",
                "offering_type": "service",
                "product_id": cls.pt_product.id,
            }
        )
        cls.member = cls.env["res.partner"].create({"name": "Mia Member"})
        cls.newcomer = cls.env["res.partner"].create({"name": "Nina Newcomer"})
        company = {
            "company_id": cls.env.company.id,
            "company_ids": [Command.set(cls.env.company.ids)],
        }
        cls.cashier = new_test_user(
            cls.env,
            login="club_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            **company,
        )
        cls.pos_manager = new_test_user(
            cls.env,
            login="club_pos_manager",
            groups="base.group_user,point_of_sale.group_pos_manager",
            **company,
        )
        cls.club_staff = new_test_user(
            cls.env,
            login="club_staff_no_pos",
            groups="base.group_user,club_session_logoff.group_club_manager",
            **company,
        )
        cls.front_desk = new_test_user(
            cls.env,
            login="club_front_desk",
            groups="base.group_user,club_session_logoff.group_club_manager,"
            "point_of_sale.group_pos_user",
            **company,
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def book(self, offering=None, partner=None, hours_ago=2, **vals):
        return self.env["club.booking"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": (offering or self.spinning).id,
                "start": self.now - timedelta(hours=hours_ago),
                **vals,
            }
        )

    def order_data(self, lines, customer=None, **kwargs):
        """sync_from_ui data; a line is (product, qty) or a dict with extra line
        values (club_booking_id, refunded_orderline_id, ...)."""
        params = []
        for line in lines:
            if isinstance(line, dict):
                params.append(line)
            else:
                params.append({"product": line[0], "quantity": line[1]})
        return self.create_ui_order_data(params, customer=customer, **kwargs)

    def sync(self, *orders, user=None):
        result = (
            self.env["pos.order"]
            .with_user(user or self.cashier)
            .sync_from_ui(list(orders))
        )
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def pay_booking(self, booking, customer=None, product=None, **kwargs):
        data = self.order_data(
            [
                {
                    "product": product or booking.offering_id.product_id,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=customer or booking.partner_id,
            **kwargs,
        )
        return self.sync(data)

    @contextmanager
    def refused(self, exception, message):
        """assertRaisesRegex, rolling back what the refused call did."""
        with self.assertRaises(exception) as catcher:
            yield
        self.assertRegex(str(catcher.exception), message)

    def assert_refused(self, data, message):
        with self.refused(UserError, message):
            self.sync(data)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))

    # ------------------------------------------------------------------
    # Paying a booking
    # ------------------------------------------------------------------
    def test_paid_order_pays_a_completed_booking(self):
        booking = self.book()
        booking.log_booking("completed")
        self.assertFalse(booking.is_paid)

        order = self.pay_booking(booking)

        self.assertEqual(order.state, "paid")
        self.assertTrue(booking.is_paid)
        credit = booking.credit_id
        self.assertEqual(credit.pos_order_line_id, order.lines)
        self.assertEqual(credit.state, "used")
        self.assertEqual(credit.partner_id, self.member)
        self.assertEqual(credit.offering_id, self.spinning)
        self.assertTrue(credit.paid_date)
        self.assertEqual(booking.pos_order_id, order)
        self.assertEqual(order.lines.club_booking_id, booking)
        self.assertIn("Paid by", booking.message_ids[0].body)

    def test_the_pos_gets_the_booking_back_after_the_sync(self):
        booking = self.book()
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        result = self.env["pos.order"].with_user(self.cashier).sync_from_ui([data])
        self.assertEqual(result["pos.order.line"][0]["club_booking_id"], booking.id)
        self.assertEqual(
            [(b["id"], b["name"], b["is_paid"]) for b in result["club.booking"]],
            [(booking.id, booking.name, True)],
        )

    def test_paid_order_replaces_the_unpaid_credit_of_an_open_booking(self):
        unpaid = self.env["club.session.credit"].create(
            {"partner_id": self.member.id, "offering_type": "class", "is_paid": False}
        )
        booking = self.book(hours_ago=-24)
        self.assertEqual(booking.credit_id, unpaid)

        self.pay_booking(booking)

        self.assertTrue(booking.is_paid)
        self.assertNotEqual(booking.credit_id, unpaid)
        self.assertEqual(booking.credit_id.state, "available")
        self.assertEqual(unpaid.state, "available")
        self.assertFalse(unpaid.booking_id)
        # Logging it later consumes the paid credit.
        booking.sudo().start = self.now - timedelta(hours=1)
        booking.log_booking("completed")
        self.assertEqual(booking.credit_id.state, "used")

    def test_paying_a_no_show_keeps_it_lost(self):
        booking = self.book()
        booking.log_booking("no_show")
        self.pay_booking(booking)
        self.assertTrue(booking.is_paid)
        self.assertEqual(booking.credit_id.state, "lost")

    def test_draft_then_paid_creates_one_credit(self):
        booking = self.book()
        booking.log_booking("completed")
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        draft = dict(data, state="draft", payment_ids=[], amount_paid=0)
        order = self.sync(draft)
        self.assertEqual(order.state, "draft")
        self.assertFalse(booking.is_paid, "a draft order pays nothing")

        self.sync(dict(data, state="paid", lines=[], access_token=order.access_token))

        self.assertEqual(order.state, "paid")
        self.assertTrue(booking.is_paid)
        self.assertEqual(len(order.lines.club_credit_ids), 1)

    # ------------------------------------------------------------------
    # Refunds
    # ------------------------------------------------------------------
    def test_refund_makes_the_booking_unpaid_again(self):
        booking = self.book()
        booking.log_booking("completed")
        order = self.pay_booking(booking)
        credit = booking.credit_id

        refund = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": -1,
                    "refunded_orderline_id": order.lines.id,
                }
            ],
            customer=self.member,
        )
        self.sync(refund)

        self.assertFalse(booking.is_paid)
        self.assertFalse(booking.credit_id)
        self.assertEqual(booking.state, "completed")
        self.assertEqual(credit.state, "refunded")
        self.assertFalse(credit.is_paid)
        self.assertIn("refunded", booking.message_ids[0].body)
        # ... and it can be paid again.
        self.pay_booking(booking)
        self.assertTrue(booking.is_paid)

    def test_refund_of_a_pack_takes_back_free_credits_first(self):
        used_by = self.book()
        order = self.sync(
            self.order_data([(self.pack_product, 1)], customer=self.member)
        )
        credits = order.lines.club_credit_ids
        self.assertEqual(len(credits), 10)
        used_by.log_booking("completed")
        self.assertTrue(used_by.is_paid)

        refund = self.order_data(
            [
                {
                    "product": self.pack_product,
                    "quantity": -1,
                    "refunded_orderline_id": order.lines.id,
                }
            ],
            customer=self.member,
        )
        self.sync(refund)

        self.assertEqual(set(credits.mapped("state")), {"refunded"})
        self.assertFalse(used_by.is_paid, "the money went back: the session is unpaid")

    def test_back_office_refund_paid_with_the_payment_wizard(self):
        """Refund and payment from the back office by a POS manager without
        club rights: Odoo's own wizard path (pos.make.payment), not the sync."""
        booking = self.book()
        booking.log_booking("completed")
        order = self.pay_booking(booking)
        water = self.sync(self.order_data([(self.water, 2)]))

        for paid in (order, water):
            action = paid.with_user(self.pos_manager).refund()
            refund = self.env["pos.order"].browse(action["res_id"])
            payment = (
                self.env["pos.make.payment"]
                .with_user(self.pos_manager)
                .with_context(active_id=refund.id, active_ids=refund.ids)
                .create(
                    {
                        "amount": refund.amount_total,
                        "payment_method_id": self.cash_pm1.id,
                    }
                )
            )
            payment.check()
            self.assertEqual(refund.state, "paid")

        self.assertFalse(booking.is_paid)
        self.assertEqual(order.lines.club_credit_ids.state, "refunded")

    # ------------------------------------------------------------------
    # Refusals, whatever the client sends
    # ------------------------------------------------------------------
    def test_paying_a_paid_booking_is_refused(self):
        booking = self.book()
        booking.log_booking("completed")
        self.pay_booking(booking)
        credit = booking.credit_id

        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        self.assert_refused(data, "paid already")
        self.assertEqual(booking.credit_id, credit)

    def test_a_booking_paid_by_a_prepaid_credit_is_refused(self):
        self.env["club.session.credit"].create(
            {"partner_id": self.member.id, "offering_type": "class", "is_paid": True}
        )
        booking = self.book()
        self.assertTrue(booking.is_paid)
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        self.assert_refused(data, "paid already")

    def test_two_lines_for_one_booking_are_refused(self):
        booking = self.book()
        line = {
            "product": self.class_product,
            "quantity": 1,
            "club_booking_id": booking.id,
        }
        data = self.order_data([line, dict(line)], customer=self.member)
        self.assert_refused(data, "twice")
        self.assertFalse(booking.is_paid)

    def test_two_lines_for_one_booking_are_refused_in_a_draft_too(self):
        booking = self.book()
        line = {
            "product": self.class_product,
            "quantity": 1,
            "club_booking_id": booking.id,
        }
        data = self.order_data([line], customer=self.member)
        order = self.sync(dict(data, state="draft", payment_ids=[], amount_paid=0))
        second = self.order_data([dict(line)], customer=self.member)["lines"]
        with self.refused(UserError, "twice"):
            self.sync(
                dict(
                    data,
                    state="draft",
                    lines=second,
                    payment_ids=[],
                    amount_paid=0,
                    access_token=order.access_token,
                )
            )
        self.assertEqual(len(order.lines), 1)

    def test_wrong_product_quantity_or_state_is_refused(self):
        booking = self.book()
        data = self.order_data(
            [{"product": self.water, "quantity": 1, "club_booking_id": booking.id}],
            customer=self.member,
        )
        self.assert_refused(data, "credit product")
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 2,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        self.assert_refused(data, "exactly one unit")
        booking.action_cancel()
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        self.assert_refused(data, "cancelled")
        self.assertFalse(
            self.env["club.session.credit"].search(
                [("partner_id", "=", self.member.id)]
            )
        )

    def test_credit_products_need_a_customer_and_whole_units(self):
        data = self.order_data([(self.pack_product, 1)])
        self.assert_refused(data, "Select the customer")
        data = self.order_data([(self.class_product, 1.5)], customer=self.member)
        self.assert_refused(data, "whole units")
        # Other products are sold to anyone.
        self.assertEqual(self.sync(self.order_data([(self.water, 1)])).state, "paid")

    # ------------------------------------------------------------------
    # Selling credits
    # ------------------------------------------------------------------
    def test_pack_of_credits(self):
        old = self.book(hours_ago=48)
        old.log_booking("completed")
        order = self.sync(
            self.order_data([(self.pack_product, 2)], customer=self.member)
        )

        credits = order.lines.club_credit_ids
        self.assertEqual(len(credits), 20)
        self.assertTrue(all(credits.mapped("is_paid")))
        self.assertEqual(set(credits.mapped("offering_type")), {"class"})
        self.assertFalse(credits.offering_id, "a pack gives generic class credits")
        self.assertEqual(credits.partner_id, self.member)
        # The foundation rule: a new paid credit pays the oldest completed booking.
        self.assertTrue(old.is_paid)
        self.assertEqual(len(credits.filtered(lambda c: c.state == "available")), 19)

    def test_customer_without_bookings_gets_credits(self):
        lines = [(self.pt_product, 1), (self.class_product, 1), (self.water, 3)]
        order = self.sync(self.order_data(lines, customer=self.newcomer))

        credits = order.lines.club_credit_ids
        self.assertEqual(len(credits), 2)
        training = credits.filtered(lambda c: c.offering_type == "service")
        # Named by one offering: a credit for that offering only.
        self.assertEqual(training.offering_id, self.training)
        # Named by two class offerings: a generic class credit.
        self.assertFalse((credits - training).offering_id)
        self.assertEqual(set(credits.mapped("state")), {"available"})
        self.assertFalse(credits.booking_id)
        # The next booking of the member takes a paid credit.
        booking = self.book(offering=self.training, partner=self.newcomer, hours_ago=-3)
        self.assertEqual(booking.credit_id, training)
        self.assertTrue(booking.is_paid)
        unpaid = (
            self.env["club.booking"]
            .with_user(self.cashier)
            .club_pos_unpaid_bookings(self.newcomer.id, self.config.id)
        )
        self.assertEqual(unpaid["club.booking"], [])

    def test_offerings_sharing_a_product_share_its_type(self):
        with self.refused(ValidationError, "another type"):
            self.env["club.offering"].create(
                {
                    "name": "Boxing PT",
                    "offering_type": "service",
                    "product_id": self.class_product.id,
                }
            )

    # ------------------------------------------------------------------
    # What cashiers see
    # ------------------------------------------------------------------
    def test_cashiers_read_bookings_only_through_the_pos_methods(self):
        booking = self.book()
        booking.log_booking("completed")
        paid = self.book(hours_ago=30)
        self.pay_booking(paid)
        self.book(hours_ago=5).action_cancel()
        other = self.book(partner=self.newcomer)

        Booking = self.env["club.booking"].with_user(self.cashier)
        with self.assertRaises(AccessError):
            Booking.browse(booking.id).read(["name"])
        with self.assertRaises(AccessError):
            self.env["club.session.credit"].with_user(self.cashier).search([])

        result = Booking.club_pos_unpaid_bookings(self.member.id, self.config.id)
        self.assertEqual([b["id"] for b in result["club.booking"]], [booking.id])
        self.assertEqual(
            set(result["club.booking"][0]),
            {
                "id",
                "name",
                "partner_id",
                "start",
                "state",
                "is_paid",
                "_offering_name",
                "_product_id",
                "_state_label",
            },
        )
        self.assertEqual(
            result["club.booking"][0]["_product_id"], self.class_product.id
        )
        self.assertEqual(list(result), ["club.booking"])
        self.assertNotIn(other.id, [b["id"] for b in result["club.booking"]])

        with self.assertRaises(AccessError):
            Booking.with_user(self.club_staff).club_pos_unpaid_bookings(
                self.member.id, self.config.id
            )
        for bad in (None, "1", [1], True):
            with self.assertRaises(UserError):
                Booking.club_pos_unpaid_bookings(bad, self.config.id)
            with self.assertRaises(UserError):
                Booking.club_pos_unpaid_bookings(self.member.id, bad)

    def test_waitlisted_bookings_are_not_paid_at_the_pos(self):
        """A waitlisted booking has no seat: the Unpaid bookings list leaves it
        out and nothing takes a payment for it (it is paid once promoted)."""
        session = self.env["club.session"].create(
            {
                "offering_id": self.spinning.id,
                "start": self.now + timedelta(days=1),
                "capacity": 1,
            }
        )
        Booking = self.env["club.booking"]
        Booking.create({"partner_id": self.newcomer.id, "session_id": session.id})
        waiting = Booking.create(
            {
                "partner_id": self.member.id,
                "session_id": session.id,
                "state": "waitlisted",
            }
        )
        booked = self.book()
        result = Booking.with_user(self.cashier).club_pos_unpaid_bookings(
            self.member.id, self.config.id
        )
        self.assertEqual([b["id"] for b in result["club.booking"]], [booked.id])
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": waiting.id,
                }
            ],
            customer=self.member,
        )
        self.assert_refused(data, "on the waitlist")
        with self.refused(UserError, "on the waitlist"):
            Booking.with_user(self.front_desk).club_pos_booking_to_pay(
                waiting.id, self.config.id
            )
        with self.refused(UserError, "on the waitlist"):
            waiting.with_user(self.front_desk).action_pay_at_pos()
        self.assertFalse(waiting.credit_id)
        self.assertEqual(waiting.state, "waitlisted")

    def test_booking_to_pay_from_the_back_office(self):
        booking = self.book()
        # Take Payment at POS serves staff who see the booking: a cashier
        # without club rights cannot read bookings by id through it.
        with self.refused(UserError, "Unknown booking"):
            self.env["club.booking"].with_user(self.cashier).club_pos_booking_to_pay(
                booking.id, self.config.id
            )
        Booking = self.env["club.booking"].with_user(self.front_desk)
        result = Booking.club_pos_booking_to_pay(booking.id, self.config.id)
        self.assertEqual(result["club.booking"][0]["name"], booking.name)
        self.assertEqual(result["club.booking"][0]["partner_id"], self.member.id)
        self.pay_booking(booking)
        with self.refused(UserError, "paid already"):
            Booking.club_pos_booking_to_pay(booking.id, self.config.id)
        with self.refused(UserError, "Unknown booking"):
            Booking.club_pos_booking_to_pay(0, self.config.id)

    def test_opening_the_pos_loads_only_bookings_of_open_orders(self):
        self.book()
        data = self.pos_session.with_user(self.cashier).load_data([])
        self.assertEqual(data["club.booking"]["data"], [])
        self.assertIn("club_booking_id", data["pos.order.line"]["fields"])

        booking = self.book(hours_ago=3)
        draft = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        self.sync(dict(draft, state="draft", payment_ids=[], amount_paid=0))
        data = self.pos_session.with_user(self.cashier).load_data([])
        self.assertEqual([b["id"] for b in data["club.booking"]["data"]], [booking.id])
        self.assertEqual(data["club.booking"]["data"][0]["name"], booking.name)

    def test_pos_reads_bookings_of_past_and_offline_orders(self):
        paid = self.book()
        self.pay_booking(paid)
        unpaid = self.book(hours_ago=6)
        other_paid = self.book(hours_ago=8)
        self.env["club.session.credit"].create(
            {"partner_id": self.member.id, "offering_type": "class", "is_paid": True}
        )
        other_paid.log_booking("completed")
        self.assertTrue(other_paid.is_paid)
        Booking = self.env["club.booking"].with_user(self.cashier)
        ids = [paid.id, unpaid.id, other_paid.id]
        result = Booking.club_pos_read_bookings(ids, self.config.id, [self.member.id])
        # Paid at this POS (ticket screen), unpaid of the customer of the order
        # holding it (order kept offline); not a booking the POS has nothing to
        # do with.
        self.assertEqual(sorted(b["id"] for b in result), sorted([paid.id, unpaid.id]))
        # Without its customer, an unpaid booking is not at hand.
        result = Booking.club_pos_read_bookings(ids, self.config.id)
        self.assertEqual([b["id"] for b in result], [paid.id])
        with self.assertRaises(UserError):
            Booking.club_pos_read_bookings(paid.id, self.config.id)

    # ------------------------------------------------------------------
    # Take Payment at POS (back office)
    # ------------------------------------------------------------------
    def test_action_pay_at_pos(self):
        booking = self.book()
        action = booking.with_user(self.front_desk).action_pay_at_pos()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"config_id={self.config.id}", action["url"])
        self.assertTrue(action["url"].endswith(f"&club_booking_id={booking.id}"))

        with self.assertRaises(AccessError):
            booking.with_user(self.club_staff).action_pay_at_pos()

        self.pos_session.post_closing_cash_details(0)
        self.pos_session.close_session_from_ui()
        action = booking.with_user(self.front_desk).action_pay_at_pos()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["title"], "No Point of Sale is open")

    def test_action_pay_at_pos_refuses_what_cannot_be_paid(self):
        no_product = self.env["club.offering"].create({"name": "Open Gym"})
        with self.refused(UserError, "no credit product"):
            self.book(offering=no_product).action_pay_at_pos()
        booking = self.book()
        self.pay_booking(booking)
        with self.refused(UserError, "paid already"):
            booking.action_pay_at_pos()

    # ------------------------------------------------------------------
    # Whole units, credits taken back once, only what is at hand (issue 8)
    # ------------------------------------------------------------------
    def refund_data(self, line, qty, product=None):
        """A refund order of ``qty`` (negative) of ``line``, as the POS's
        Refund button sends it."""
        return self.order_data(
            [
                {
                    "product": product or line.product_id,
                    "quantity": qty,
                    "refunded_orderline_id": line.id,
                }
            ],
            customer=line.order_id.partner_id,
        )

    def club_snapshot(self):
        """Every credit, the bookings' credits and the number of POS orders:
        what a refusal must leave untouched."""
        credits = self.env["club.session.credit"].search([])
        bookings = self.env["club.booking"].search([])
        return (
            sorted((c.id, c.partner_id.id, c.state, c.is_paid) for c in credits),
            sorted((b.id, b.credit_id.id, b.is_paid) for b in bookings),
            self.env["pos.order"].search_count([]),
        )

    def assert_refused_unchanged(self, data, message, user=None):
        before = self.club_snapshot()
        with self.refused(UserError, message):
            self.sync(copy.deepcopy(data), user=user)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertEqual(self.club_snapshot(), before)

    def other_club(self):
        """Another company with a class offering sold by the same product, and
        an unpaid booking of the member there."""
        other = self.env["res.company"].sudo().create({"name": "Other Club"})
        offering = (
            self.env["club.offering"]
            .sudo()
            .create(
                {
                    "name": "Other Spinning",
                    "offering_type": "class",
                    "product_id": self.class_product.id,
                    "company_id": other.id,
                }
            )
        )
        booking = (
            self.env["club.booking"]
            .sudo()
            .create(
                {
                    "partner_id": self.member.id,
                    "offering_id": offering.id,
                    "start": self.now - timedelta(hours=2),
                }
            )
        )
        self.assertEqual(booking.company_id, other)
        return other, booking

    def test_booking_lines_are_whole_units_in_sales_and_refunds(self):
        booking = self.book()
        booking.log_booking("completed")
        half = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 0.5,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        self.assert_refused_unchanged(half, "exactly one unit")
        order = self.pay_booking(booking)
        credit = booking.credit_id

        # Before: refunding the line as -0.5 twice gave the money back, and the
        # booking stayed paid.
        for _attempt in range(2):
            self.assert_refused_unchanged(
                self.refund_data(order.lines, -0.5),
                rf"booking {re.escape(booking.name)} is refunded as a whole: "
                r"refund 1 unit, not 0\.5",
            )
        self.assertTrue(booking.is_paid)
        self.assertEqual(credit.state, "used")
        self.assertEqual(order.lines.refunded_qty, 0)

        self.sync(self.refund_data(order.lines, -1))
        self.assertFalse(booking.is_paid)
        self.assertEqual(credit.state, "refunded")

    def test_credit_products_are_whole_units_in_sales_and_refunds(self):
        self.assert_refused_unchanged(
            self.order_data([(self.pack_product, 0.5)], customer=self.member),
            "sell whole units",
        )
        order = self.sync(
            self.order_data([(self.pack_product, 1)], customer=self.member)
        )
        credits = order.lines.club_credit_ids
        self.assertEqual(len(credits), 10)

        # Before: 0.45 + 0.45 + 0.1 gave all the money back and kept 10 credits.
        for qty in (-0.45, -0.45, -0.1):
            self.assert_refused_unchanged(
                self.refund_data(order.lines, qty),
                r"10 Class Pack sells session credits: refund whole units",
            )
        # Money back without the credits back: a negative sale, a refund line
        # of another product, a "refund" of a positive quantity.
        self.assert_refused_unchanged(
            self.order_data([(self.pack_product, -1)], customer=self.member),
            "a negative quantity would give the money back",
        )
        self.assert_refused_unchanged(
            self.refund_data(order.lines, -1, product=self.water),
            "refund 10 Class Pack with 10 Class Pack",
        )
        self.assert_refused_unchanged(
            self.refund_data(order.lines, 1), "by a negative quantity"
        )
        self.assertEqual(set(credits.mapped("state")), {"available"})
        # Other products keep Odoo's rules.
        water = self.order_data([(self.water, 1.5), (self.water, -0.5)])
        self.assertEqual(self.sync(water).state, "paid")

    def test_a_pack_refunded_in_two_whole_unit_refunds(self):
        order = self.sync(
            self.order_data([(self.pack_product, 3)], customer=self.member)
        )
        credits = order.lines.club_credit_ids
        self.assertEqual(len(credits), 30)
        completed = self.book()
        completed.log_booking("completed")
        upcoming = self.book(hours_ago=-24)
        self.assertTrue(completed.is_paid)
        self.assertTrue(upcoming.is_paid)

        first = self.sync(self.refund_data(order.lines, -1))
        refunded = credits.filtered(lambda c: c.state == "refunded")
        self.assertEqual(len(refunded), 10, "one unit of three: 10 credits of 30")
        self.assertFalse(refunded.booking_id, "free credits go back first")
        self.assertTrue(completed.is_paid)
        self.assertTrue(upcoming.is_paid)
        # Processing a refund again takes nothing more.
        first.lines.sudo()._club_refund_credits()
        self.assertEqual(len(credits.filtered(lambda c: c.state == "refunded")), 10)

        self.sync(self.refund_data(order.lines, -2))
        self.assertEqual(set(credits.mapped("state")), {"refunded"})
        self.assertFalse(completed.is_paid, "the money went back: unpaid again")
        self.assertFalse(upcoming.is_paid)
        self.assertEqual(order.lines.refunded_qty, 3)

        # Odoo would let a further refund of the line through (money back a
        # second time): refused, as the credits are.
        messages = completed.message_ids
        self.assert_refused_unchanged(
            self.refund_data(order.lines, -1),
            r"10 Class Pack: 3 sold, 3 refunded already: refund at most 0 more",
        )
        self.assertEqual(completed.message_ids, messages)
        self.assertEqual(order.lines.refunded_qty, 3)

    def test_a_refunded_sale_keeps_no_usable_credit(self):
        order = self.sync(
            self.order_data([(self.pack_product, 1)], customer=self.member)
        )
        credits = order.lines.club_credit_ids
        # The product changed since the sale: the refund follows what the
        # line sold, not today's product.
        self.pack_product.club_credits_per_unit = 5
        self.sync(self.refund_data(order.lines, -1))
        self.assertEqual(set(credits.mapped("state")), {"refunded"})

    def test_a_line_refunded_twice_takes_its_credits_back_once(self):
        completed = self.book()
        completed.log_booking("completed")
        upcoming = self.book(hours_ago=-24)
        paid_completed = self.pay_booking(completed)
        paid_upcoming = self.pay_booking(upcoming)
        credits = (completed | upcoming).credit_id
        pack = self.sync(
            self.order_data([(self.pack_product, 1)], customer=self.member)
        )
        pack_credits = pack.lines.club_credit_ids

        for order in (paid_completed, paid_upcoming):
            self.sync(self.refund_data(order.lines, -1))
        self.assertEqual(set(credits.mapped("state")), {"refunded"})
        self.assertFalse(completed.is_paid)
        # The open booking took the member's next free credit, a paid one.
        self.assertIn(upcoming.credit_id, pack_credits)
        self.assertTrue(upcoming.is_paid)
        after_first = self.club_snapshot()[:2]

        # A second full refund of each line (Odoo would allow it, the money
        # going back twice): refused, nothing changes.
        for order in (paid_completed, paid_upcoming):
            self.assert_refused_unchanged(
                self.refund_data(order.lines, -1),
                r"1 sold, 1 refunded already: refund at most 0 more",
            )
            self.assertEqual(order.lines.refunded_qty, 1)
        # Two refund lines of one sale in one order add up.
        pack_order = pack
        self.assert_refused_unchanged(
            self.order_data(
                [
                    {
                        "product": self.pack_product,
                        "quantity": -1,
                        "refunded_orderline_id": pack_order.lines.id,
                    },
                    {
                        "product": self.pack_product,
                        "quantity": -1,
                        "refunded_orderline_id": pack_order.lines.id,
                    },
                ],
                customer=self.member,
            ),
            r"1 sold, 0 refunded already: refund at most 1 more, not 2",
        )
        self.assertEqual(self.club_snapshot()[:2], after_first)
        free = pack_credits.filtered(lambda c: c.state == "available")
        self.assertEqual(free.booking_id, upcoming)
        self.assertEqual(len(free), 10, "one of them reserved by the upcoming one")
        for booking in completed | upcoming:
            refunds = booking.message_ids.filtered(
                lambda m: "Payment refunded" in (m.body or "")
            )
            self.assertEqual(len(refunds), 1, booking.name)

    def test_a_booking_of_another_company_is_refused_in_a_line(self):
        other, booking = self.other_club()
        two_clubs = new_test_user(
            self.env,
            login="club_cashier_two_clubs",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=self.env.company.id,
            company_ids=[Command.set((self.env.company | other).ids)],
        )
        data = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": booking.id,
                }
            ],
            customer=self.member,
        )
        for user in (self.cashier, two_clubs):
            self.assert_refused_unchanged(data, "another company", user=user)
        # Naming the booking's company on the order changes nothing: the
        # register's company is the one that counts.
        self.assert_refused_unchanged(
            dict(data, company_id=other.id), "another company", user=two_clubs
        )
        self.assertFalse(booking.is_paid)

    def test_the_pos_reads_only_the_bookings_at_hand(self):
        other, elsewhere = self.other_club()
        mine = self.book()
        theirs = self.book(partner=self.newcomer, hours_ago=3)
        ids = [mine.id, theirs.id, elsewhere.id]
        Booking = self.env["club.booking"].with_user(self.cashier)

        # Ids alone: nothing that is not on an order of this POS.
        self.assertEqual(Booking.club_pos_read_bookings(ids, self.config.id), [])
        # The customer at hand: their unpaid bookings of this register's company.
        read = Booking.club_pos_read_bookings(ids, self.config.id, [self.member.id])
        self.assertEqual([b["id"] for b in read], [mine.id])
        # A booking on an order of this POS (another register's open order).
        draft = self.order_data(
            [
                {
                    "product": self.class_product,
                    "quantity": 1,
                    "club_booking_id": theirs.id,
                }
            ],
            customer=self.newcomer,
        )
        self.sync(dict(draft, state="draft", payment_ids=[], amount_paid=0))
        read = Booking.club_pos_read_bookings(ids, self.config.id)
        self.assertEqual([b["id"] for b in read], [theirs.id])

        unpaid = Booking.club_pos_unpaid_bookings(self.member.id, self.config.id)
        self.assertEqual([b["id"] for b in unpaid["club.booking"]], [mine.id])
        for user in (self.cashier, self.front_desk):
            with self.refused(UserError, "Unknown booking"):
                Booking.with_user(user).club_pos_booking_to_pay(
                    elsewhere.id, self.config.id
                )

    def test_the_pos_methods_refuse_registers_the_user_cannot_use(self):
        other, _booking = self.other_club()
        booking = self.book()
        outsider = new_test_user(
            self.env,
            login="club_cashier_other_club",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        two_clubs = new_test_user(
            self.env,
            login="club_desk_two_clubs",
            groups="base.group_user,point_of_sale.group_pos_user,"
            "club_session_logoff.group_club_manager",
            company_id=other.id,
            company_ids=[Command.set((self.env.company | other).ids)],
        )
        calls = [
            ("club_pos_unpaid_bookings", (self.member.id,)),
            ("club_pos_booking_to_pay", (booking.id,)),
            ("club_pos_read_bookings", ([booking.id],)),
        ]
        Booking = self.env["club.booking"]
        other_company = [
            Booking.with_user(outsider),
            Booking.with_user(two_clubs).with_context(allowed_company_ids=other.ids),
        ]
        for method, args in calls:
            for caller in other_company:
                with self.refused(AccessError, "belongs to another company"):
                    getattr(caller, method)(*args, self.config.id)
            # A register without an open session.
            with self.refused(UserError, "Open a session"):
                getattr(Booking.with_user(self.front_desk), method)(
                    *args, self.other_currency_config.id
                )
        # The same user, working for this register's company, is served.
        result = Booking.with_user(two_clubs).club_pos_booking_to_pay(
            booking.id, self.config.id
        )
        self.assertEqual(result["club.booking"][0]["id"], booking.id)

    def test_the_pos_methods_refuse_malformed_arguments(self):
        booking = self.book()
        config = self.config.id
        Booking = self.env["club.booking"].with_user(self.front_desk)
        calls = []
        for bad in (None, True, False, "1", 1.0, 1.5, -1, 0, 2**31, 2**63, 10**30):
            calls += [
                ("club_pos_unpaid_bookings", (bad, config), {}),
                ("club_pos_unpaid_bookings", (self.member.id, bad), {}),
                ("club_pos_booking_to_pay", (bad, config), {}),
                ("club_pos_booking_to_pay", (booking.id, bad), {}),
                ("club_pos_read_bookings", ([booking.id], bad), {}),
                ("club_pos_read_bookings", ([bad], config), {}),
                ("club_pos_read_bookings", ([booking.id], config, [bad]), {}),
            ]
        for bad_list in ("1", booking.id, {"id": booking.id}, list(range(1, 1002))):
            calls += [
                ("club_pos_read_bookings", (bad_list, config), {}),
                ("club_pos_read_bookings", ([booking.id], config, bad_list), {}),
            ]
        calls += [
            ("club_pos_unpaid_bookings", ([self.member.id], config), {}),
            # Missing and extra arguments.
            ("club_pos_unpaid_bookings", (), {}),
            ("club_pos_booking_to_pay", (booking.id,), {}),
            ("club_pos_read_bookings", ([booking.id],), {}),
            ("club_pos_read_bookings", ([booking.id], config, [], "more"), {}),
            ("club_pos_unpaid_bookings", (self.member.id, config), {"limit": 9}),
            ("club_pos_booking_to_pay", (booking.id, config, config), {}),
        ]
        before = self.club_snapshot()
        for method, args, kwargs in calls:
            with (
                self.subTest(method=method, args=str(args)[:60], kwargs=kwargs),
                self.assertRaises(UserError),
            ):
                getattr(Booking, method)(*args, **kwargs)
        self.assertEqual(self.club_snapshot(), before)
        # The well-formed calls still work.
        self.assertEqual(
            Booking.club_pos_booking_to_pay(booking.id, config)["club.booking"][0][
                "id"
            ],
            booking.id,
        )

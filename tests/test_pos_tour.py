"""Point of Sale in headless Chromium: a cashier takes the payment of an unpaid
booking, from the POS's Unpaid bookings button and from the back office's Take
Payment at POS."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.point_of_sale.tests import test_frontend as pos_frontend


@tagged("post_install", "-at_install")
class TestPosBookingTour(pos_frontend.TestPointOfSaleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("club_session_logoff.group_club_manager")
        company = cls.main_pos_config.company_id
        cls.class_product = cls.env["product.product"].create(
            {
                "name": "Class Session",
                "type": "service",
                "available_in_pos": True,
                "lst_price": 15.0,
                "taxes_id": [Command.clear()],
            }
        )
        spinning = cls.env["club.offering"].create(
            {
                "name": "Spinning",
                "offering_type": "class",
                "product_id": cls.class_product.id,
                "company_id": company.id,
            }
        )
        cls.member = cls.env["res.partner"].create({"name": "Abby Member"})
        # A chosen booking number: only the superuser may give one.
        cls.booking = (
            cls.env["club.booking"]
            .sudo()
            .create(
                {
                    "name": "BK-TOUR-1",
                    "partner_id": cls.member.id,
                    "offering_id": spinning.id,
                    "start": fields.Datetime.now() - timedelta(hours=2),
                }
            )
        )
        cls.booking = cls.booking.sudo(False)
        cls.booking.log_booking("completed")
        cls.front_desk = new_test_user(
            cls.env,
            login="club_front_desk",
            groups="base.group_user,club_session_logoff.group_club_manager,"
            "point_of_sale.group_pos_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def assert_paid_by_the_pos(self):
        self.assertTrue(self.booking.is_paid)
        order = self.booking.pos_order_id
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.partner_id, self.member)
        self.assertEqual(order.lines.club_booking_id, self.booking)
        self.assertEqual(self.booking.credit_id.state, "used")

    def test_pay_an_unpaid_booking_from_the_pos(self):
        self.assertFalse(self.booking.is_paid)
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("club_pos_pay_unpaid_booking")
        self.assert_paid_by_the_pos()

    def test_a_late_first_bus_connection_is_not_a_reconnection(self):
        """Under load the bus's websocket may open after the POS loaded: the POS
        must not take it for a reconnection (which logged Odoo's warning
        "Reconnecting to channel CLOSING_SESSION / SYNCHRONISATION" and failed
        the run)."""
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("club_pos_late_first_bus_connection")

    def test_a_booking_line_survives_a_reload(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("club_pos_booking_line_survives_a_reload")
        self.assert_paid_by_the_pos()

    def test_take_payment_at_pos_from_the_back_office(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.main_pos_config.current_session_id.set_opening_control(0, None)
        action = self.booking.with_user(self.front_desk).action_pay_at_pos()
        self.assertEqual(action["type"], "ir.actions.act_url")
        # The action opens the register in the front desk's own browser: the
        # POS reads the booking as the user who may see it.
        self.start_tour(
            action["url"],
            "club_pos_take_payment_from_back_office",
            login="club_front_desk",
        )
        self.assert_paid_by_the_pos()

    def test_the_ticket_screen_shows_the_booking_of_a_paid_order(self):
        """An order paid at another moment (read back from the server by the
        ticket screen) still names its booking."""
        config = self.main_pos_config
        config.with_user(self.pos_user).open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        cash = config.payment_method_ids.filtered("is_cash_count")[:1]
        uuid = "00042-001-0001"
        line = {
            "product_id": self.class_product.id,
            "qty": 1,
            "price_unit": 15.0,
            "price_subtotal": 15.0,
            "price_subtotal_incl": 15.0,
            "tax_ids": [],
            "club_booking_id": self.booking.id,
        }
        payment = {
            "amount": 15.0,
            "name": fields.Datetime.now(),
            "payment_method_id": cash.id,
        }
        self.env["pos.order"].with_user(self.pos_user).sync_from_ui(
            [
                {
                    "name": f"Order {uuid}",
                    "uuid": uuid,
                    "session_id": session.id,
                    "sequence_number": 1,
                    "user_id": self.pos_user.id,
                    "partner_id": self.member.id,
                    "pricelist_id": config.pricelist_id.id,
                    "fiscal_position_id": False,
                    "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                    "amount_total": 15.0,
                    "amount_tax": 0.0,
                    "amount_paid": 15.0,
                    "amount_return": 0.0,
                    "to_invoice": False,
                    "last_order_preparation_change": "{}",
                    "lines": [Command.create(line)],
                    "payment_ids": [Command.create(payment)],
                }
            ]
        )
        self.assert_paid_by_the_pos()
        self.start_pos_tour("club_pos_ticket_screen_booking")

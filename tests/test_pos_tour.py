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
        cls.booking = cls.env["club.booking"].create(
            {
                "name": "BK-TOUR-1",
                "partner_id": cls.member.id,
                "offering_id": spinning.id,
                "start": fields.Datetime.now() - timedelta(hours=2),
            }
        )
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

    def test_take_payment_at_pos_from_the_back_office(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.main_pos_config.current_session_id.set_opening_control(0, None)
        action = self.booking.with_user(self.front_desk).action_pay_at_pos()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.start_tour(
            action["url"], "club_pos_take_payment_from_back_office", login="pos_user"
        )
        self.assert_paid_by_the_pos()

"""What a member's record tells the people who may not see it: whether the
member is past due (club staff only, from their own companies' invoices), and
whose member number a new number clashes with."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from .common import ClubCase
from .kiosk_common import KioskCase

PAST_DUE = [("club_past_due", "=", True)]
NOT_PAST_DUE = [("club_past_due", "=", False)]


def overdue_invoice(env, partner, company):
    """A posted customer invoice of ``company``, due ten days ago, unpaid."""
    today = fields.Date.context_today(partner)
    invoice = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": today - timedelta(days=40),
                "invoice_date_due": today - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Membership", "quantity": 1, "price_unit": 50}
                    )
                ],
            }
        )
    )
    invoice.action_post()
    return invoice


def other_club(env):
    """A second club with its own accounting."""
    company = env["res.company"].create({"name": "Other Club"})
    env["account.chart.template"].try_loading(
        "generic_coa", company=company, install_demo=False
    )
    return company


class TestPastDueAccess(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain = new_test_user(cls.env, login="plain_user", groups="base.group_user")
        # A cashier: Point of Sale user, no club group.
        cls.cashier = new_test_user(
            cls.env,
            login="club_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        overdue_invoice(cls.env, cls.member, cls.company)

    def test_club_staff_read_and_search_it(self):
        for user in (self.viewer, self.desk, self.manager):
            with self.subTest(user=user.login):
                member = self.member.with_user(user)
                self.assertTrue(member.read(["club_past_due"])[0]["club_past_due"])
                Partner = self.env["res.partner"].with_user(user)
                self.assertIn(self.member, Partner.search(PAST_DUE))
                self.assertNotIn(self.other_member, Partner.search(PAST_DUE))
                self.assertIn(self.other_member, Partner.search(NOT_PAST_DUE))

    def test_others_can_neither_read_nor_search_it(self):
        for user in (self.plain, self.cashier):
            with self.subTest(user=user.login):
                member = self.member.with_user(user)
                # The contact itself stays readable; only the flag is staff's.
                self.assertEqual(member.read(["name"])[0]["name"], "Mia Member")
                with self.assertRaises(AccessError):
                    member.read(["club_past_due"])
                Partner = self.env["res.partner"].with_user(user)
                for domain in (PAST_DUE, NOT_PAST_DUE):
                    with self.assertRaises(AccessError):
                        Partner.search(domain)
                    with self.assertRaises(AccessError):
                        Partner.search_count(domain)
                # Server code running as them learns nothing either.
                member.invalidate_recordset(["club_past_due"])
                self.assertFalse(member.club_past_due)
                self.assertNotIn(
                    "club_past_due", Partner.fields_get(attributes=["type"])
                )


class TestPastDueCompanies(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = other_club(cls.env)
        both = Command.set((cls.company | cls.other_company).ids)
        cls.viewer_a = new_test_user(
            cls.env,
            login="club_viewer_a",
            groups="base.group_user,club_session_logoff.group_booking_viewer",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager.write({"company_ids": [both]})
        # The member (a contact shared by both clubs) owes the other club only.
        overdue_invoice(cls.env, cls.member, cls.other_company)

    def test_another_company_invoice_does_not_count(self):
        member = self.member.with_user(self.viewer_a)
        self.assertFalse(member.club_past_due)
        Partner = self.env["res.partner"].with_user(self.viewer_a)
        self.assertNotIn(self.member, Partner.search(PAST_DUE))
        self.assertIn(self.member, Partner.search(NOT_PAST_DUE))

    def test_the_companies_selected_count(self):
        """A manager of both clubs sees the other club's invoice while that club
        is selected in the company switcher, not while working in this one."""
        here = self.company.ids
        both = (self.company | self.other_company).ids
        for allowed, expected in ((here, False), (both, True)):
            with self.subTest(companies=allowed):
                env = self.env(
                    user=self.manager, context={"allowed_company_ids": allowed}
                )
                member = self.member.with_env(env)
                self.assertEqual(member.club_past_due, expected)
                self.assertEqual(
                    self.member in env["res.partner"].search(PAST_DUE), expected
                )

    def test_own_company_invoice_counts(self):
        overdue_invoice(self.env, self.member, self.company)
        self.assertTrue(self.member.with_user(self.viewer_a).club_past_due)


class TestKioskPastDueCompanies(KioskCase):
    """The kiosk (superuser, bound to its club) sees its own club's overdue
    invoices, never another club's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = other_club(cls.env)
        cls.member._club_set_kiosk_pin("2468")

    def test_another_club_invoice_does_not_redirect(self):
        overdue_invoice(self.env, self.member, self.other_company)
        result = self.identify(pin="2468")
        self.assertEqual(result["status"], "ok")
        self.assertFalse(result["front_desk"])

    def test_own_club_invoice_redirects(self):
        overdue_invoice(self.env, self.member, self.company)
        result = self.identify(pin="2468")
        self.assertEqual(result["status"], "ok")
        self.assertTrue(result["front_desk"])


class TestMemberNumberPrivacy(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Club"})
        cls.secret = cls.env["res.partner"].create(
            {
                "name": "Berta Elsewhere",
                "club_member_ref": "M-7777",
                "company_id": cls.other_company.id,
            }
        )
        cls.member.company_id = cls.company
        # Front desk of this club only, allowed to create contacts.
        cls.desk_a = new_test_user(
            cls.env,
            login="club_desk_a",
            groups="base.group_user,base.group_partner_manager,"
            "club_session_logoff.group_booking_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_another_company_member_is_not_named(self):
        Partner = self.env["res.partner"].with_user(self.desk_a)
        with self.assertRaises(ValidationError) as caught:
            Partner.create({"name": "New Member", "club_member_ref": "M-7777"})
        message = str(caught.exception)
        self.assertIn("M-7777 is already used by a member of another company", message)
        self.assertNotIn("Berta", message)
        # Nor when numbering an existing contact.
        contact = Partner.create({"name": "Walk-in"})
        with self.assertRaises(ValidationError) as caught:
            contact.club_member_ref = "M-7777"
        self.assertNotIn("Berta", str(caught.exception))
        contact.invalidate_recordset()
        self.assertFalse(contact.club_member_ref)

    def test_a_member_the_user_sees_is_named(self):
        Partner = self.env["res.partner"].with_user(self.desk_a)
        with self.assertRaises(ValidationError) as caught:
            Partner.create({"name": "New Member", "club_member_ref": "M-0001"})
        self.assertIn("M-0001 is already used by Mia Member", str(caught.exception))

"""Kiosk identification: the member card's random code, the member number that
needs the PIN, New Card, and the lockout rows' clean-up."""

import base64
import importlib.util
import re
from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools import file_path, mute_logger

from .kiosk_common import KIOSK_IP, MIA_CARD, NOW, OTTO_CARD, KioskCase

REFUSED = {"status": "refused"}
CARD_CODE = re.compile(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}")


def load_migration(version):
    """The upgrade script of ``version``, as Odoo's upgrade runs it."""
    path = file_path(f"club_session_logoff/migrations/{version}/post-migrate.py")
    spec = importlib.util.spec_from_file_location("club_post_migrate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@freeze_time(NOW)
class TestKioskCardIdentify(KioskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member._club_set_kiosk_pin("2468")

    def member_guard(self):
        return self.env["club.kiosk.guard"].search(
            [("scope", "=", "member"), ("partner_id", "=", self.member.id)]
        )

    def test_card_code_alone_identifies(self):
        result = self.identify(MIA_CARD)
        self.assertEqual(result["status"], "ok")
        self.assertEqual(result["first_name"], "Mia")
        # A scanner with caps lock on sends the code in lower case.
        self.assertEqual(self.identify(f" {OTTO_CARD.lower()} ")["first_name"], "Otto")

    def test_member_number_needs_the_right_pin(self):
        self.assertEqual(self.identify("M-0001"), REFUSED)
        self.assertEqual(self.identify("M-0001", pin="1357"), REFUSED)
        self.assertEqual(self.identify("M-0001", pin="2468")["first_name"], "Mia")
        # A card code is not a member number: with a PIN it identifies nobody.
        self.assertEqual(self.identify(MIA_CARD, pin="2468"), REFUSED)
        self.assertEqual(len(self.kiosk_checkins()), 1)

    def test_member_number_without_pin_counts_for_the_kiosk_lockout(self):
        for _attempt in range(5):
            self.assertEqual(self.identify("M-0001"), REFUSED)
        guard = self.env["club.kiosk.guard"].search([("kiosk_ip", "=", KIOSK_IP)])
        self.assertTrue(guard.is_locked)
        self.assertEqual(guard.failure_count, 5)
        # This kiosk refuses even the card now; the member is not locked.
        self.assertEqual(self.identify(MIA_CARD), REFUSED)
        self.assertFalse(self.member_guard().failure_count)
        self.assertFalse(self.member.club_kiosk_locked_until)

    def test_card_works_during_the_members_pin_lockout(self):
        for attempt in range(5):
            self.identify(pin="0000", ip=f"10.0.1.{attempt}")
        self.assertEqual(self.member.club_kiosk_locked_until, NOW + self.minutes(15))
        self.assertEqual(self.identify(pin="2468", ip="10.0.2.1"), REFUSED)
        self.assertEqual(self.identify(MIA_CARD, ip="10.0.2.2")["first_name"], "Mia")
        self.assertEqual(len(self.kiosk_checkins()), 1)
        # The PIN path stays locked: the card lifted nothing.
        self.member.invalidate_recordset(["club_kiosk_locked_until"])
        self.assertTrue(self.member.club_kiosk_locked_until)
        self.assertEqual(self.identify(pin="2468", ip="10.0.2.3"), REFUSED)

    def test_card_does_not_reset_the_pin_failures(self):
        for attempt in range(3):
            self.identify(pin="0000", ip=f"10.0.1.{attempt}")
        self.assertEqual(self.identify(MIA_CARD)["status"], "ok")
        self.assertEqual(self.member_guard().failure_count, 3)
        self.assertTrue(self.member_guard().last_success)
        for attempt in range(3, 5):
            self.identify(pin="0000", ip=f"10.0.1.{attempt}")
        # Five wrong PINs in the window: locked, the card in between or not.
        self.assertTrue(self.member_guard().is_locked)

    def test_the_right_pin_resets_the_pin_failures(self):
        for attempt in range(4):
            self.identify(pin="0000", ip=f"10.0.1.{attempt}")
        self.assertEqual(self.identify(pin="2468")["status"], "ok")
        self.assertEqual(self.member_guard().failure_count, 0)
        self.identify(pin="0000", ip="10.0.1.9")
        self.assertFalse(self.member_guard().is_locked)

    def test_new_card_stops_the_old_one_at_once(self):
        self.member.with_user(self.desk).action_club_new_card()
        new_code = self.member.club_card_code
        self.assertNotEqual(new_code, MIA_CARD)
        self.assertEqual(self.identify(MIA_CARD), REFUSED)
        self.assertEqual(self.identify(new_code)["first_name"], "Mia")

    def test_former_member_card_stops_working(self):
        self.member.write({"club_member_ref": False})
        self.assertFalse(self.member.club_card_code)
        self.assertEqual(self.identify(MIA_CARD), REFUSED)


class TestKioskCardCode(KioskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="club_plain", groups="base.group_user")
        cls.cashier = new_test_user(
            cls.env,
            login="club_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )

    def test_members_get_a_random_code_at_creation(self):
        members = self.env["res.partner"].create(
            [
                {"name": f"Member {i}", "club_member_ref": f"M-5{i:03d}"}
                for i in range(50)
            ]
        )
        codes = members.mapped("club_card_code")
        self.assertEqual(len(set(codes)), 50)
        for code in codes:
            self.assertRegex(code, CARD_CODE)
        # A contact who is no member has no card.
        contact = self.env["res.partner"].create({"name": "Just A Contact"})
        self.assertFalse(contact.club_card_code)
        # The demo club's members too.
        demo = self.env.ref("club_session_logoff.member_emma")
        self.assertRegex(demo.club_card_code, CARD_CODE)

    def test_front_desk_creates_and_imports_members_with_codes(self):
        self.desk.groups_id += self.env.ref("base.group_partner_manager")
        Partner = self.env["res.partner"].with_user(self.desk)
        created = Partner.create({"name": "Desk Created", "club_member_ref": "M-7001"})
        self.assertRegex(created.club_card_code, CARD_CODE)
        result = Partner.load(
            ["name", "club_member_ref"],
            [["Imported One", "M-7002"], ["Imported Two", "M-7003"]],
        )
        self.assertFalse(result["messages"])
        imported = Partner.browse(result["ids"])
        self.assertEqual(len(imported), 2)
        for code in imported.mapped("club_card_code"):
            self.assertRegex(code, CARD_CODE)

    def test_a_member_number_set_later_gives_a_code(self):
        contact = self.env["res.partner"].create({"name": "Late Joiner"})
        self.assertFalse(contact.club_card_code)
        contact.write({"club_member_ref": "M-8001"})
        self.assertRegex(contact.club_card_code, CARD_CODE)
        code = contact.club_card_code
        # A new member number keeps the card.
        contact.write({"club_member_ref": "M-8002"})
        self.assertEqual(contact.club_card_code, code)

    def test_codes_are_unique(self):
        other_company = self.env["res.company"].create({"name": "Other Club"})
        foreign = self.env["res.partner"].create(
            {
                "name": "Fay Foreign",
                "club_member_ref": "M-0100",
                "company_id": other_company.id,
            }
        )
        for partner in (self.other_member, foreign):
            with (
                self.subTest(partner=partner.name),
                mute_logger("odoo.sql_db"),
                self.assertRaises(IntegrityError),
                self.env.cr.savepoint(),
            ):
                partner.sudo().club_card_code = MIA_CARD
                partner.flush_recordset()

    def test_codes_are_generated_not_typed(self):
        self.desk.groups_id += self.env.ref("base.group_partner_manager")
        with self.assertRaisesRegex(UserError, "New Card"):
            self.member.with_user(self.desk).write({"club_card_code": "AAAAAAAAAAAA"})
        with self.assertRaisesRegex(UserError, "New Card"):
            self.env["res.partner"].with_user(self.desk).create(
                {
                    "name": "Typed Card",
                    "club_member_ref": "M-9001",
                    "club_card_code": "AAAAAAAAAAAA",
                }
            )
        self.assertEqual(self.member.club_card_code, MIA_CARD)
        # Writing back the same code (as merging contacts does) is no change.
        self.member.with_user(self.desk).write({"club_card_code": MIA_CARD})

    def test_only_front_desk_and_managers_read_the_code(self):
        for user in (self.desk, self.manager):
            with self.subTest(user=user.login):
                member = self.member.with_user(user)
                self.assertEqual(member.club_card_code, MIA_CARD)
                self.assertEqual(
                    member.search([("club_card_code", "=", MIA_CARD)]), self.member
                )
                barcode = base64.b64decode(member.club_card_barcode)
                self.assertTrue(barcode.startswith(b"\x89PNG"))
        others = [self.user, self.cashier, self.viewer, *self.loggers.values()]
        for user in others:
            with self.subTest(user=user.login):
                member = self.member.with_user(user)
                with self.assertRaises(AccessError):
                    member.read(["club_card_code"])
                with self.assertRaises(AccessError):
                    member.read(["club_card_barcode"])
                with self.assertRaises(AccessError):
                    member.search([("club_card_code", "=", MIA_CARD)])
                self.assertNotIn(
                    "club_card_code", member.fields_get(attributes=["type"])
                )

    def test_new_card(self):
        member = self.member.with_user(self.desk)
        member.action_club_new_card()
        first = self.member.club_card_code
        self.assertRegex(first, CARD_CODE)
        self.assertNotEqual(first, MIA_CARD)
        self.member.with_user(self.manager).action_club_new_card()
        self.assertNotIn(self.member.club_card_code, (first, MIA_CARD))
        lines = self.member.message_ids.filtered(
            lambda m: "New member card" in (m.body or "")
        )
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[0].author_id, self.manager.partner_id)
        for code in (MIA_CARD, first, self.member.club_card_code):
            self.assertNotIn(code, "".join(self.member.message_ids.mapped("body")))
        # Not a member: no card to replace.
        contact = self.env["res.partner"].create({"name": "Just A Contact"})
        with self.assertRaisesRegex(UserError, "member number"):
            contact.with_user(self.desk).action_club_new_card()

    def test_new_card_is_for_front_desk_and_managers(self):
        for user in (self.user, self.cashier, self.viewer, *self.loggers.values()):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.member.with_user(user).action_club_new_card()
        self.assertEqual(self.member.club_card_code, MIA_CARD)

    def test_member_form_shows_the_card_to_front_desk_only(self):
        view = self.env.ref("base.view_partner_form")
        for user, shown in (
            (self.desk, True),
            (self.manager, True),
            (self.viewer, False),
        ):
            with self.subTest(user=user.login):
                arch = (
                    self.env["res.partner"]
                    .with_user(user)
                    .get_view(view.id, "form")["arch"]
                )
                self.assertEqual('name="action_club_new_card"' in arch, shown)
                self.assertEqual('name="club_card_code"' in arch, shown)
                self.assertEqual('name="club_card_barcode"' in arch, shown)

    def test_upgrade_gives_existing_members_a_code(self):
        archived = self.env["res.partner"].create(
            {"name": "Ann Archived", "club_member_ref": "M-0099", "active": False}
        )
        contact = self.env["res.partner"].create({"name": "Just A Contact"})
        members = self.member | self.other_member | archived
        # As before the upgrade: members without a code.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET club_card_code = NULL "
            "WHERE club_member_ref IS NOT NULL"
        )
        self.env.invalidate_all()
        load_migration("18.0.1.1.0").migrate(self.env.cr, "18.0.1.0.0")
        codes = members.mapped("club_card_code")
        self.assertEqual(len(set(codes)), 3)
        for code in codes:
            self.assertRegex(code, CARD_CODE)
        self.assertFalse(contact.club_card_code)
        self.env.cr.execute(
            "SELECT count(*) FROM res_partner "
            "WHERE club_member_ref IS NOT NULL AND club_card_code IS NULL"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        # The new code works at the kiosk; the number alone still does not.
        self.assertEqual(self.identify(self.member.club_card_code)["status"], "ok")
        self.assertEqual(self.identify("M-0001"), REFUSED)


class TestKioskGuardCleanup(KioskCase):
    def guard(self, key, age_hours, locked_for=None):
        now = fields.Datetime.now()
        guard = self.env["club.kiosk.guard"].create(
            {
                "company_id": self.company.id,
                "scope": "kiosk",
                "key": key,
                "kiosk_ip": key,
                "failure_count": 2,
                "last_failure": now - timedelta(hours=age_hours),
                "locked_until": locked_for and now + timedelta(minutes=locked_for),
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE club_kiosk_guard SET write_date = %s WHERE id = %s",
            [now - timedelta(hours=age_hours), guard.id],
        )
        guard.invalidate_recordset()
        return guard

    def test_cleanup_removes_old_rows_only(self):
        old = self.guard("10.0.9.1", age_hours=30)
        old_unlocked_since = self.guard("10.0.9.2", age_hours=30, locked_for=-60)
        recent = self.guard("10.0.9.3", age_hours=2)
        still_locked = self.guard("10.0.9.4", age_hours=30, locked_for=10)
        cron = self.env.ref("club_session_logoff.ir_cron_club_kiosk_guard_cleanup")
        self.assertEqual(cron.interval_type, "days")
        cron.method_direct_trigger()
        self.assertFalse((old | old_unlocked_since).exists())
        self.assertEqual((recent | still_locked).exists(), recent | still_locked)

    def test_cleanup_keeps_a_member_touched_today(self):
        # The member's row, touched by the identification just now.
        self.identify()
        guard = self.env["club.kiosk.guard"].search(
            [("partner_id", "=", self.member.id)]
        )
        self.assertTrue(guard)
        self.env["club.kiosk.guard"]._cron_cleanup()
        self.assertTrue(guard.exists())

    def test_managers_delete_rows_front_desk_does_not(self):
        rows = self.guard("10.0.9.5", age_hours=1) | self.guard("10.0.9.6", age_hours=1)
        with self.assertRaises(AccessError):
            rows[0].with_user(self.desk).unlink()
        rows[0].with_user(self.manager).unlink()
        self.assertEqual(rows.exists(), rows[1])
        # The list offers Delete to club managers only.
        Guard = self.env["club.kiosk.guard"]
        view = self.env.ref("club_session_logoff.club_kiosk_guard_view_list")
        desk_arch = Guard.with_user(self.desk).get_views([(view.id, "list")])
        manager_arch = Guard.with_user(self.manager).get_views([(view.id, "list")])
        self.assertIn('delete="False"', desk_arch["views"]["list"]["arch"])
        self.assertNotIn('delete="False"', manager_arch["views"]["list"]["arch"])

"""Strikes that staff cannot dodge: the block and its start of counting change
only through the strike rule and a club manager's Lift Block; a waitlisted
booking keeps its member and promotion passes over a blocked member; each club
has its own blocks and strikes."""

import importlib.util
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools.misc import file_path

from .test_session import SessionCase

# 13:00 in Brussels, Tuesday 10 March 2026.
NOW = datetime(2026, 3, 10, 12, 0, 0)
UNTIL = date(2026, 3, 17)
STRIKE_SETTINGS = {
    "club_strike_count": 2,
    "club_strike_days": 30,
    "club_strike_block_days": 7,
}


def load_migration(name):
    """The upgrade script ``name`` of 18.0.1.4.0, as Odoo's upgrade runs it."""
    path = file_path(f"club_session_logoff/migrations/18.0.1.4.0/{name}")
    spec = importlib.util.spec_from_file_location("club_strikes_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class StrikesCase(SessionCase):
    # (freeze_time decorates each test class: on a base class, its set-up
    # would run for the base class, not for the tests'.)
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.company.write(STRIKE_SETTINGS)
        cls.member.email = "mia@example.com"
        # The front desk as Odoo makes it: club staff with Contact Creation,
        # which new internal users get by default.
        cls.front_desk = new_test_user(
            cls.env,
            login="club_strikes_front_desk",
            groups="base.group_user,base.group_partner_manager,"
            "club_session_logoff.group_booking_user,"
            "club_session_logoff.group_logoff_class_session",
        )
        cls.ann = cls.env["res.partner"].create(
            {"name": "Ann Waiting", "club_member_ref": "M-0101"}
        )

    def no_show(self, partner=None, ago=timedelta(hours=2), offering=None):
        booking = self.env["club.booking"].create(
            {
                "partner_id": (partner or self.member).id,
                "offering_id": (offering or self.spinning).id,
                "start": NOW - ago,
            }
        )
        booking.log_booking("no_show")
        return booking

    def block(self, partner=None, offering=None):
        for days in (2, 1):
            self.no_show(partner=partner, ago=timedelta(days=days), offering=offering)

    @staticmethod
    def chatter(record):
        return "\n".join(str(body) for body in record.message_ids.mapped("body"))


@freeze_time(NOW)
class TestStaffCannotTouchBlocks(StrikesCase):
    def test_front_desk_cannot_lift_extend_or_dodge_a_block(self):
        self.block()
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        since = self.member.club_strikes_since
        self.assertTrue(since)
        member = self.member.with_user(self.front_desk)
        self.assertEqual(member.club_blocked_until, UNTIL)  # staff read it
        for values in (
            {"club_blocked_until": False},
            {"club_blocked_until": "2099-01-01"},
            {"club_strikes_since": "2099-01-01 00:00:00"},
            {"club_strikes_since": False},
            {"name": "Mia Renamed", "club_blocked_until": False},
        ):
            with self.subTest(values=values), self.assertRaises(UserError) as refusal:
                member.write(values)
            self.assertIn("Lift Block", str(refusal.exception))
        self.member.invalidate_recordset()
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        self.assertEqual(self.member.club_strikes_since, since)
        self.assertEqual(self.member.name, "Mia Member")
        # Nor anyone else's, nor a new contact's.
        with self.assertRaises(UserError):
            self.other_member.with_user(self.front_desk).write(
                {"club_blocked_until": "2099-01-01"}
            )
        self.assertFalse(self.other_member.club_blocked_until)
        Partner = self.env["res.partner"].with_user(self.front_desk)
        for values in (
            {"club_blocked_until": "2099-01-01"},
            {"club_strikes_since": "2099-01-01 00:00:00"},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                Partner.create({"name": "New", **values})
        # Club managers too: they lift a block with Lift Block (and its line).
        with self.assertRaises(UserError):
            self.member.with_user(self.manager).write({"club_blocked_until": False})
        # Writing back what is there changes nothing and is no refusal.
        member.write({"club_blocked_until": UNTIL, "club_strikes_since": since})
        self.assertEqual(self.member.club_blocked_until, UNTIL)

    def test_a_member_made_immune_is_not_possible(self):
        with self.assertRaises(UserError):
            self.member.with_user(self.front_desk).write(
                {"club_strikes_since": "2099-01-01 00:00:00"}
            )
        self.block()
        self.assertEqual(self.member.club_blocked_until, UNTIL)


@freeze_time(NOW)
class TestWaitlistAndBlocks(StrikesCase):
    def full_session(self):
        session = self.session(hours_ago=-24, capacity=1)
        seated = (
            self.env["club.booking"]
            .with_user(self.desk)
            .create({"partner_id": self.other_member.id, "session_id": session.id})
        )
        return session, seated

    def waitlist(self, session, partner):
        return (
            self.env["club.booking"]
            .with_user(self.desk)
            .create(
                {
                    "partner_id": partner.id,
                    "session_id": session.id,
                    "state": "waitlisted",
                }
            )
        )

    def test_a_waitlisted_booking_keeps_its_member(self):
        blocked = self.env["res.partner"].create({"name": "Bob Blocked"})
        self.block(partner=blocked)
        self.assertTrue(blocked.club_blocked_until)
        session, _seated = self.full_session()
        waiting = self.waitlist(session, self.ann)
        for user in (self.front_desk, self.manager):
            for partner in (blocked, self.member):
                with (
                    self.subTest(user=user.login, partner=partner.name),
                    self.assertRaises(UserError) as refusal,
                ):
                    waiting.with_user(user).write({"partner_id": partner.id})
                self.assertIn("waitlist", str(refusal.exception))
        waiting.invalidate_recordset()
        self.assertEqual(waiting.partner_id, self.ann)
        # Writing its own member back is no change.
        waiting.with_user(self.front_desk).write({"partner_id": self.ann.id})

    def test_promotion_passes_over_a_blocked_member(self):
        session, seated = self.full_session()
        first = self.waitlist(session, self.member)
        second = self.waitlist(session, self.ann)
        # Blocked after joining the waitlist.
        self.block()
        self.assertTrue(self.member.club_blocked)
        seated.with_user(self.desk).cancel_booking()
        self.assertEqual(first.state, "waitlisted")
        self.assertEqual(second.state, "booked")
        self.assertIn("blocked from booking until 03/17/2026", self.chatter(first))
        self.assertEqual(session.seats_taken, 1)
        # Once the block is lifted, a free seat goes to the member.
        second.with_user(self.desk).cancel_booking()
        self.assertEqual(first.state, "waitlisted")
        self.member.with_user(self.manager).action_club_lift_block()
        self.assertEqual(first.state, "booked")

    def test_a_free_seat_waits_for_no_blocked_member(self):
        session, seated = self.full_session()
        first = self.waitlist(session, self.member)
        self.block()
        seated.with_user(self.desk).cancel_booking()
        self.assertEqual(first.state, "waitlisted")
        self.assertEqual(session.seats_taken, 0)
        lines = self.chatter(first).count("blocked from booking until")
        self.assertEqual(lines, 1)
        # Another seat freed (more capacity): said once, not at every run.
        session.write({"capacity": 2})
        self.assertEqual(self.chatter(first).count("blocked from booking until"), 1)

    def test_a_manager_override_is_promoted(self):
        self.block()
        session, seated = self.full_session()
        first = (
            self.env["club.booking"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.member.id,
                    "session_id": session.id,
                    "state": "waitlisted",
                    "block_override": True,
                }
            )
        )
        seated.with_user(self.desk).cancel_booking()
        self.assertEqual(first.state, "booked")


@freeze_time(NOW)
class TestBlocksPerClub(StrikesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.club2 = cls.env["res.company"].create(
            {"name": "Strikes Club Two", **STRIKE_SETTINGS}
        )
        cls.club2.partner_id.tz = "Europe/Brussels"
        cls.spinning2 = cls.env["club.offering"].create(
            {"name": "Spinning Two", "company_id": cls.club2.id}
        )
        cls.manager2 = new_test_user(
            cls.env,
            login="club_strikes_manager2",
            company_id=cls.club2.id,
            company_ids=[Command.set(cls.club2.ids)],
            groups="base.group_user,base.group_partner_manager,"
            "club_session_logoff.group_club_manager",
        )
        cls.desk2 = new_test_user(
            cls.env,
            login="club_strikes_desk2",
            company_id=cls.club2.id,
            company_ids=[Command.set(cls.club2.ids)],
            groups="base.group_user,base.group_partner_manager,"
            "club_session_logoff.group_booking_user",
        )
        # The member is shared between the clubs (no company).
        cls.member.company_id = False

    def book_at(self, company, offering, user):
        return (
            self.env["club.booking"]
            .with_user(user)
            .with_company(company)
            .create(
                {
                    "partner_id": self.member.id,
                    "offering_id": offering.id,
                    "start": NOW + timedelta(days=1),
                }
            )
        )

    def test_strikes_at_one_club_do_not_block_at_the_other(self):
        self.block(offering=self.spinning2)
        member2 = self.member.with_company(self.club2)
        self.assertEqual(member2.club_blocked_until, UNTIL)
        self.assertTrue(member2.club_blocked)
        self.assertFalse(self.member.with_company(self.company).club_blocked_until)
        self.assertFalse(self.member.with_company(self.company).club_strikes_since)
        # Club one books the member; club two does not.
        self.assertEqual(
            self.book_at(self.company, self.spinning, self.desk).state, "booked"
        )
        with self.assertRaises(UserError):
            self.book_at(self.club2, self.spinning2, self.desk2)
        # The line and the email name club two's date.
        self.assertIn("Strikes Club Two", self.chatter(self.member))
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.member.id),
                ("subject", "ilike", "Your bookings"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("03/17/2026", mail.body_html)

    def test_each_club_reads_and_lifts_its_own_block(self):
        self.block()  # club one
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        as_club2 = self.member.with_user(self.manager2)
        self.assertFalse(as_club2.club_blocked_until)
        self.assertFalse(as_club2.club_blocked)
        self.assertFalse(
            as_club2.read(["club_blocked_until", "club_strikes_since"])[0][
                "club_blocked_until"
            ]
        )
        self.assertFalse(
            self.env["res.partner"]
            .with_user(self.manager2)
            .search([("id", "=", self.member.id), ("club_blocked_until", "!=", False)])
        )
        # Club two's manager cannot reach club one's.
        with self.assertRaises(AccessError):
            as_club2.with_company(self.company).club_blocked_until  # noqa: B018
        with self.assertRaises(AccessError):
            as_club2.with_company(self.company).action_club_lift_block()
        as_club2.action_club_lift_block()  # lifts club two's: none
        with self.assertRaises(UserError):
            as_club2.write({"club_blocked_until": "2099-01-01"})
        as_club2.write({"club_blocked_until": False})  # club two's: no change
        self.member.invalidate_recordset()
        self.assertEqual(self.member.club_blocked_until, UNTIL)
        # Club two blocks the member too; club one's manager lifts club one's
        # block only.
        self.block(offering=self.spinning2)
        self.member.with_user(self.manager).action_club_lift_block()
        self.member.invalidate_recordset()
        self.assertFalse(self.member.club_blocked_until)
        self.assertEqual(self.member.with_company(self.club2).club_blocked_until, UNTIL)
        self.assertEqual(as_club2.club_blocked_until, UNTIL)

    def test_merging_into_a_duplicate_keeps_the_blocks(self):
        # (A member with a card is not merged by the front desk at all: the
        # card code is generated.)
        bob = self.env["res.partner"].create(
            {"name": "Bob", "email": "bob@example.com"}
        )
        self.block(partner=bob)  # club one
        self.block(partner=bob, offering=self.spinning2)  # club two
        duplicate = self.env["res.partner"].create(
            {"name": "Bob B.", "email": "bob@example.com"}
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.front_desk)
            .create(
                {
                    "partner_ids": [Command.set((bob | duplicate).ids)],
                    "dst_partner_id": duplicate.id,
                }
            )
        )
        wizard.action_merge()
        self.assertFalse(bob.exists())
        for company in (self.company, self.club2):
            kept = duplicate.with_company(company)
            self.assertEqual(kept.club_blocked_until, UNTIL)
            self.assertTrue(kept.club_strikes_since)
        booking = (
            self.env["club.booking"]
            .with_user(self.desk)
            .create(
                {
                    "partner_id": self.other_member.id,
                    "offering_id": self.spinning.id,
                    "start": NOW + timedelta(days=1),
                }
            )
        )
        with self.assertRaises(UserError):
            booking.write({"partner_id": duplicate.id})

    def test_strikes_count_per_club(self):
        # Club one's lifting forgives club one's no-shows only.
        self.no_show(ago=timedelta(days=2), offering=self.spinning2)
        self.block()
        self.member.with_user(self.manager).action_club_lift_block()
        self.assertFalse(self.member.with_company(self.club2).club_strikes_since)
        self.no_show(ago=timedelta(hours=1), offering=self.spinning2)
        self.assertEqual(self.member.with_company(self.club2).club_blocked_until, UNTIL)
        self.assertFalse(self.member.club_blocked_until)


@freeze_time(NOW)
class TestBlocksMigration(StrikesCase):
    def test_upgrade_keeps_blocks_at_the_club_that_set_them(self):
        club2 = self.env["res.company"].create({"name": "Migration Club Two"})
        spinning2 = self.env["club.offering"].create(
            {"name": "Spinning Two", "company_id": club2.id}
        )
        self.block(offering=spinning2)  # settings of club two: no strikes
        # Booked at club one too (nothing logged there).
        self.env["club.booking"].create(
            {
                "partner_id": self.member.id,
                "offering_id": self.spinning.id,
                "start": NOW + timedelta(days=1),
            }
        )
        lone = self.env["res.partner"].create({"name": "Lone", "company_id": club2.id})
        nowhere = self.env["res.partner"].create({"name": "Nowhere"})
        lifted = self.ann
        self.no_show(partner=lifted, ago=timedelta(days=1))
        since = datetime(2026, 3, 1, 8, 30)
        self.env.flush_all()
        # As before the upgrade: one date column for every club.
        self.env.cr.execute(
            """
            ALTER TABLE res_partner DROP COLUMN club_blocked_until,
                                    DROP COLUMN club_strikes_since;
            ALTER TABLE res_partner ADD COLUMN club_blocked_until date,
                                    ADD COLUMN club_strikes_since timestamp;
            UPDATE res_partner SET club_blocked_until = %(until)s,
                                   club_strikes_since = %(now)s
             WHERE id IN %(blocked)s;
            UPDATE res_partner SET club_strikes_since = %(since)s WHERE id = %(lifted)s;
            """,
            {
                "until": UNTIL,
                "now": NOW,
                "blocked": (self.member.id, lone.id, nowhere.id),
                "since": since,
                "lifted": lifted.id,
            },
        )
        self.env.invalidate_all()
        # The member's no-shows were club two's; its settings have no strikes:
        # club two's block all the same (the no-shows of the days before).
        load_migration("pre-strikes-blocks.py").migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        companies = self.env["res.company"].search([])

        def until(partner, company):
            return partner.with_company(company).club_blocked_until

        self.assertEqual(until(self.member, club2), UNTIL)
        self.assertFalse(until(self.member, self.company))
        self.assertEqual(
            self.member.with_company(club2).club_strikes_since, NOW, "kept"
        )
        # No no-show anywhere: the contact's club; no club: every club.
        self.assertEqual(until(lone, club2), UNTIL)
        self.assertFalse(until(lone, self.company))
        for company in companies:
            self.assertEqual(until(nowhere, company), UNTIL)
        # A lifted block forgave the no-shows before it at every club.
        for company in companies:
            self.assertEqual(lifted.with_company(company).club_strikes_since, since)
            self.assertFalse(until(lifted, company))
        # Run again (an upgrade run twice): nothing changes.
        load_migration("pre-strikes-blocks.py").migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(until(self.member, club2), UNTIL)

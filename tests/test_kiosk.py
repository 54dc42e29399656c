"""The check-in kiosk's rules (club.kiosk), as its routes call them."""

import base64
import io

from freezegun import freeze_time
from PIL import Image

from odoo.exceptions import AccessError, UserError

from .kiosk_common import BROWSER, KIOSK_IP, MIA_CARD, NOW, OTTO_CARD, KioskCase

REFUSED = {"status": "refused"}


def png(width=400, height=150, ink=True, fmt="PNG"):
    """A signature as the kiosk's pad sends it: transparent, with a stroke."""
    if fmt == "PNG":
        image, color = Image.new("RGBA", (width, height), (0, 0, 0, 0)), (0, 0, 0, 255)
    else:
        image, color = Image.new("RGB", (width, height), (255, 255, 255)), (0, 0, 0)
    if ink:
        for x in range(20, min(width, 300)):
            image.putpixel((x, height // 2), color)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    prefix = "data:image/png;base64," if fmt == "PNG" else "data:image/jpeg;base64,"
    return prefix + base64.b64encode(buffer.getvalue()).decode()


@freeze_time(NOW)
class TestKioskIdentify(KioskCase):
    def test_card_checks_the_member_in(self):
        result = self.identify()
        self.assertEqual(result["status"], "ok")
        self.assertEqual(result["first_name"], "Mia")
        self.assertFalse(result["front_desk"])
        checkin = self.kiosk_checkins()
        self.assertEqual(len(checkin), 1)
        self.assertEqual(checkin.checkin_time, NOW)
        self.assertEqual(checkin.source, "kiosk")
        self.assertEqual(checkin.kiosk_ip, KIOSK_IP)
        self.assertEqual(checkin.kiosk_browser, BROWSER)
        self.assertFalse(checkin.user_id)
        self.assertEqual(checkin.company_id, self.company)

    def test_response_is_whitelisted(self):
        self.member.write({"email": "mia@example.com", "phone": "+32 470 00 00 00"})
        self.book_at(NOW + self.minutes(20))
        result = self.identify()
        self.assertEqual(
            set(result),
            {
                "status",
                "ticket",
                "first_name",
                "lang",
                "front_desk",
                "confirm_mode",
                "bookings",
            },
        )
        self.assertEqual(
            set(result["bookings"][0]),
            {"id", "name", "start", "stop", "state", "can_confirm"},
        )
        text = repr({**result, "ticket": ""})
        for secret in ("mia@example.com", "470", "Member", "M-0001", MIA_CARD, "Otto"):
            self.assertNotIn(secret, text)
        # XML-RPC and JSON alike: nothing is None.
        self.assertNotIn("None", text)

    def test_repeated_scans_count_once(self):
        self.identify()
        with freeze_time(NOW + self.minutes(1)):
            self.identify()
        checkin = self.kiosk_checkins()
        self.assertEqual(len(checkin), 1)
        self.assertEqual(checkin.scan_count, 2)
        with freeze_time(NOW + self.minutes(3)):
            self.identify()
        self.assertEqual(len(self.kiosk_checkins()), 2)

    def test_every_failure_gets_the_same_neutral_answer(self):
        self.member._club_set_kiosk_pin("2468")
        archived = self.env["res.partner"].create(
            {"name": "Ann Archived", "club_member_ref": "M-0099", "active": False}
        )
        archived._club_set_kiosk_pin("2468")
        other_company = self.env["res.company"].create({"name": "Other Club"})
        foreign = self.env["res.partner"].create(
            {
                "name": "Fay Foreign",
                "club_member_ref": "M-0100",
                "company_id": other_company.id,
            }
        )
        kiosk_checkins = self.env["club.checkin"].search_count(
            [("source", "=", "kiosk")]
        )
        failures = {
            "unknown card": self.identify("M-4242", ip="10.0.0.1"),
            "member number without pin": self.identify("M-0001", ip="10.0.0.12"),
            "card code with a pin": self.identify(MIA_CARD, pin="2468", ip="10.0.0.13"),
            "wrong pin": self.identify(pin="1357", ip="10.0.0.2"),
            "pin of a member without one": self.identify(
                "M-0002", pin="1357", ip="10.0.0.3"
            ),
            "archived member": self.identify(archived.club_card_code, ip="10.0.0.4"),
            "archived member by pin": self.identify(
                archived.club_member_ref, pin="2468", ip="10.0.0.15"
            ),
            "other company's member": self.identify(
                foreign.club_card_code, ip="10.0.0.6"
            ),
            "empty code": self.identify("   ", ip="10.0.0.7"),
            "pin with letters": self.identify(pin="12a4", ip="10.0.0.8"),
            "pin as a number": self.identify(pin=2468, ip="10.0.0.9"),
            "code as a list": self.identify([MIA_CARD], ip="10.0.0.10"),
            "code too long": self.identify("M" * 65, ip="10.0.0.11"),
        }
        for what, result in failures.items():
            with self.subTest(what):
                self.assertEqual(result, REFUSED)
        self.assertEqual(
            self.env["club.checkin"].search_count([("source", "=", "kiosk")]),
            kiosk_checkins,
        )

    def test_no_domain_field_list_or_setting_is_accepted(self):
        for extra in (
            {"domain": [("id", "!=", 0)]},
            {"fields": ["email", "phone"]},
            {"club_kiosk_auto_log": False},
            {"context": {"active_test": False}},
        ):
            with self.subTest(extra=extra):
                self.assertEqual(self.identify(**extra), REFUSED)
        self.assertFalse(self.kiosk_checkins())
        self.assertTrue(self.company.club_kiosk_auto_log)

    def test_pin_identifies_with_the_member_number(self):
        self.member._club_set_kiosk_pin("2468")
        result = self.identify(pin="2468")
        self.assertEqual(result["status"], "ok")
        self.assertEqual(result["first_name"], "Mia")
        self.assertEqual(len(self.kiosk_checkins()), 1)

    def test_language_and_time_zone_are_the_clubs(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company.partner_id.lang = "fr_FR"
        self.spinning.with_context(lang="fr_FR").name = "Vélo"
        # A member without a language of their own gets the club's (a member's
        # own language: tests/test_i18n_kiosk.py).
        self.member.lang = False
        self.book_at(NOW + self.minutes(30))
        kiosk = self.env["club.kiosk"]._for_company(self.company)
        booking = self.identify(kiosk=kiosk)["bookings"][0]
        self.assertEqual(booking["name"], "Vélo")
        # 14:30 UTC is 15:30 in Brussels.
        self.assertEqual(booking["start"], "15:30")
        self.assertEqual(kiosk._page_values()["lang"], "fr-FR")


@freeze_time(NOW)
class TestKioskBookings(KioskCase):
    def test_bookings_in_the_time_window(self):
        shown = [
            self.book_at(NOW + self.minutes(60)),  # starts in an hour: just in
            self.book_at(
                NOW - self.minutes(30), offering=self.yoga
            ),  # started 30 min ago
        ]
        hidden = [
            self.book_at(NOW + self.minutes(61)),
            self.book_at(NOW - self.minutes(31)),
            self.book_at(NOW + self.minutes(20), partner=self.other_member),
        ]
        result = self.identify()
        ids = [b["id"] for b in result["bookings"]]
        self.assertEqual(ids, [shown[1].id, shown[0].id])
        self.assertTrue(
            all(b["state"] == "open" and b["can_confirm"] for b in result["bookings"])
        )
        for booking in hidden:
            self.assertNotIn(booking.id, ids)
        self.assertEqual(result["bookings"][0]["name"], "Yoga")
        self.assertRegex(result["bookings"][0]["start"], r"^2:30\sPM$")

    def test_only_today_in_the_clubs_time_zone(self):
        # 23:30 in Brussels: a booking at 00:15 is in the window, but tomorrow.
        late = NOW.replace(hour=22, minute=30)
        with freeze_time(late):
            tomorrow = self.book_at(late + self.minutes(45))
            tonight = self.book_at(late + self.minutes(15))
            ids = [b["id"] for b in self.identify()["bookings"]]
        self.assertEqual(ids, [tonight.id])
        self.assertNotIn(tomorrow.id, ids)

    def test_other_companies_bookings_are_never_shown(self):
        other = self.env["res.company"].create({"name": "Other Club"})
        offering = self.env["club.offering"].create(
            {"name": "Boxing", "offering_type": "class", "company_id": other.id}
        )
        self.book_at(NOW + self.minutes(10), offering=offering)
        self.assertEqual(self.identify()["bookings"], [])

    def test_show_bookings_off_only_checks_in(self):
        self.company.club_kiosk_show_bookings = False
        booking = self.book_at(NOW - self.minutes(5))
        result = self.identify()
        self.assertEqual(result["bookings"], [])
        self.assertEqual(self.confirm(result["ticket"], booking), REFUSED)
        self.assertEqual(booking.state, "booked")
        self.assertTrue(booking.checked_in)


@freeze_time(NOW)
class TestKioskConfirm(KioskCase):
    def test_confirm_logs_a_started_booking(self):
        credit = self.credit()
        booking = self.book_at(NOW - self.minutes(10))
        ticket = self.identify()["ticket"]
        result = self.confirm(ticket, booking)
        self.assertEqual(result["status"], "ok")
        self.assertEqual(result["booking"]["state"], "logged")
        self.assertFalse(result["booking"]["can_confirm"])
        self.assertTrue(booking.kiosk_confirmed)
        self.assertEqual(booking.kiosk_confirm_date, NOW)
        self.assertTrue(booking.checked_in)
        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_source, "kiosk")
        self.assertEqual(booking.log_date, NOW)
        self.assertEqual(credit.state, "used")
        # One line in the chatter: logged, completed, by the kiosk.
        bodies = booking.message_ids.mapped("body")
        self.assertEqual(sum("Logged as" in body for body in bodies), 1)
        self.assertIn("Kiosk", bodies[0])
        self.assertFalse(any("Confirmed at" in body for body in bodies))

    def test_confirm_twice_logs_once(self):
        credit = self.credit()
        booking = self.book_at(NOW - self.minutes(10))
        ticket = self.identify()["ticket"]
        first = self.confirm(ticket, booking)
        # The double tap, and the same member on a second kiosk.
        second = self.confirm(ticket, booking)
        other_ticket = self.identify(ip="10.0.0.77")["ticket"]
        third = self.confirm(other_ticket, booking)
        self.assertEqual(first, second)
        self.assertEqual(first, third)
        bodies = booking.message_ids.mapped("body")
        self.assertEqual(sum("Logged as" in body for body in bodies), 1)
        self.assertEqual(credit.state, "used")

    def test_confirm_before_the_start_logs_at_the_start(self):
        booking = self.book_at(NOW + self.minutes(40))
        cron = self.env.ref("club_session_logoff.ir_cron_kiosk_log_at_start")
        result = self.confirm(self.identify()["ticket"], booking)
        self.assertEqual(result["booking"]["state"], "confirmed")
        self.assertEqual(booking.state, "booked")
        self.assertTrue(booking.kiosk_log_at_start)
        self.assertIn("Confirmed at the check-in kiosk", booking.message_ids[0].body)
        self.assertEqual(booking.message_ids[0].author_id, self.member)
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(booking.start, trigger.mapped("call_at"))
        # Too early: nothing happens.
        self.env["club.kiosk"]._cron_log_at_start()
        self.assertEqual(booking.state, "booked")
        with freeze_time(booking.start):
            self.env["club.kiosk"]._cron_log_at_start()
        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_source, "kiosk")
        self.assertFalse(booking.kiosk_log_at_start)

    def test_the_scheduled_action_logs_at_the_start(self):
        """The action as Odoo runs it (its record's model and code), not only
        the method it names."""
        booking = self.book_at(NOW + self.minutes(40))
        self.confirm(self.identify()["ticket"], booking)
        cron = self.env.ref("club_session_logoff.ir_cron_kiosk_log_at_start")
        with freeze_time(booking.start):
            cron.method_direct_trigger()
        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_source, "kiosk")

    def test_staff_decision_before_the_start_wins(self):
        booking = self.book_at(NOW + self.minutes(40))
        self.confirm(self.identify()["ticket"], booking)
        booking.with_user(self.desk).action_cancel()
        self.assertFalse(booking.kiosk_log_at_start)
        with freeze_time(booking.start):
            self.env["club.kiosk"]._cron_log_at_start()
        self.assertEqual(booking.state, "cancelled")

    def test_without_auto_log_the_confirmation_waits_for_staff(self):
        self.company.club_kiosk_auto_log = False
        booking = self.book_at(NOW - self.minutes(10))
        result = self.confirm(self.identify()["ticket"], booking)
        self.assertEqual(result["booking"]["state"], "confirmed")
        self.assertTrue(booking.kiosk_confirmed)
        self.assertEqual(booking.state, "booked")
        self.assertFalse(booking.kiosk_log_at_start)
        self.assertIn("Confirmed at the check-in kiosk", booking.message_ids[0].body)
        # The staff's Log Sessions list shows it confirmed.
        listed = (
            self.env["club.booking"]
            .with_user(self.loggers["class_session"])
            .search([("to_log", "=", True), ("id", "=", booking.id)])
        )
        self.assertTrue(listed.kiosk_confirmed)
        self.assertTrue(listed.checked_in)

    def test_no_confirmation_asked_logs_at_check_in(self):
        self.company.club_kiosk_confirm_mode = "none"
        started = self.book_at(NOW - self.minutes(10))
        later = self.book_at(NOW + self.minutes(30), offering=self.yoga)
        result = self.identify()
        states = {b["id"]: (b["state"], b["can_confirm"]) for b in result["bookings"]}
        self.assertEqual(
            states, {started.id: ("logged", False), later.id: ("confirmed", False)}
        )
        self.assertEqual(started.state, "completed")
        self.assertEqual(started.log_source, "kiosk")
        self.assertFalse(started.kiosk_confirmed)
        self.assertTrue(later.kiosk_log_at_start)
        # Nothing to confirm in this mode, and a second scan logs nothing more.
        self.assertEqual(self.confirm(result["ticket"], later), REFUSED)
        with freeze_time(NOW + self.minutes(1)):
            self.identify()
        self.assertEqual(
            sum("Logged as" in b for b in started.message_ids.mapped("body")), 1
        )

    def test_no_confirmation_and_no_auto_log_only_checks_in(self):
        self.company.write(
            {"club_kiosk_confirm_mode": "none", "club_kiosk_auto_log": False}
        )
        booking = self.book_at(NOW - self.minutes(10))
        result = self.identify()
        self.assertEqual(result["bookings"][0]["state"], "open")
        self.assertFalse(result["bookings"][0]["can_confirm"])
        self.assertEqual(booking.state, "booked")
        self.assertTrue(booking.checked_in)

    def test_refusals_change_nothing(self):
        mine = self.book_at(NOW - self.minutes(10))
        theirs = self.book_at(NOW - self.minutes(10), partner=self.other_member)
        out_of_window = self.book_at(NOW + self.minutes(90))
        logged = self.book_at(NOW - self.minutes(20), offering=self.yoga)
        logged.log_booking("no_show")
        ticket = self.identify()["ticket"]
        for what, booking in {
            "someone else's booking": theirs,
            "out of the time window": out_of_window,
            "logged by staff already": logged,
        }.items():
            with self.subTest(what):
                self.assertEqual(self.confirm(ticket, booking), REFUSED)
                self.assertFalse(booking.kiosk_confirmed)
        for what, params in {
            "a tampered ticket": {"ticket": ticket[:-2] + "xx", "booking_id": mine.id},
            "no ticket": {"booking_id": mine.id},
            "a ticket that is not text": {"ticket": 42, "booking_id": mine.id},
            "an id that is not a number": {
                "ticket": ticket,
                "booking_id": str(mine.id),
            },
            "an id that is a boolean": {"ticket": ticket, "booking_id": True},
            "a signature in button mode": {
                "ticket": ticket,
                "booking_id": mine.id,
                "signature": png(),
            },
            "a domain": {"ticket": ticket, "booking_id": mine.id, "domain": []},
        }.items():
            with self.subTest(what):
                self.assertEqual(self.kiosk._confirm(params), REFUSED)
        self.assertFalse(mine.kiosk_confirmed)
        self.assertEqual(mine.state, "booked")
        self.assertEqual(theirs.state, "booked")

    def test_ticket_expires_and_is_tied_to_the_kiosk(self):
        booking = self.book_at(NOW + self.minutes(10))
        ticket = self.identify()["ticket"]
        self.assertEqual(self.list_bookings(ticket)["bookings"][0]["id"], booking.id)
        with freeze_time(NOW + self.minutes(6)):
            self.assertEqual(self.list_bookings(ticket), REFUSED)
            self.assertEqual(self.confirm(ticket, booking), REFUSED)
        other = self.env["res.company"].create({"name": "Other Club"})
        other_kiosk = self.env["club.kiosk"]._for_company(other)
        self.assertEqual(self.list_bookings(ticket, kiosk=other_kiosk), REFUSED)
        # A new kiosk address ends the visits started at the old one.
        self.company.sudo().club_kiosk_token = "0" * 32
        self.assertEqual(self.list_bookings(ticket), REFUSED)
        self.assertFalse(booking.kiosk_confirmed)

    def test_list_accepts_only_the_ticket(self):
        ticket = self.identify()["ticket"]
        self.assertEqual(self.kiosk._list({"ticket": ticket, "limit": 1000}), REFUSED)
        self.assertEqual(self.kiosk._list({}), REFUSED)

    def test_staff_cannot_forge_a_kiosk_confirmation(self):
        booking = self.book_at(NOW - self.minutes(10))
        for vals in (
            {"kiosk_confirmed": True},
            {"kiosk_signature": base64.b64encode(b"x")},
            {"kiosk_log_at_start": True},
            {"kiosk_confirm_date": NOW},
        ):
            with self.subTest(vals=list(vals)), self.assertRaises(AccessError):
                booking.with_user(self.manager).write(vals)
        self.assertFalse(booking.kiosk_confirmed)


@freeze_time(NOW)
class TestKioskSignature(KioskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.club_kiosk_confirm_mode = "signature"

    def test_signature_is_stored_and_logs(self):
        booking = self.book_at(NOW - self.minutes(10))
        result = self.confirm(self.identify()["ticket"], booking, signature=png())
        self.assertEqual(result["booking"]["state"], "logged")
        self.assertTrue(booking.kiosk_confirmed)
        self.assertEqual(booking.state, "completed")
        stored = base64.b64decode(booking.kiosk_signature)
        self.assertTrue(stored.startswith(b"\x89PNG"))
        # Staff see it on the booking.
        as_viewer = booking.with_user(self.viewer)
        self.assertEqual(as_viewer.kiosk_signature, booking.kiosk_signature)

    def test_signature_before_the_start_is_in_the_chatter(self):
        booking = self.book_at(NOW + self.minutes(20))
        self.confirm(self.identify()["ticket"], booking, signature=png())
        self.assertEqual(booking.state, "booked")
        self.assertTrue(booking.kiosk_signature)
        self.assertIn("with a signature", booking.message_ids[0].body)

    def test_bad_signatures_are_refused(self):
        booking = self.book_at(NOW - self.minutes(10))
        ticket = self.identify()["ticket"]
        for what, signature in {
            "missing": None,
            "blank pad": png(ink=False),
            "not a PNG": png(fmt="JPEG"),
            "too wide": png(width=2500),
            "too tall": png(height=1200),
            "too big": "data:image/png;base64," + "A" * 200_000,
            "not base64": "data:image/png;base64,<script>",
            "not text": 12345,
        }.items():
            with self.subTest(what):
                self.assertEqual(
                    self.confirm(ticket, booking, signature=signature), REFUSED
                )
        self.assertFalse(booking.kiosk_confirmed)
        self.assertFalse(booking.kiosk_signature)
        self.assertEqual(booking.state, "booked")


@freeze_time(NOW)
class TestKioskPastDue(KioskCase):
    def test_past_due_member_is_sent_to_the_front_desk(self):
        booking = self.book_at(NOW - self.minutes(10))
        with self.past_due(self.member):
            result = self.identify()
            self.assertTrue(result["front_desk"])
            self.assertEqual(result["bookings"], [])
            self.assertEqual(self.confirm(result["ticket"], booking), REFUSED)
        self.assertEqual(booking.state, "booked")
        # Checked in all the same: the member is at the club.
        self.assertTrue(booking.checked_in)

    def test_log_before_redirect(self):
        self.company.club_kiosk_log_before_redirect = True
        booking = self.book_at(NOW - self.minutes(10))
        with self.past_due(self.member):
            result = self.identify()
            self.assertTrue(result["front_desk"])
            self.assertEqual([b["id"] for b in result["bookings"]], [booking.id])
            self.assertEqual(self.confirm(result["ticket"], booking)["status"], "ok")
        self.assertEqual(booking.state, "completed")
        self.assertEqual(booking.log_source, "kiosk")

    def test_log_before_redirect_without_confirmation(self):
        self.company.write(
            {"club_kiosk_log_before_redirect": True, "club_kiosk_confirm_mode": "none"}
        )
        booking = self.book_at(NOW - self.minutes(10))
        with self.past_due(self.member):
            result = self.identify()
        self.assertTrue(result["front_desk"])
        self.assertEqual(booking.state, "completed")


@freeze_time(NOW)
class TestKioskPin(KioskCase):
    def test_pin_is_stored_hashed_and_never_readable(self):
        self.member.with_user(self.desk)._club_set_kiosk_pin("2468")
        self.env.cr.execute(
            "SELECT club_kiosk_pin_hash FROM res_partner WHERE id = %s",
            [self.member.id],
        )
        stored = self.env.cr.fetchone()[0]
        self.assertTrue(stored.startswith("$pbkdf2-sha512$"))
        self.assertNotIn("2468", stored)
        self.assertNotIn("club_kiosk_pin_hash", self.env["res.partner"]._fields)
        self.assertTrue(self.member.club_kiosk_pin_set)
        self.assertNotIn("2468", repr(self.member.read()))
        self.member.with_user(self.desk).action_club_remove_kiosk_pin()
        self.assertFalse(self.member.club_kiosk_pin_set)
        self.assertEqual(self.identify(pin="2468"), REFUSED)

    def test_staff_set_the_pin_with_the_wizard(self):
        action = self.member.with_user(self.desk).action_club_kiosk_pin_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.desk)
            .with_context(action["context"])
            .create({"pin": "97531", "pin_confirm": "97531"})
        )
        wizard.action_set_pin()
        # The typed PIN does not stay in the wizard's table.
        self.assertFalse(wizard.pin)
        self.assertFalse(wizard.pin_confirm)
        self.assertEqual(self.identify(pin="97531")["status"], "ok")
        mismatch = (
            self.env["club.kiosk.pin.wizard"]
            .with_user(self.desk)
            .create(
                {"partner_id": self.member.id, "pin": "1111", "pin_confirm": "2222"}
            )
        )
        with self.assertRaisesRegex(UserError, "same PIN"):
            mismatch.action_set_pin()

    def test_pin_rules(self):
        for pin in ("123", "123456789", "12a4", "١٢٣٤"):
            with self.subTest(pin=pin), self.assertRaises(UserError):
                self.member._club_set_kiosk_pin(pin)
        with self.assertRaises(AccessError):
            self.member.with_user(self.viewer)._club_set_kiosk_pin("1234")
        with self.assertRaises(AccessError):
            self.member.with_user(self.viewer).action_club_kiosk_pin_wizard()

    def test_five_wrong_pins_lock_the_member(self):
        self.member._club_set_kiosk_pin("2468")
        # Tried from several kiosks, so that only the member's counter locks.
        for attempt in range(5):
            self.assertEqual(self.identify(pin="0000", ip=f"10.0.1.{attempt}"), REFUSED)
        self.assertEqual(self.member.club_kiosk_locked_until, NOW + self.minutes(15))
        # Locked: even the right PIN is refused, and it shows.
        self.assertEqual(self.identify(pin="2468", ip="10.0.2.1"), REFUSED)
        self.assertFalse(self.kiosk_checkins())
        guard = (
            self.env["club.kiosk.guard"]
            .with_user(self.desk)
            .search([("is_locked", "=", True)])
        )
        self.assertEqual(guard.partner_id, self.member)
        self.assertEqual(guard.failure_count, 5)
        # Another member is not concerned.
        self.assertEqual(self.identify(OTTO_CARD, ip="10.0.2.3")["status"], "ok")
        with freeze_time(NOW + self.minutes(16)):
            self.assertEqual(self.identify(pin="2468", ip="10.0.2.4")["status"], "ok")

    def test_front_desk_unlocks_the_member(self):
        self.member._club_set_kiosk_pin("2468")
        for attempt in range(5):
            self.identify(pin="0000", ip=f"10.0.1.{attempt}")
        with self.assertRaises(AccessError):
            self.member.with_user(self.viewer).action_club_unlock_kiosk()
        self.member.with_user(self.desk).action_club_unlock_kiosk()
        self.member.invalidate_recordset(["club_kiosk_locked_until"])
        self.assertFalse(self.member.club_kiosk_locked_until)
        self.assertEqual(self.identify(pin="2468", ip="10.0.2.1")["status"], "ok")

    def test_failures_add_up_within_fifteen_minutes_only(self):
        self.member._club_set_kiosk_pin("2468")
        for attempt in range(4):
            self.identify(pin="0000", ip=f"10.0.1.{attempt}")
        with freeze_time(NOW + self.minutes(16)):
            self.identify(pin="0000", ip="10.0.1.9")
            self.assertFalse(self.member.club_kiosk_locked_until)
            self.assertEqual(self.identify(pin="2468", ip="10.0.2.1")["status"], "ok")

    def test_five_failures_lock_the_kiosk(self):
        for attempt in range(5):
            self.assertEqual(self.identify(f"M-90{attempt}"), REFUSED)
        # This kiosk refuses even a known card now; another kiosk does not.
        self.assertEqual(self.identify(), REFUSED)
        self.assertEqual(self.identify(ip="10.0.0.6")["status"], "ok")
        guard = self.env["club.kiosk.guard"].search([("kiosk_ip", "=", KIOSK_IP)])
        self.assertTrue(guard.is_locked)
        self.assertEqual(guard.display_name, f"Kiosk {KIOSK_IP}")
        guard.with_user(self.desk).action_unlock()
        self.assertEqual(self.identify()["status"], "ok")

    def test_a_success_does_not_reset_the_kiosks_failures(self):
        for attempt in range(4):
            self.identify(f"M-90{attempt}")
        self.assertEqual(self.identify()["status"], "ok")
        self.identify("M-905")
        self.assertEqual(self.identify(), REFUSED)

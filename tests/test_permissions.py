"""The seed's permissions: each log-off group logs its own category and nothing else."""

from odoo.exceptions import AccessError
from odoo.tests import Form

from .common import CATEGORY_GROUPS, ClubCase


class TestPermissions(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bookings_by_category = {
            "class_session": lambda: cls.book(cls.spinning, kind="session"),
            "service_session": lambda: cls.book(cls.training, kind="session"),
            "class_consult": lambda: cls.book(cls.spinning, kind="consult"),
            "service_consult": lambda: cls.book(cls.training, kind="consult"),
        }

    def test_category_is_type_by_kind(self):
        for category, make in self.bookings_by_category.items():
            self.assertEqual(make().category, category)

    def test_log_matrix(self):
        """Each log-off group × each category: logs its own, refused elsewhere."""
        for group_category, user in self.loggers.items():
            for category, make in self.bookings_by_category.items():
                with self.subTest(group=group_category, category=category):
                    booking = make()
                    as_user = booking.with_user(user)
                    # Every log-off group sees every booking and its credit status.
                    self.assertEqual(as_user.category, category)
                    as_user.is_paid  # noqa: B018
                    if category == group_category:
                        as_user.log_booking("completed")
                        self.assertEqual(booking.state, "completed")
                        self.assertEqual(booking.log_user_id, user)
                    else:
                        with self.assertRaises(AccessError):
                            as_user.log_booking("completed")
                        with self.assertRaises(AccessError):
                            as_user.write({"log_note": "sneaky"})
                        self.assertEqual(booking.state, "booked")
                        self.assertFalse(booking.log_note)

    def test_log_permission_stored_on_booking(self):
        """The booking names the group that logs it, follows its category, and
        the one record rule on it lets a log-off user write only those."""
        booking = self.bookings_by_category["class_session"]()
        self.assertEqual(
            booking.log_group_id, self.env.ref(CATEGORY_GROUPS["class_session"])
        )
        booking.booking_kind = "consult"
        self.assertEqual(
            booking.log_group_id, self.env.ref(CATEGORY_GROUPS["class_consult"])
        )
        for category, user in self.loggers.items():
            with self.subTest(group=category):
                as_user = booking.with_user(user)
                self.assertEqual(as_user.user_can_log, category == "class_consult")
                if category == "class_consult":
                    as_user.check_access("write")
                else:
                    with self.assertRaises(AccessError):
                        as_user.check_access("write")
        self.assertTrue(booking.with_user(self.manager).user_can_log)
        self.assertFalse(booking.with_user(self.viewer).user_can_log)
        self.assertFalse(booking.with_user(self.desk).user_can_log)
        booking.with_user(self.desk).check_access("write")

    def test_mixed_batch_is_refused_whole(self):
        mine = self.bookings_by_category["class_session"]()
        other = self.bookings_by_category["service_session"]()
        with self.assertRaisesRegex(AccessError, "Service Session"):
            (mine | other).with_user(self.loggers["class_session"]).log_booking(
                "no_show"
            )
        self.assertEqual((mine | other).mapped("state"), ["booked", "booked"])

    def test_viewer_sees_but_cannot_log(self):
        credit = self.credit()
        booking = self.book()
        as_viewer = booking.with_user(self.viewer)
        self.assertEqual(as_viewer.credit_id, credit)
        self.assertTrue(as_viewer.is_paid)
        self.assertEqual(credit.with_user(self.viewer).state, "available")
        for status in ("completed", "no_show"):
            with self.assertRaises(AccessError):
                as_viewer.log_booking(status)
        with self.assertRaises(AccessError):
            as_viewer.write({"log_status": "completed"})
        with self.assertRaises(AccessError):
            as_viewer.action_cancel()
        with self.assertRaises(AccessError):
            self.env["club.booking"].with_user(self.viewer).create(
                {
                    "partner_id": self.member.id,
                    "offering_id": self.spinning.id,
                    "start": self.now,
                }
            )
        self.assertEqual(booking.state, "booked")

    def test_front_desk_books_but_cannot_log(self):
        booking = (
            self.env["club.booking"]
            .with_user(self.desk)
            .create(
                {
                    "partner_id": self.member.id,
                    "offering_id": self.spinning.id,
                    "start": self.now,
                }
            )
        )
        booking.with_user(self.desk).write({"trainer_id": self.manager.id})
        with self.assertRaises(AccessError):
            booking.with_user(self.desk).log_booking("completed")
        booking.with_user(self.desk).action_cancel()
        self.assertEqual(booking.state, "cancelled")

    def test_loggers_cannot_edit_bookings(self):
        booking = self.book()
        with self.assertRaises(AccessError):
            booking.with_user(self.loggers["class_session"]).write({"start": self.now})

    def test_manager_logs_everything_and_configures(self):
        for category, make in self.bookings_by_category.items():
            booking = make()
            booking.with_user(self.manager).log_booking("no_show")
            self.assertEqual(booking.state, "no_show", category)
        # A club manager need not be an Odoo administrator to configure the club.
        self.assertFalse(self.manager._is_admin())
        action = self.env["res.company"].with_user(self.manager).action_club_settings()
        self.assertEqual(action["res_id"], self.company.id)
        with Form(
            self.company.with_user(self.manager),
            view="club_session_logoff.res_company_view_form_club",
        ) as form:
            form.club_kiosk_minutes_before = 45
            form.club_unlogged_action = "complete"
        self.assertEqual(self.company.club_kiosk_minutes_before, 45)
        self.assertEqual(self.company.club_unlogged_action, "complete")
        # ... but nothing else on the company.
        with self.assertRaises(AccessError):
            self.company.with_user(self.manager).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.company.with_user(self.manager).write(
                {"club_kiosk_minutes_before": 10, "name": "Renamed"}
            )

    def test_admins_configure_in_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.club_kiosk_minutes_after = 20
        settings.club_kiosk_confirm_mode = "signature"
        settings.save().execute()
        self.assertEqual(self.company.club_kiosk_minutes_after, 20)
        self.assertEqual(self.company.club_kiosk_confirm_mode, "signature")

    def test_only_managers_configure(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.loggers["class_session"]).write(
                {"club_kiosk_minutes_before": 5}
            )
        with self.assertRaises(AccessError):
            self.company.with_user(self.viewer).club_kiosk_token  # noqa: B018
        with self.assertRaises(AccessError):
            self.env["res.company"].with_user(self.viewer).action_club_settings()
        with self.assertRaises(AccessError):
            self.company.with_user(self.viewer).action_club_regenerate_kiosk_token()

    def test_groups_carry_the_seed_wording(self):
        names = {
            xmlid: self.env.ref(f"club_session_logoff.{xmlid}").name
            for xmlid in ("group_booking_viewer", "group_club_manager")
        }
        for category, xmlid in CATEGORY_GROUPS.items():
            words = category.replace("_", " ")
            self.assertEqual(
                self.env.ref(xmlid).name,
                f"Scheduling: Can log off completed booked {words}s",
            )
        self.assertIn(
            "Can view customer booking & session credit status",
            names["group_booking_viewer"],
        )
        manager_groups = self.env.ref(
            "club_session_logoff.group_club_manager"
        ).trans_implied_ids
        for xmlid in [
            *CATEGORY_GROUPS.values(),
            "club_session_logoff.group_booking_viewer",
        ]:
            self.assertIn(self.env.ref(xmlid), manager_groups)

    def test_other_company_is_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other Club"})
        offering = self.env["club.offering"].create(
            {"name": "Boxing", "company_id": other_company.id}
        )
        booking = self.book(offering)
        self.assertEqual(booking.company_id, other_company)
        found = (
            self.env["club.booking"]
            .with_user(self.manager)
            .search([("id", "=", booking.id)])
        )
        self.assertFalse(found)
        with self.assertRaises(AccessError):
            booking.with_user(self.manager).log_booking("completed")

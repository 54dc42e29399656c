"""No text stored in the language of whoever wrote it (issue 20): a session's
name and the nightly job's last-run summary are stored as data and written in
the reader's language when read."""

from datetime import datetime

from odoo.tools import SQL

from .batch_commits import SimulatedCommitsMixin
from .test_i18n_kiosk import load_languages
from .test_session import SessionCase
from .test_truth_tz import load_migration

# Monday 2 March 2026, 06:00 UTC: 07:00 in Brussels.
START = datetime(2026, 3, 2, 6, 0)


class TestStoredAsData(SimulatedCommitsMixin, SessionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_languages(cls.env, "fr_FR", "es_ES")
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.spinning.with_context(lang="fr_FR").name = "Vélo en salle"
        cls.session = cls.env["club.session"].create(
            {"offering_id": cls.spinning.id, "start": START}
        )

    def setUp(self):
        super().setUp()
        self.simulate_batch_commits("club.unlogged.job")

    def test_session_name_in_the_readers_language(self):
        self.assertFalse(self.env["club.session"]._fields["name"].store)
        # Created by an English user; each reader reads it in their language.
        self.assertEqual(
            self.session.with_context(lang="en_US").name, "Spinning · Mon 07:00 · Marco"
        )
        self.assertEqual(
            self.session.with_context(lang="fr_FR").name,
            "Vélo en salle · lun. 07:00 · Marco",
        )
        self.assertEqual(
            self.session.with_context(lang="es_ES").name, "Spinning · lun 07:00 · Marco"
        )
        self.assertEqual(
            self.session.with_context(lang="fr_FR").display_name,
            "Vélo en salle · lun. 07:00 · Marco",
        )
        # The club's time zone moves it, whoever reads it.
        self.company.partner_id.tz = "Asia/Tokyo"
        self.assertEqual(
            self.session.with_context(lang="en_US").name, "Spinning · Mon 15:00 · Marco"
        )

    def test_session_name_is_searched_by_offering_and_trainer(self):
        Session = self.env["club.session"]
        other = Session.create({"offering_id": self.yoga.id, "start": START})
        other.trainer_id = False
        for lang, value, expected in (
            ("en_US", "spinn", self.session),
            ("fr_FR", "vélo", self.session),
            ("en_US", "marco", self.session),
            ("en_US", "yoga", other),
        ):
            with self.subTest(lang=lang, value=value):
                found = Session.with_context(lang=lang).search(
                    [("name", "ilike", value), ("id", "in", (self.session | other).ids)]
                )
                self.assertEqual(found, expected)
        found = Session.search(
            [("name", "not ilike", "marco"), ("id", "in", (self.session | other).ids)]
        )
        self.assertEqual(found, other)
        found = Session.with_context(lang="fr_FR").name_search("Vélo")
        self.assertIn(self.session.id, [session_id for session_id, _name in found])

    def test_last_run_summary_in_the_readers_language(self):
        self.company.club_unlogged_action = "complete"
        self.env["club.unlogged.job"]._run(self.company)
        stored = self.company.club_unlogged_last_counts
        self.assertEqual(stored["counts"]["completed"], 0)
        self.assertTrue(
            self.company.with_context(
                lang="en_US"
            ).club_unlogged_last_summary.startswith("Completed: 0, cancelled: 0,")
        )
        self.assertTrue(
            self.company.with_context(
                lang="fr_FR"
            ).club_unlogged_last_summary.startswith("Effectuées : 0, annulées : 0,")
        )

    def test_failed_run_summary_in_the_readers_language(self):
        counts = dict.fromkeys(("completed", "cancelled", "no_show"), 0)
        counts["completed"] = 2
        self.company.club_unlogged_last_counts = {
            "failure": "RuntimeError: disk full",
            "counts": counts,
        }
        english = self.company.with_context(lang="en_US").club_unlogged_last_summary
        self.assertIn("The run failed", english)
        self.assertIn(
            "RuntimeError: disk full Done before the failure: Completed: 2,", english
        )
        french = self.company.with_context(lang="fr_FR").club_unlogged_last_summary
        self.assertIn("RuntimeError: disk full", french)
        self.assertIn("Effectuées : 2,", french)
        self.assertNotIn("The run failed", french)
        self.company.club_unlogged_last_counts = {"failure": "boom"}
        self.assertTrue(
            self.company.with_context(lang="en_US").club_unlogged_last_summary.endswith(
                ": boom"
            )
        )

    def test_migration_keeps_the_old_summary_and_drops_the_columns(self):
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            "ALTER TABLE res_company ADD COLUMN club_unlogged_last_summary varchar"
        )
        cr.execute("ALTER TABLE club_session ADD COLUMN name varchar")
        cr.execute(
            SQL(
                "UPDATE res_company SET club_unlogged_last_summary = %s, "
                "club_unlogged_last_counts = NULL WHERE id = %s",
                "Completed: 3, cancelled: 0.",
                self.company.id,
            )
        )
        load_migration("post-i18n-stored-texts.py").migrate(cr, "18.0.1.3.0")
        self.company.invalidate_recordset()
        self.assertEqual(
            self.company.club_unlogged_last_counts,
            {"text": "Completed: 3, cancelled: 0."},
        )
        self.assertEqual(
            self.company.with_context(lang="fr_FR").club_unlogged_last_summary,
            "Completed: 3, cancelled: 0.",
        )
        cr.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE (table_name, column_name) IN "
            "(('res_company', 'club_unlogged_last_summary'), ('club_session', 'name'))"
        )
        self.assertEqual(cr.fetchall(), [])
        self.assertEqual(self.session.name, "Spinning · Mon 07:00 · Marco")

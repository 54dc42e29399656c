"""Side effects in one path: every change of a booking's state goes through
club.booking._transition (log-offs, cancels and corrections through
_apply_outcome, Reopen through _reopen, the waitlist's promotion through
_promote), and a credit is tied to or untied from a booking only by
_tie_credits / _untie_credits."""

import re
from pathlib import Path
from unittest.mock import patch

from odoo.modules.module import get_module_path

from .common import ClubCase

# A write of a booking's credit: an assignment, or a key of written values.
CREDIT_WRITE = re.compile(r"\.credit_id\s*=(?!=)|[\"']credit_id[\"']\s*:")
STATE_WRITE = re.compile(r"write\(\s*\{[^}]*[\"']state[\"']\s*:")


class TestOnePath(ClubCase):
    def recording(self, name):
        """Patch club.booking's method ``name`` to record its calls."""
        Booking = type(self.env["club.booking"])
        original = getattr(Booking, name)
        calls = []

        def record(records, *args, **kwargs):
            calls.append((records, args, kwargs))
            return original(records, *args, **kwargs)

        return patch.object(Booking, name, record), calls

    def test_reopen_goes_through_the_transition_path(self):
        self.credit()
        booking = self.book()
        booking.log_booking("completed")
        patcher, calls = self.recording("_transition")
        with patcher:
            booking.with_user(self.manager).action_reset_to_booked()
        self.assertEqual(booking.state, "booked")
        self.assertEqual([(r, a[0]) for r, a, _k in calls], [(booking, "booked")])
        self.assertFalse(booking.log_date or booking.log_user_id or booking.log_source)
        self.assertEqual(booking.credit_id.state, "available")

    def test_promotion_goes_through_the_transition_path(self):
        session = self.env["club.session"].create(
            {"offering_id": self.spinning.id, "start": self.now, "capacity": 1}
        )
        session.start = self.now.replace(year=self.now.year + 1)
        seated = self.env["club.booking"].create(
            {"partner_id": self.member.id, "session_id": session.id}
        )
        waiting = self.env["club.booking"].create(
            {
                "partner_id": self.other_member.id,
                "session_id": session.id,
                "state": "waitlisted",
            }
        )
        patcher, calls = self.recording("_transition")
        with patcher:
            seated.with_user(self.desk).cancel_booking()
        self.assertEqual(waiting.state, "booked")
        self.assertIn((waiting, "booked"), [(r, a[0]) for r, a, _k in calls])

    def test_one_writer_of_state_and_of_credits(self):
        root = Path(get_module_path("club_session_logoff"))
        credit_writers, state_writers = [], []
        for path in sorted(root.glob("**/*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            for number, line in enumerate(text.splitlines(), 1):
                where = f"{path.relative_to(root)}:{number}"
                if CREDIT_WRITE.search(line):
                    credit_writers.append(where)
                if STATE_WRITE.search(line):
                    state_writers.append(where)
        self.assertEqual(len(credit_writers), 2, credit_writers)
        self.assertTrue(
            all(w.startswith("models/club_booking.py:") for w in credit_writers),
            credit_writers,
        )
        booking_state_writers = [
            w
            for w in state_writers
            if not w.startswith(("models/club_session_credit", "models/club_penalty"))
        ]
        self.assertEqual(len(booking_state_writers), 1, booking_state_writers)

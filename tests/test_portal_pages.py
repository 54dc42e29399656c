"""The member portal's timetable (/my/club/sessions) is paged by days: a page
holds whole days, soonest first, as many as fit in 30 sessions and a week; a
day busier than that is a page of its own; days without a session are on no
page. The pager keeps the filters, a page holds only its days' sessions, and
its Book forms carry one CSRF token (computed once, not once per form)."""

import re
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.club_session_logoff.models import club_session_member

from .portal_common import PortalCase

# A Tuesday, 10:00 UTC (11:00 in Brussels); the booking window runs to the
# end of the 24th (14 days).
NOW = datetime(2026, 3, 10, 10, 0, 0)
SESSION_ID = re.compile(r'data-session-id="(\d+)"')
DAY = re.compile(r'class="[^"]*\bo_club_day\b[^"]*">([^<]*)<')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGER_LINK = re.compile(r'href="(/my/club/sessions[^"]*)"')
ROW = re.compile(r'<li [^>]*data-session-id="(\d+)"[^>]*>(.*?)</li>', re.S)


def day(n):
    return date(2026, 3, 10) + timedelta(days=n)


class TestTimetablePageRule(PortalCase):
    """The rule alone (club.session._member_timetable_pages)."""

    def pages(self, sessions_per_day):
        """The pages of a timetable with ``{day offset: sessions}``, as lists
        of ``(day offset, sessions)``."""
        index, next_id = [], 1
        for offset, count in sorted(sessions_per_day.items()):
            for _i in range(count):
                index.append((next_id, day(offset)))
                next_id += 1
        pages = self.env["club.session"]._member_timetable_pages(index)
        return [[((d - day(0)).days, len(ids)) for d, ids in page] for page in pages]

    def test_constants(self):
        # What the docs (portal.md) and the tests below say.
        self.assertEqual(club_session_member.TIMETABLE_PAGE_SESSIONS, 30)
        self.assertEqual(club_session_member.TIMETABLE_PAGE_DAYS, 7)

    def test_whole_days_within_30_sessions(self):
        self.assertEqual(
            self.pages({0: 10, 1: 10, 2: 10, 3: 1}),
            [[(0, 10), (1, 10), (2, 10)], [(3, 1)]],
        )
        # The next day does not fit: the page stops before it, never splits it.
        self.assertEqual(
            self.pages({0: 20, 1: 11, 2: 5}), [[(0, 20)], [(1, 11), (2, 5)]]
        )

    def test_a_busy_day_is_a_page_of_its_own(self):
        self.assertEqual(
            self.pages({0: 2, 1: 45, 2: 3}), [[(0, 2)], [(1, 45)], [(2, 3)]]
        )

    def test_at_most_a_week_and_no_empty_day(self):
        # Days without sessions are on no page; a page spans 7 days at most.
        self.assertEqual(
            self.pages({0: 1, 3: 1, 6: 1, 7: 1, 13: 1, 14: 1}),
            [[(0, 1), (3, 1), (6, 1)], [(7, 1), (13, 1)], [(14, 1)]],
        )
        self.assertEqual(self.pages({}), [])

    @freeze_time(NOW)
    def test_index_days_in_the_clubs_time_zone(self):
        Session = self.env["club.session"]
        # 22:30 UTC is 23:30 in Brussels, the 10th; 23:30 UTC is the 11th.
        late = Session.create(
            {
                "offering_id": self.spinning.id,
                "start": datetime(2026, 3, 10, 22, 30),
                "capacity": 5,
            }
        )
        after_midnight = Session.create(
            {
                "offering_id": self.yoga.id,
                "start": datetime(2026, 3, 10, 23, 30),
                "capacity": 5,
            }
        )
        self.spinning.booking_close_minutes = 60
        closed = self.session_in(timedelta(minutes=30))
        started = self.session_in(-timedelta(minutes=5))
        index = Session.with_user(self.mia)._member_timetable_index(self.company)
        rows = {session_id: row for session_id, *row in index}
        self.assertEqual(rows[late.id], [self.spinning.id, None, day(0)])
        self.assertEqual(rows[after_midnight.id][2], day(1))
        self.assertNotIn(closed.id, rows)
        self.assertNotIn(started.id, rows)
        # The same sessions as the timetable, in its order.
        self.assertEqual(
            [row[0] for row in index],
            Session.with_user(self.mia)._member_timetable(self.company).ids,
        )


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestTimetablePagesHttp(PortalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trainer = new_test_user(
            cls.env,
            login="pages_trainer",
            name="Tess Trainer",
            groups="base.group_user",
        )
        Session = cls.env["club.session"]

        def at(offset, hour, offering=None, **vals):
            # ``hour``:00 in Brussels (UTC+1 in March) on day ``offset``.
            return Session.create(
                {
                    "offering_id": (offering or cls.spinning).id,
                    "start": datetime.combine(day(offset), datetime.min.time())
                    + timedelta(hours=hour - 1),
                    "capacity": 5,
                    **vals,
                }
            )

        # Page 1: today (10th) and the 12th (the 11th has no session): 24
        # sessions; the 13th's 8 would make 32.
        cls.today = [at(0, 12 + h % 10) for h in range(4)]
        cls.yoga_today = at(0, 18, cls.yoga, trainer_id=cls.trainer.id)
        cls.twelfth = [at(2, 5 + h / 2) for h in range(19)]
        # Page 2: the 13th and the 19th (a week from the 13th); the 20th is
        # the 8th day: page 3, with a yoga class.
        cls.thirteenth = [at(3, 8 + h) for h in range(8)]
        cls.yoga_19th = at(9, 10, cls.yoga, trainer_id=cls.trainer.id)
        cls.yoga_20th = at(10, 10, cls.yoga)
        cls.page_sessions = [
            [*cls.today, cls.yoga_today, *cls.twelfth],
            [*cls.thirteenth, cls.yoga_19th],
            [cls.yoga_20th],
        ]

    def setUp(self):
        super().setUp()
        self.authenticate("mia_portal", "mia_portal")

    def page(self, url):
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, url)
        return response.text

    def ids_on(self, html):
        return [int(i) for i in SESSION_ID.findall(html)]

    def links(self, html):
        return {link.replace("&amp;", "&") for link in PAGER_LINK.findall(html)}

    def test_paged_by_days_soonest_first(self):
        first = self.page("/my/club/sessions")
        # Today first, then the next day with a session; no empty day.
        self.assertEqual(DAY.findall(first), ["Tuesday 10 March", "Thursday 12 March"])
        self.assertEqual(self.ids_on(first), [s.id for s in self.page_sessions[0]])
        self.assertIn('href="/my/club/sessions/page/2"', first)
        self.assertIn('href="/my/club/sessions/page/3"', first)
        self.assertNotIn("/my/club/sessions/page/4", first)
        second = self.page("/my/club/sessions/page/2")
        self.assertEqual(DAY.findall(second), ["Friday 13 March", "Thursday 19 March"])
        third = self.page("/my/club/sessions/page/3")
        self.assertEqual(DAY.findall(third), ["Friday 20 March"])
        # A page past the last (a bookmark of an earlier day): the last one.
        self.assertEqual(
            self.ids_on(self.page("/my/club/sessions/page/9")), [self.yoga_20th.id]
        )

    def test_a_page_holds_only_its_days(self):
        for number, sessions in enumerate(self.page_sessions, start=1):
            with self.subTest(page=number):
                html = self.page(f"/my/club/sessions/page/{number}")
                self.assertEqual(self.ids_on(html), [s.id for s in sessions])
        # Every session of the window is on exactly one page.
        everything = [s.id for sessions in self.page_sessions for s in sessions]
        self.assertEqual(
            everything,
            self.env["club.session"]
            .with_user(self.mia)
            ._member_timetable(self.company)
            .ids,
        )

    def test_filters_are_kept_across_pages(self):
        yoga = f"offering={self.yoga.id}"
        first = self.page(f"/my/club/sessions?{yoga}")
        # The yoga classes alone, paged by the same rule: today's; the 19th's
        # is more than a week later, with the 20th's.
        self.assertEqual(self.ids_on(first), [self.yoga_today.id])
        self.assertIn(f"/my/club/sessions/page/2?{yoga}", self.links(first))
        second = self.page(f"/my/club/sessions/page/2?{yoga}")
        self.assertEqual(self.ids_on(second), [self.yoga_19th.id, self.yoga_20th.id])
        self.assertIn(f"/my/club/sessions?{yoga}", self.links(second))
        self.assertNotIn("/my/club/sessions/page/3", second)
        # The filter form shows the filter chosen.
        self.assertRegex(second, rf'<option value="{self.yoga.id}" selected="')
        # Offering and trainer together, both kept.
        both = f"{yoga}&trainer={self.trainer.id}"
        first = self.page(f"/my/club/sessions?{both}")
        self.assertEqual(self.ids_on(first), [self.yoga_today.id])
        self.assertIn(f"/my/club/sessions/page/2?{both}", self.links(first))
        second = self.page(f"/my/club/sessions/page/2?{both}")
        self.assertEqual(self.ids_on(second), [self.yoga_19th.id])
        self.assertIn("Tess Trainer · ", second)
        # A filter that leaves nothing: no page, no pager.
        empty = self.page(f"/my/club/sessions?offering={self.training.id}")
        self.assertEqual(self.ids_on(empty), [])
        self.assertIn("No session to book in this period.", empty)
        self.assertNotIn("/my/club/sessions/page/", empty)

    def test_one_csrf_token_per_page(self):
        calls = []
        csrf_token = http.Request.csrf_token

        def counted(request, *args, **kwargs):
            calls.append(args)
            return csrf_token(request, *args, **kwargs)

        with patch.object(http.Request, "csrf_token", counted):
            html = self.page("/my/club/sessions")
        tokens = CSRF_INPUT.findall(html)
        self.assertEqual(len(tokens), len(self.page_sessions[0]))  # a form each
        self.assertEqual(len(set(tokens)), 1)
        # Once for the page's forms, once for Odoo's layout (its script),
        # whatever the number of forms.
        self.assertLessEqual(len(calls), 2)
        # And the token is a valid one: Book with it.
        self.give_credit()
        session = self.page_sessions[0][0]
        answer = self.url_open(
            f"/my/club/sessions/{session.id}/book",
            data={"csrf_token": tokens[0]},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.assertIn("/my/club/bookings/", answer.headers["Location"])

    def test_the_members_own_status(self):
        Booking = self.env["club.booking"]
        self.give_credit(count=1)
        booked = self.page_sessions[0][0]
        Booking.create({"partner_id": self.member.id, "session_id": booked.id})
        full = self.session_in(timedelta(hours=6), offering=self.yoga, capacity=1)
        self.give_credit(self.other_member)
        Booking.create({"partner_id": self.other_member.id, "session_id": full.id})
        Booking.create(
            {"partner_id": self.member.id, "session_id": full.id, "state": "waitlisted"}
        )
        rows = {
            int(session_id): " ".join(re.sub(r"<[^>]+>", " ", row).split())
            for session_id, row in ROW.findall(self.page("/my/club/sessions"))
        }
        self.assertIn("Booked", rows[booked.id])
        self.assertIn("Full · waitlist 1", rows[full.id])
        self.assertIn("Waitlisted · position 1", rows[full.id])
        # One status each (the seat-offer badge once split the status's
        # t-if/t-elif chain: every booked booking also read "Cancelled").
        for session in (booked, full):
            self.assertNotIn("Cancelled", rows[session.id])

"""The demo club's timetable: two months of sessions back, two weeks ahead, with
bookings.

Called once, when the demo data is installed (demo/club_demo.xml:
``<function model="club.demo" name="_timetable"/>``). Written in Python rather
than as XML records: a hundred sessions and several hundred bookings on dates
relative to today read better as the club's weekly pattern below. An abstract
model (no table) only holds the code, as Odoo's own demo builders do.
"""

import random
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

XMLID = "club_session_logoff.%s"

# The club's week, in the club's time zone: (weekdays, 0 = Monday; start;
# offering; trainer, None for the offering's; demand: the share of the seats
# members ask for; above 1, more than there are). Offerings and trainers are
# demo/club_demo.xml's.
WEEK = (
    ((0, 1, 2, 3, 4), "07:00", "offering_spinning", None, 0.8),
    ((0, 2, 4), "09:30", "offering_yoga", None, 0.6),
    ((1, 3), "12:15", "offering_hiit", None, 1.2),
    ((0, 1, 2, 3, 4), "18:00", "offering_spinning", "user_trainer_jonas", 1.3),
    ((1, 3), "19:00", "offering_hiit", None, 0.8),
    ((0, 2, 4), "19:15", "offering_yoga", None, 0.7),
    # Saturday morning spinning fills up too: whatever the hour the demo is
    # installed, a full session of the next two days has a waitlist.
    ((5,), "09:00", "offering_spinning", None, 1.3),
    # No trainer: the day grid's last column.
    ((5,), "10:30", "offering_stretch", None, 0.5),
    ((6,), "10:00", "offering_yoga", None, 0.6),
    # Personal training: sessions of one seat, Marco's mornings.
    ((0, 1, 2, 3, 4), "10:00", "offering_personal_training", None, 0.8),
    ((1, 3), "11:30", "offering_personal_training", None, 0.6),
)
# Marco's afternoons are booked by the hour, as one-to-one bookings without a
# session (weekdays, starts, how often booked).
ONE_TO_ONE = ((0, 2, 4), ("16:00", "17:00"), 0.6)
# Two months back (Dashboards > Club Attendance compares the last 30 days with
# the 30 days before), two weeks ahead.
FIRST_DAY, LAST_DAY = -60, 13
# The first evening HIIT class four days ahead or later was cancelled.
CANCELLED_SLOT = "19:00"
# Members book a few days ahead: the share of the demand booked already, by how
# many days ahead the session is.
BOOKED_AHEAD = ((2, 1.0), (6, 0.7), (13, 0.35))
# What staff have logged already: everything up to the day before yesterday,
# and the morning sessions (before noon) over for some hours; yesterday's and
# today's afternoon and evening sessions wait in Log Sessions.
LOGGED_DAYS_BEFORE = -1
LOGGED_MORNING_BEFORE = 12
LOGGED_HOURS_AFTER = 6
NO_SHOW_RATE = 0.08
# New members of the demo club (the first eight are records of club_demo.xml).
NEW_MEMBERS = (
    "Mia Thompson",
    "James Walker",
    "Chloe Harris",
    "Benjamin Lewis",
    "Zoe Robinson",
    "Henry Young",
    "Lily King",
    "Samuel Wright",
    "Grace Scott",
    "Daniel Green",
    "Ella Baker",
    "Jack Adams",
    "Hannah Nelson",
    "Leo Carter",
    "Ruby Mitchell",
    "Owen Perez",
    "Isla Roberts",
    "Adam Turner",
    "Nora Phillips",
    "Ryan Campbell",
    "Aria Parker",
    "Caleb Evans",
    "Layla Edwards",
    "Nathan Collins",
)
# Members who pay as they go (no credits bought ahead): their bookings wait for
# a payment at the Point of Sale.
PAY_AS_YOU_GO = ("Leo Carter", "Aria Parker")
# Members who train with Marco.
PT_CLIENTS = (
    "member_emma",
    "member_liam",
    "member_ava",
    "Mia Thompson",
    "Henry Young",
    "Grace Scott",
    "Owen Perez",
)
# Members who came regularly and stopped three to six weeks ago: Club >
# Reporting > Members at Risk lists them. (name, member number, phone, offering,
# weekdays, time, first and last visit in days before today, the visits that
# were no-shows (their index), credits left.) They are not in the timetable.
LAPSED_MEMBERS = (
    (
        "Sofia Martinez",
        "M-2001",
        "+1 555-0142",
        "offering_yoga",
        (0, 2),
        "19:15",
        (70, 30),
        (3,),
        6,
    ),
    (
        "Lucas Moreau",
        "M-2002",
        "+1 555-0187",
        "offering_spinning",
        (1, 3),
        "07:00",
        (62, 25),
        (2, 7),
        0,
    ),
    (
        "Emily Clarke",
        "M-2003",
        "+1 555-0119",
        "offering_hiit",
        (1,),
        "12:15",
        (80, 40),
        (),
        2,
    ),
)


class Plan:
    """Who goes where: the sessions and bookings to create, planned before
    anything is created (so that nobody is in two places at once)."""

    def __init__(self, env, members, pt_clients):
        self.env = env
        self.members = list(members)
        self.pt_clients = pt_clients
        self.rng = random.Random(2026)  # the same club at every install
        self.tz = env.company._club_tz()
        self.now = fields.Datetime.now()
        self.today = pytz.utc.localize(self.now).astimezone(self.tz).date()
        self.busy = {}  # (member, day): [(start, stop)]
        # Session values; seats (session index, member, logged); one-to-one
        # bookings (member, start, logged); the waitlist (session index, member).
        self.sessions, self.seats, self.lone, self.waitlist = [], [], [], []
        self.cancelled = False

    def moment(self, day, hhmm):
        """``day`` at ``hhmm``, the club's time, as naive UTC."""
        hours, minutes = map(int, hhmm.split(":"))
        local = self.tz.localize(datetime.combine(day, time(hours, minutes)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def logged(self, offset, hhmm, stop):
        """Whether staff have logged a session of that day and time already."""
        if offset < LOGGED_DAYS_BEFORE:
            return True
        over = stop <= self.now - timedelta(hours=LOGGED_HOURS_AFTER)
        return over and int(hhmm[:2]) < LOGGED_MORNING_BEFORE

    def take(self, pool, day, start, stop):
        """The members of ``pool`` free at that time, in a random order."""
        return [
            member
            for member in self.rng.sample(pool, len(pool))
            if all(
                stop <= begin or start >= end
                for begin, end in self.busy.get((member, day), ())
            )
        ]

    def book(self, member, day, start, stop):
        self.busy.setdefault((member, day), []).append((start, stop))

    def day(self, offset):
        day = self.today + timedelta(days=offset)
        ahead = next((share for days, share in BOOKED_AHEAD if offset <= days), 0)
        for weekdays, hhmm, offering_name, trainer_name, demand in WEEK:
            if day.weekday() in weekdays:
                self.session(
                    offset, day, hhmm, offering_name, trainer_name, demand * ahead
                )
        weekdays, starts, demand = ONE_TO_ONE
        if day.weekday() in weekdays:
            for hhmm in starts:
                start = self.moment(day, hhmm)
                stop = start + timedelta(hours=1)
                free = self.take(self.pt_clients, day, start, stop)
                if free and self.rng.random() < demand * ahead:
                    self.book(free[0], day, start, stop)
                    self.lone.append((free[0], start, self.logged(offset, hhmm, stop)))

    def session(self, offset, day, hhmm, offering_name, trainer_name, demand):
        ref = self.env.ref
        offering = ref(XMLID % offering_name)
        vals = {"offering_id": offering.id, "start": self.moment(day, hhmm)}
        if trainer_name:
            vals["trainer_id"] = ref(XMLID % trainer_name).id
        index = len(self.sessions)
        self.sessions.append(vals)
        if offset >= 4 and hhmm == CANCELLED_SLOT and not self.cancelled:
            # Cancelled before anyone booked: the day grid strikes it through.
            # (Cancel Session, from issue 10's cancellation branch, also
            # cancels bookings and tells their members.)
            vals["is_cancelled"] = self.cancelled = True
            return
        capacity = offering.default_capacity
        start = vals["start"]
        stop = start + timedelta(hours=offering.duration)
        if capacity == 1:
            wanted = int(self.rng.random() < demand)
            pool = self.pt_clients
        else:
            wanted = round(capacity * demand * self.rng.uniform(0.8, 1.1))
            pool = self.members
        chosen = self.take(pool, day, start, stop)[:wanted]
        logged = self.logged(offset, hhmm, stop)
        for member in chosen[:capacity]:
            self.book(member, day, start, stop)
            self.seats.append((index, member, logged))
        if start > self.now:
            # Members asking for a seat in a full session to come (a session
            # that started closed its waitlist: not today's earlier ones).
            self.waitlist.extend((index, member) for member in chosen[capacity:])


class ClubDemo(models.AbstractModel):
    _name = "club.demo"
    _description = "Club Demo Data"

    @api.model
    def _timetable(self):
        """Fill the demo club with sessions from two months ago to two weeks
        ahead, book the demo members into them and log the past ones through
        the one log-off path (by their trainer, as staff would). Does nothing
        when the demo club has sessions already."""
        offerings = [self.env.ref(XMLID % slot[2]) for slot in WEEK]
        Session = self.env["club.session"]
        if Session.search_count([("offering_id", "in", [o.id for o in offerings])]):
            return True
        members = self._members()
        pt_clients = [
            members[name] if name in members else self.env.ref(XMLID % name)
            for name in PT_CLIENTS
        ]
        plan = Plan(self.env, members.values(), pt_clients)
        for offset in range(FIRST_DAY, LAST_DAY + 1):
            plan.day(offset)

        self._credits(members, plan)
        sessions = Session.create(plan.sessions)
        Booking = self.env["club.booking"].with_context(
            tracking_disable=True, mail_create_nolog=True, club_no_booking_mail=True
        )
        in_sessions = Booking.create(
            [
                {"partner_id": member.id, "session_id": sessions[index].id}
                for index, member, _logged in plan.seats
            ]
        )
        # Members who asked for a seat in a full session to come: its waitlist,
        # in the order they asked.
        Booking.create(
            [
                {
                    "partner_id": member.id,
                    "session_id": sessions[index].id,
                    "state": "waitlisted",
                }
                for index, member in plan.waitlist
            ]
        )
        training = self.env.ref(XMLID % "offering_personal_training")
        one_to_one = Booking.create(
            [
                {
                    "partner_id": member.id,
                    "offering_id": training.id,
                    "trainer_id": training.default_trainer_id.id,
                    "start": start,
                }
                for member, start, _logged in plan.lone
            ]
        )
        logged = [flag for *_rest, flag in plan.seats + plan.lone]
        self._log(in_sessions + one_to_one, logged, plan.rng)
        return True

    @api.model
    def _lapsed_members(self):
        """Members who came regularly and stopped (LAPSED_MEMBERS): their
        bookings of weeks ago, logged by an administrator, and their credits.
        Does nothing when they exist already."""
        Partner = self.env["res.partner"]
        refs = [lapsed[1] for lapsed in LAPSED_MEMBERS]
        if Partner.search_count([("club_member_ref", "in", refs)]):
            return True
        tz = self.env.company._club_tz()
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        Booking = self.env["club.booking"].with_context(
            tracking_disable=True, mail_create_nolog=True, club_no_booking_mail=True
        )
        admin = self.env.ref("base.user_admin")
        for lapsed in LAPSED_MEMBERS:
            name, ref, phone, offering_name, weekdays, hhmm, days, missed, left = lapsed
            first, last = days
            member = Partner.create(
                {
                    "name": name,
                    "club_member_ref": ref,
                    "phone": phone,
                    "email": f"{name.split()[0].lower()}@example.com",
                }
            )
            offering = self.env.ref(XMLID % offering_name)
            hours, minutes = map(int, hhmm.split(":"))
            starts = [
                tz.localize(datetime.combine(day, time(hours, minutes)))
                .astimezone(pytz.utc)
                .replace(tzinfo=None)
                for day in (
                    today - timedelta(days=ago) for ago in range(first, last - 1, -1)
                )
                if day.weekday() in weekdays
            ]
            # A pack of credits, of which some are left.
            self.env["club.session.credit"].create(
                [
                    {"partner_id": member.id, "offering_type": "class", "is_paid": True}
                    for _i in range(len(starts) + left)
                ]
            )
            bookings = Booking.create(
                [
                    {
                        "partner_id": member.id,
                        "offering_id": offering.id,
                        "start": start,
                    }
                    for start in starts
                ]
            )
            no_shows = bookings.browse([bookings[i].id for i in missed])
            user = offering.default_trainer_id or admin
            (bookings - no_shows).with_user(user).log_booking("completed")
            if no_shows:
                no_shows.with_user(user).log_booking(
                    "no_show", "Did not show up; no call."
                )
        return True

    @api.model
    def _members(self):
        """The demo club's members by name: club_demo.xml's and new ones."""
        Partner = self.env["res.partner"]
        existing = Partner.search([("club_member_ref", "=like", "M-1%")])
        members = {partner.name: partner for partner in existing}
        new = Partner.create(
            [
                {
                    "name": name,
                    "club_member_ref": f"M-{1009 + i}",
                    "email": f"{name.split()[0].lower()}@example.com",
                }
                for i, name in enumerate(NEW_MEMBERS)
                if name not in members
            ]
        )
        members.update((partner.name, partner) for partner in new)
        return members

    @api.model
    def _credits(self, members, plan):
        """Session credits for the members' bookings, sold at the desk: what the
        credits of club_demo.xml do not cover. Pay-as-you-go members buy none."""
        pt_offering = self.env.ref(XMLID % "offering_personal_training")
        counts = {}
        for index, member, _logged in plan.seats:
            offering_id = plan.sessions[index]["offering_id"]
            key = (member, "service" if offering_id == pt_offering.id else "class")
            counts[key] = counts.get(key, 0) + 1
        for member, _start, _logged in plan.lone:
            counts[member, "service"] = counts.get((member, "service"), 0) + 1
        Credit = self.env["club.session.credit"]
        owned = {
            (partner, kind): count
            for partner, kind, count in Credit._read_group(
                [
                    ("partner_id", "in", [member.id for member, _kind in counts]),
                    ("state", "=", "available"),
                ],
                ["partner_id", "offering_type"],
                ["__count"],
            )
        }
        paying = set(members.values()) - {members[name] for name in PAY_AS_YOU_GO}
        Credit.create(
            [
                {
                    "partner_id": member.id,
                    "offering_type": kind,
                    "offering_id": pt_offering.id if kind == "service" else False,
                    "is_paid": True,
                }
                for (member, kind), count in sorted(
                    counts.items(), key=lambda item: (item[0][0].id, item[0][1])
                )
                if member in paying
                for _ in range(count - owned.get((member, kind), 0))
            ]
        )

    @api.model
    def _log(self, bookings, logged, rng):
        """Log the bookings staff have logged already (``logged``) through the
        one log-off path, by their trainer (a club manager when there is none):
        most completed, a few no-shows."""
        admin = self.env.ref("base.user_admin")
        batches = {}
        for booking, done in zip(bookings, logged, strict=True):
            if not done:
                continue
            status = "no_show" if rng.random() < NO_SHOW_RATE else "completed"
            key = (booking.trainer_id or admin, status)
            batches[key] = batches.get(key, booking.browse()) | booking
        for (user, status), batch in sorted(
            batches.items(), key=lambda item: (item[0][0].id, item[0][1])
        ):
            note = "Did not show up; no call." if status == "no_show" else None
            batch.with_user(user).log_booking(status, note)

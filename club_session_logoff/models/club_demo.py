"""The demo club's timetable: four weeks of sessions around today, with bookings.

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
    ((5,), "09:00", "offering_spinning", None, 0.9),
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
# Two weeks back, two weeks ahead.
FIRST_DAY, LAST_DAY = -14, 13
# The first evening HIIT class four days ahead or later was cancelled.
CANCELLED_SLOT = "19:00"
# Members book a few days ahead: the share of the demand booked already, by how
# many days ahead the session is.
BOOKED_AHEAD = ((2, 1.0), (6, 0.7), (13, 0.35))
# Sessions of the days before yesterday are logged, as staff would have; the
# rest of yesterday and today's started sessions wait in Log Sessions.
LOGGED_BEFORE = -1
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


class ClubDemo(models.AbstractModel):
    _name = "club.demo"
    _description = "Club Demo Data"

    @api.model
    def _timetable(self):
        """Fill the demo club with four weeks of sessions around today, book the
        demo members into them and log the past ones through the one log-off
        path (by their trainer, as staff would). Does nothing when the demo
        club has sessions already."""
        ref = self.env.ref
        offerings = {
            name: ref(XMLID % name)
            for name in {slot[2] for slot in WEEK} | {"offering_personal_training"}
        }
        Session = self.env["club.session"]
        if Session.search_count(
            [("offering_id", "in", [o.id for o in offerings.values()])]
        ):
            return True
        rng = random.Random(2026)  # the same club at every install
        company = self.env.company
        tz = company._club_tz()
        now = fields.Datetime.now()
        today = pytz.utc.localize(now).astimezone(tz).date()
        members = self._members()
        pt_clients = [
            members[name] if name in members else ref(XMLID % name)
            for name in PT_CLIENTS
        ]

        def moment(day, hhmm):
            hours, minutes = map(int, hhmm.split(":"))
            local = tz.localize(datetime.combine(day, time(hours, minutes)))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        # Plan first (who goes where), then create everything in a few calls.
        busy = {}  # (member, day): [(start, stop)] so nobody is in two places

        def free(member, day, start, stop):
            return all(
                stop <= begin or start >= end
                for begin, end in busy.get((member, day), ())
            )

        session_vals, seats, waitlist, lone = [], [], [], []
        cancelled = False
        for offset in range(FIRST_DAY, LAST_DAY + 1):
            day = today + timedelta(days=offset)
            ahead = next((share for days, share in BOOKED_AHEAD if offset <= days), 0)
            for weekdays, hhmm, offering_name, trainer_name, demand in WEEK:
                if day.weekday() not in weekdays:
                    continue
                offering = offerings[offering_name]
                vals = {"offering_id": offering.id, "start": moment(day, hhmm)}
                if trainer_name:
                    vals["trainer_id"] = ref(XMLID % trainer_name).id
                capacity = offering.default_capacity
                if offset >= 4 and hhmm == CANCELLED_SLOT and not cancelled:
                    # Cancelled before anyone booked: the day grid strikes it
                    # through. (Cancel Session, from issue 10's cancellation
                    # branch, also cancels bookings and tells their members.)
                    vals["is_cancelled"] = cancelled = True
                    session_vals.append(vals)
                    continue
                start = vals["start"]
                stop = start + timedelta(hours=offering.duration)
                pool = pt_clients if capacity == 1 else list(members.values())
                wanted = round(capacity * demand * ahead * rng.uniform(0.8, 1.1))
                if capacity == 1:
                    wanted = int(rng.random() < demand * ahead)
                chosen = [
                    m for m in rng.sample(pool, len(pool)) if free(m, day, start, stop)
                ][:wanted]
                index = len(session_vals)
                session_vals.append(vals)
                for member in chosen[:capacity]:
                    busy.setdefault((member, day), []).append((start, stop))
                    seats.append((index, member, offset))
                if offset >= 0:
                    # Members asking for a seat in a full session to come: the
                    # waitlist (booked below).
                    waitlist.extend((index, m) for m in chosen[capacity:])
            weekdays, starts, demand = ONE_TO_ONE
            if day.weekday() in weekdays:
                for hhmm in starts:
                    if rng.random() >= demand * (ahead or 0.2):
                        continue
                    start = moment(day, hhmm)
                    stop = start + timedelta(hours=1)
                    member = rng.choice(
                        [m for m in pt_clients if free(m, day, start, stop)]
                    )
                    busy.setdefault((member, day), []).append((start, stop))
                    lone.append((member, start, offset))

        self._credits(members, seats, lone, session_vals)
        sessions = Session.create(session_vals)
        Booking = self.env["club.booking"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        in_sessions = Booking.create(
            [
                {"partner_id": member.id, "session_id": sessions[index].id}
                for index, member, _offset in seats
            ]
        )
        # The waitlist: issue 10's waitlist branch adds the booking state
        # "waitlisted"; the members of ``waitlist`` (session index, member) are
        # booked here with "state": "waitlisted" once it exists.
        trainer_pt = offerings["offering_personal_training"]
        one_to_one = Booking.create(
            [
                {
                    "partner_id": member.id,
                    "offering_id": trainer_pt.id,
                    "trainer_id": trainer_pt.default_trainer_id.id,
                    "start": start,
                }
                for member, start, _offset in lone
            ]
        )
        offsets = [offset for _i, _m, offset in seats] + [o for _m, _s, o in lone]
        self._log(in_sessions + one_to_one, offsets, rng)
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
    def _credits(self, members, seats, lone, session_vals):
        """Session credits for the members' bookings, sold at the desk: what the
        credits of club_demo.xml do not cover. Pay-as-you-go members buy none."""
        pt_offering = self.env.ref(XMLID % "offering_personal_training")
        counts = {}
        for index, member, _offset in seats:
            offering_id = session_vals[index]["offering_id"]
            key = (member, "service" if offering_id == pt_offering.id else "class")
            counts[key] = counts.get(key, 0) + 1
        for member, _start, _offset in lone:
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
    def _log(self, bookings, offsets, rng):
        """Log the bookings of the days before yesterday through the one log-off
        path, by their trainer (a club manager when there is none): most
        completed, a few no-shows."""
        admin = self.env.ref("base.user_admin")
        batches = {}
        for booking, offset in zip(bookings, offsets, strict=True):
            if offset >= LOGGED_BEFORE:
                continue
            status = "no_show" if rng.random() < NO_SHOW_RATE else "completed"
            key = (booking.trainer_id or admin, status)
            batches[key] = batches.get(key, booking.browse()) | booking
        for (user, status), batch in sorted(
            batches.items(), key=lambda item: (item[0][0].id, item[0][1])
        ):
            note = "Did not show up; no call." if status == "no_show" else None
            batch.with_user(user).log_booking(status, note)

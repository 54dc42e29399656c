"""Members at risk ("lost sheep"): members who came regularly and stopped.

A member is at risk in a club when the member has at least the club's number of
completed bookings (``club_risk_min_visits``) in its regular window
(``club_risk_regular_days`` days) and none in its absence window, the last
``club_risk_absent_days`` days. Days are whole days of the club's calendar (its
time zone, as for unlogged bookings): with 21 days, the absence window starts at
midnight 21 days before today, so a member who came on that day is not at risk;
the regular window is the days just before it.

Each club's settings apply to its own bookings only: one row per (member, club).
The rows are computed when they are read, from the bookings as they are (no
stored copy to go stale), with "now" taken from ``fields.Datetime.now()``.
"""

from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..tools.groups import BOOKING_VIEWER_GROUP
from .club_booking_outcomes import (
    ATTENDED_STATES,
    LOGGED_STATES,
    MISSED_STATES,
)

CALL_ACTIVITY_XMLID = "mail.mail_activity_data_call"
# The bookings the list counts: the logged ones (visits, no-shows and late
# cancels, as the member's form counts them); cancellations and open bookings
# are none of them. The outcome table says which is which.
COUNTED_STATES = LOGGED_STATES


class ClubMemberRisk(models.Model):
    _name = "club.member.risk"
    _description = "Member at Risk"
    _auto = False
    _rec_name = "partner_id"
    # The members who stopped most recently first: the easiest to win back.
    _order = "last_visit desc, id desc"
    # What the rows are read from: pending changes are flushed before a read.
    _depends = {
        "club.booking": ["partner_id", "company_id", "start", "state"],
        "club.session.credit": [
            "partner_id",
            "company_id",
            "state",
            "expiry_date",
            "booking_id",
        ],
        "res.partner": ["active", "phone", "email"],
        "res.company": [
            "club_risk_min_visits",
            "club_risk_regular_days",
            "club_risk_absent_days",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    company_id = fields.Many2one("res.company", string="Club", readonly=True)
    last_visit = fields.Datetime(
        readonly=True, help="The start of the member's latest completed booking."
    )
    visit_count = fields.Integer(
        string="Visits",
        readonly=True,
        help="Completed bookings in the club's regular window (the days before the "
        "absence window).",
    )
    no_show_count = fields.Integer(
        string="No-Shows",
        readonly=True,
        help="No-shows in the regular and absence windows together.",
    )
    late_cancel_count = fields.Integer(
        string="Late Cancels",
        readonly=True,
        help="Late cancels in the regular and absence windows together.",
    )
    credit_count = fields.Integer(
        string="Credits Left",
        readonly=True,
        help="The member's session credits at this club that may still pay for a "
        "booking: available, not expired, not held by an open booking.",
    )
    phone = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    call_scheduled = fields.Boolean(
        compute="_compute_call_scheduled",
        search="_search_call_scheduled",
        help="Someone has an open call activity on this member.",
    )

    @property
    def _table_query(self):
        return self._risk_query()

    def _windows(self):
        """(company id, minimum visits, regular window's start, absence window's
        start) of the current companies, the instants as naive UTC. Only the
        current companies: the company rule hides the others' rows anyway."""
        rows = []
        now = pytz.utc.localize(fields.Datetime.now())
        for company in self.env.companies.sudo():
            tz = self._company_tz(company)
            today = now.astimezone(tz).date()
            absent_from = company._club_local_midnight(
                today - timedelta(days=company.club_risk_absent_days), tz
            )
            regular_from = company._club_local_midnight(
                today
                - timedelta(
                    days=company.club_risk_absent_days + company.club_risk_regular_days
                ),
                tz,
            )
            rows.append(
                (company.id, company.club_risk_min_visits, regular_from, absent_from)
            )
        return rows

    @api.model
    def _company_tz(self, company):
        """The club's time zone (see res.company._club_tz); UTC when the one
        stored is unknown, rather than no list at all."""
        try:
            return company._club_tz()
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _risk_query(self):
        windows = self._windows()
        today = self.env.company._club_today()
        credit_free = self.env["club.session.credit"]._usable_sql("c", today, free=True)
        return SQL(
            """
            WITH club(company_id, min_visits, regular_from, absent_from) AS (
                VALUES %(windows)s
            ), at_risk AS (
                SELECT b.partner_id,
                       b.company_id,
                       -- Any booking of the pair names it: the latest visit's id
                       -- is unique to the member and the club, and stays the
                       -- same while the member stays away.
                       max(b.id) FILTER (WHERE b.state IN %(visits)s) AS id,
                       max(b.start) FILTER (WHERE b.state IN %(visits)s)
                           AS last_visit,
                       count(*) FILTER (WHERE b.state IN %(visits)s
                                          AND b.start < club.absent_from)
                           AS visit_count,
                       count(*) FILTER (WHERE b.state IN %(missed)s)
                           AS no_show_count,
                       count(*) FILTER (WHERE b.state = 'late_cancel')
                           AS late_cancel_count
                  FROM club_booking b
                  JOIN club ON club.company_id = b.company_id
                 WHERE b.state IN %(states)s
                   AND b.start >= club.regular_from
                   -- The earliest window's start, as a constant: PostgreSQL
                   -- then knows how few bookings it is about and reads them
                   -- through club_booking_logged_company_start_idx.
                   AND b.start >= %(earliest)s
              GROUP BY b.partner_id, b.company_id, club.min_visits,
                       club.absent_from
                HAVING count(*) FILTER (WHERE b.state IN %(visits)s
                                          AND b.start < club.absent_from)
                           >= club.min_visits
                   -- No visit since the absence window began: the last visit
                   -- (there is one: min_visits is at least 1) is before it.
                   -- The last visit's aggregate is the one above, computed
                   -- once: with late cancels counted, one more aggregate a
                   -- booking made PostgreSQL read the bookings with parallel
                   -- workers, slower on a busy server (130 to 150 ms of CPU
                   -- for the 20,000-member page, against 70 serially).
                   AND max(b.start) FILTER (WHERE b.state IN %(visits)s)
                           < club.absent_from
            )
            SELECT m.id,
                   m.partner_id,
                   m.company_id,
                   m.last_visit,
                   m.visit_count,
                   m.no_show_count,
                   m.late_cancel_count,
                   COALESCE(credit.count, 0) AS credit_count,
                   p.phone,
                   p.email
              FROM at_risk m
              JOIN res_partner p ON p.id = m.partner_id AND p.active
         LEFT JOIN (SELECT c.partner_id, c.company_id, count(*) AS count
                      FROM club_session_credit c
                     WHERE %(free)s
                  GROUP BY c.partner_id, c.company_id) credit
                ON credit.partner_id = m.partner_id
               AND credit.company_id = m.company_id
            """,
            # No current company (never in practice): no row, valid SQL.
            windows=SQL(", ").join(
                SQL("(%s, %s, %s::timestamp, %s::timestamp)", *row) for row in windows
            )
            or SQL("(NULL::int, NULL::int, NULL::timestamp, NULL::timestamp)"),
            earliest=min((row[2] for row in windows), default=None),
            states=COUNTED_STATES,
            visits=ATTENDED_STATES,
            missed=MISSED_STATES,
            free=credit_free,
        )

    def _called_partner_ids(self, partner_ids=None):
        """The members with an open call activity, whoever it is assigned to."""
        domain = [
            ("res_model", "=", "res.partner"),
            ("activity_type_id", "=", self._call_activity_type().id),
        ]
        if partner_ids is not None:
            domain.append(("res_id", "in", partner_ids))
        activities = self.env["mail.activity"].sudo()._read_group(domain, ["res_id"])
        return {res_id for (res_id,) in activities}

    def _compute_call_scheduled(self):
        called = self._called_partner_ids(self.partner_id.ids) if self else set()
        for risk in self:
            risk.call_scheduled = risk.partner_id.id in called

    def _search_call_scheduled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Call Scheduled."))
        positive = (operator == "=") == value
        return [
            (
                "partner_id",
                "in" if positive else "not in",
                list(self._called_partner_ids()),
            )
        ]

    @api.model
    def _call_activity_type(self):
        return self.env.ref(CALL_ACTIVITY_XMLID)

    def _last_visit_day(self):
        """The day of the last visit, in the club's calendar."""
        self.ensure_one()
        tz = self._company_tz(self.company_id.sudo())
        return pytz.utc.localize(self.last_visit).astimezone(tz).date()

    def action_open_member(self):
        """A click on a row: the member's form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_schedule_call(self):
        """Schedule a call: a Call activity, due today and assigned to the current
        user, on each selected member who is still at risk in one of the user's
        clubs; none when the user has one open on that member already."""
        if not self.env.user.has_group(BOOKING_VIEWER_GROUP):
            raise AccessError(
                self.env._("Only club staff can schedule calls to members at risk.")
            )
        # The model's access rights; the record rule is applied by the search.
        self.browse().check_access("read")
        # The rows the user may see that are still at risk (the list may be old):
        # anything else is left out and said so.
        risks = self.search([("id", "in", self.ids)])
        if not risks:
            raise UserError(
                self.env._(
                    "None of the selected members is at risk in your clubs any more: "
                    "no call was scheduled."
                )
            )
        call_type = self._call_activity_type()
        Activity = self.env["mail.activity"]
        already = set(
            Activity.sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", risks.partner_id.ids),
                    ("activity_type_id", "=", call_type.id),
                    ("user_id", "=", self.env.uid),
                ]
            )
            .mapped("res_id")
        )
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id("res.partner")
        values, planned = [], set()
        for risk in risks:
            partner = risk.partner_id
            if partner.id in already or partner.id in planned:
                continue
            planned.add(partner.id)
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": call_type.id,
                    "user_id": self.env.uid,
                    "date_deadline": today,
                    "summary": self.env._(
                        "Member at risk: last visit on %(date)s at %(club)s",
                        date=format_date(self.env, risk._last_visit_day()),
                        club=risk.company_id.name,
                    ),
                }
            )
        # Club staff may not be allowed to edit contacts, which Odoo asks of
        # whoever plans an activity on one: the checks above are this action's.
        Activity.sudo().create(values)
        messages = []
        if values:
            messages.append(
                self.env._("%(count)s call(s) scheduled for today.", count=len(values))
            )
        skipped = risks.partner_id.filtered(lambda p: p.id in already)
        if skipped:
            messages.append(
                self.env._(
                    "You already have a call planned with %(names)s.",
                    names=", ".join(skipped.mapped("display_name")),
                )
            )
        left_out = len(set(self.ids)) - len(risks)
        if left_out:
            messages.append(
                self.env._(
                    "%(count)s selected member(s) are no longer at risk in your "
                    "clubs: left out.",
                    count=left_out,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Schedule a Call"),
                "message": "\n".join(messages),
                "type": "warning" if left_out or not values else "success",
                # The list reloads: Call Scheduled shows the new calls.
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

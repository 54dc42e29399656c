from odoo import fields, models, tools
from odoo.tools import SQL

from .club_booking import WEEKDAYS

# Which bookings the report shows (every state but waitlisted: those never held
# a seat), which count for the no-show rate and which are no-shows: the outcome
# table says (club_booking_outcomes.py: reported, in_no_show_rate, missed).
from .club_booking_outcomes import (
    LOGGED_STATES,
    MISSED_STATES,
    RATE_STATES,
    REPORT_STATES,
)


class ClubAttendanceReport(models.Model):
    _name = "club.attendance.report"
    _description = "Club Attendance Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"
    # What the view reads: pending changes are flushed before it is read.
    _depends = {
        "club.booking": [
            "start",
            "start_weekday",
            "start_hour",
            "offering_id",
            "trainer_id",
            "partner_id",
            "category",
            "session_id",
            "state",
            "company_id",
        ],
        "club.penalty": ["booking_id", "state", "amount"],
    }

    date = fields.Datetime(readonly=True, help="The start of the booking.")
    weekday = fields.Selection(
        WEEKDAYS,
        readonly=True,
        help="The day of the week the booking starts, in the club's time zone.",
    )
    hour = fields.Integer(
        readonly=True,
        aggregator=False,
        help="The hour the booking starts (0-23), in the club's time zone.",
    )
    offering_id = fields.Many2one("club.offering", readonly=True)
    trainer_id = fields.Many2one("res.users", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    category = fields.Selection(
        [
            ("class_session", "Class Session"),
            ("service_session", "Service Session"),
            ("class_consult", "Class Consult"),
            ("service_consult", "Service Consult"),
        ],
        readonly=True,
    )
    session_id = fields.Many2one("club.session", readonly=True)
    booking_id = fields.Many2one("club.booking", readonly=True)
    state = fields.Selection(
        lambda self: self.env["club.booking"]._fields["state"].selection,
        string="Status",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    is_logged = fields.Boolean(
        string="Logged",
        readonly=True,
        help="The member's outcome is logged (the outcome table's logged states).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    booking_count = fields.Integer(string="Bookings", readonly=True)
    completed_count = fields.Integer(string="Completed", readonly=True)
    no_show_count = fields.Integer(string="No-Shows", readonly=True)
    late_cancel_count = fields.Integer(string="Late Cancels", readonly=True)
    cancelled_count = fields.Integer(string="Cancellations", readonly=True)
    no_show_rate = fields.Float(
        string="No-Show Rate (%)",
        readonly=True,
        aggregator="avg",
        help="No-shows per 100 bookings the member was expected at (completed or "
        "no-show). Open bookings and cancellations, late or not, do not count: they "
        "are left out of the average, so every grouping gives the true rate.",
    )
    penalty_amount = fields.Monetary(
        string="Penalties Invoiced",
        readonly=True,
        currency_field="currency_id",
        help="The amount of the booking's penalties that were invoiced.",
    )

    def _query(self):
        # Weekday and hour are the booking's, stored in the club's time zone:
        # computed here per row (and joined to the club's address for its zone)
        # PostgreSQL could neither count their groups nor read a year of a club
        # in parallel (620 ms against 120 ms for weekday x hour on a million
        # bookings).
        return SQL(
            """
            SELECT b.id AS id,
                   b.id AS booking_id,
                   b.start AS date,
                   b.start_weekday AS weekday,
                   b.start_hour AS hour,
                   b.offering_id,
                   b.trainer_id,
                   b.partner_id,
                   b.category,
                   b.session_id,
                   b.state,
                   b.company_id,
                   b.state IN %(logged_states)s AS is_logged,
                   1 AS booking_count,
                   (b.state = 'completed')::int AS completed_count,
                   (b.state = 'no_show')::int AS no_show_count,
                   (b.state = 'late_cancel')::int AS late_cancel_count,
                   (b.state = 'cancelled')::int AS cancelled_count,
                   CASE WHEN b.state IN %(rate_states)s
                        THEN (b.state IN %(missed_states)s)::int * 100.0
                   END AS no_show_rate,
                   COALESCE(pen.amount, 0) AS penalty_amount
              FROM club_booking b
         LEFT JOIN (SELECT booking_id, SUM(amount) AS amount
                      FROM club_penalty
                     WHERE state = 'invoiced'
                  GROUP BY booking_id) pen ON pen.booking_id = b.id
             WHERE b.state IN %(states)s
            """,
            logged_states=LOGGED_STATES,
            rate_states=RATE_STATES,
            missed_states=MISSED_STATES,
            states=REPORT_STATES,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

import re
import uuid
from datetime import datetime, time, timedelta

import pytz
from werkzeug.urls import url_join

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.groups import MANAGER_GROUP

# What a club manager may change on the company without being an Odoo
# administrator (the token changes only through its regenerate action).
# What a kiosk token may be: uuid4().hex today; at most 64 characters.
KIOSK_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
CLUB_SETTINGS_FIELDS = {
    "club_kiosk_show_bookings",
    "club_kiosk_minutes_before",
    "club_kiosk_minutes_after",
    "club_kiosk_confirm_mode",
    "club_kiosk_auto_log",
    "club_kiosk_log_before_redirect",
    "club_unlogged_action",
    "club_unlogged_days",
    "club_credit_cleanup",
    "club_credit_cleanup_future",
    "club_tz",
    "club_strike_count",
    "club_strike_days",
    "club_strike_block_days",
    "club_penalty_product_id",
    "club_penalty_grace_hours",
    "club_forgive_count",
    "club_forgive_days",
    "club_risk_min_visits",
    "club_risk_regular_days",
    "club_risk_absent_days",
}
# The club's time zone while its address has none (res.company._club_tz).
CLUB_TZ_DEFAULT = "UTC"
# The range of each numeric setting. A club's setting cannot stop another club,
# nor the kiosk: the nightly job and the kiosk compute dates with them.
KIOSK_MINUTES_MAX = 24 * 60
# The kiosk's check-in window around a booking's start: (minutes before, minutes
# after), the settings' names (see club_kiosk_window_sql, _club_kiosk_window).
KIOSK_WINDOW_FIELDS = ("club_kiosk_minutes_before", "club_kiosk_minutes_after")
UNLOGGED_DAYS_MAX = 365
STRIKE_COUNT_MAX = 100
STRIKE_DAYS_MAX = 365
# No-show policy: a grace period of 30 days at most; forgiveness of up to 10
# penalties in a window of 1 day to a year.
PENALTY_GRACE_HOURS_MAX = 30 * 24
FORGIVE_COUNT_MAX = 10
FORGIVE_DAYS_MAX = 365
# Members at risk: a regular member comes at least once in the windows, which
# are a year at most (the list reads the bookings of both at every opening).
RISK_VISITS_MAX = 100
RISK_DAYS_MAX = 365
CLUB_SETTING_BOUNDS = {
    "club_kiosk_minutes_before": (0, KIOSK_MINUTES_MAX),
    "club_kiosk_minutes_after": (0, KIOSK_MINUTES_MAX),
    "club_unlogged_days": (0, UNLOGGED_DAYS_MAX),
    "club_strike_count": (0, STRIKE_COUNT_MAX),
    "club_strike_days": (1, STRIKE_DAYS_MAX),
    "club_strike_block_days": (1, STRIKE_DAYS_MAX),
    "club_penalty_grace_hours": (0, PENALTY_GRACE_HOURS_MAX),
    "club_forgive_count": (0, FORGIVE_COUNT_MAX),
    "club_forgive_days": (1, FORGIVE_DAYS_MAX),
    "club_risk_min_visits": (1, RISK_VISITS_MAX),
    "club_risk_regular_days": (1, RISK_DAYS_MAX),
    "club_risk_absent_days": (1, RISK_DAYS_MAX),
}
PENALTY_PRODUCT_XMLID = "club_session_logoff.product_club_penalty_fee"


def club_kiosk_window_sql(company):
    """SQL: the kiosk's check-in window of company alias ``company``, (minutes
    before, minutes after) a booking's start, kept within its bounds as
    ``res.company._club_kiosk_window`` keeps them in Python."""
    return tuple(
        SQL(
            "LEAST(GREATEST(%s, 0), %s)",
            SQL.identifier(company, name),
            KIOSK_MINUTES_MAX,
        )
        for name in KIOSK_WINDOW_FIELDS
    )


def club_tz_sql(partner):
    """SQL: the club's time zone name, from the alias ``partner`` of the
    company's address (res_partner) -- ``res.company._club_tz`` in SQL, for
    the queries and migrations that bucket a million bookings at once."""
    return SQL("COALESCE(%s.tz, %s)", SQL.identifier(partner), CLUB_TZ_DEFAULT)


class ResCompany(models.Model):
    _inherit = "res.company"

    # Check-in kiosk: what members see and confirm at the club's door.
    club_kiosk_show_bookings = fields.Boolean(
        string="Show Bookings Tied To Log-Off",
        default=True,
        help="At check-in, show the member the bookings that the check-in counts for.",
    )
    club_kiosk_minutes_before = fields.Integer(
        string="Check-in Minutes Before Start",
        default=60,
        help="How many minutes before a booking starts a check-in counts for it "
        "(0 to 1440: one day at most).",
    )
    club_kiosk_minutes_after = fields.Integer(
        string="Check-in Minutes After Start",
        default=30,
        help="How many minutes after a booking starts a check-in still counts for it "
        "(0 to 1440: one day at most).",
    )
    club_kiosk_confirm_mode = fields.Selection(
        [
            ("none", "No confirmation"),
            ("button", "Confirm button"),
            ("signature", "Signature pad"),
        ],
        string="Ask Customer To Confirm Booking",
        default="button",
        required=True,
        help="How a member confirms a booking at the kiosk.",
    )
    club_kiosk_auto_log = fields.Boolean(
        string="Automatically Log Sessions When They Confirm",
        default=True,
        help="Log the booking as completed once the member confirmed it (or at "
        "check-in when no confirmation is asked).",
    )
    club_kiosk_log_before_redirect = fields.Boolean(
        string="Allow Session Log-Offs Before Problem Redirect",
        help="Log a past-due member's booking before sending the member to the "
        "front desk.",
    )
    club_kiosk_token = fields.Char(
        string="Kiosk Token",
        default=lambda self: uuid.uuid4().hex,
        copy=False,
        groups=MANAGER_GROUP,
        help="Secret part of the kiosk's address; regenerate it to lock out old links.",
    )
    club_kiosk_url = fields.Char(
        string="Kiosk URL",
        compute="_compute_club_kiosk_url",
        groups=MANAGER_GROUP,
        help="Open this address on the tablet at the club's door.",
    )
    # Unlogged bookings: what the nightly job does with what nobody logged.
    club_unlogged_action = fields.Selection(
        [
            ("none", "Leave them unlogged"),
            ("complete", "Log as completed"),
            ("cancel", "Cancel"),
            ("evidence", "Log by check-in evidence"),
        ],
        string="Unlogged Bookings",
        default="none",
        required=True,
        help="What the scheduled action does with bookings left unlogged. By "
        "check-in evidence: completed when the member checked in within the "
        "kiosk's time window of the booking or confirmed it at the kiosk, else "
        "no-show.",
    )
    club_unlogged_days = fields.Integer(
        string="Unlogged For (Days)",
        default=3,
        help="Whole days, in the company's time zone, after a booking's start "
        "before the scheduled action handles it (0 to 365).",
    )
    club_credit_cleanup = fields.Boolean(
        string="Session-Credit Clean-Up",
        help="Each night, completed bookings without a session credit take the "
        "member's available matching credits.",
    )
    club_credit_cleanup_future = fields.Boolean(
        string="Free Credits Of Future Bookings",
        help="When the member has no free credit left, take the credits of the "
        "member's future bookings to pay completed ones, cancelling those future "
        "bookings (note: Cancelled by admin (credit clean-up)).",
    )
    club_tz = fields.Selection(
        related="partner_id.tz",
        readonly=False,
        string="Club Time Zone",
        help="The club's time zone (the company address's): every club time is "
        "in it, for staff and members wherever they are: the kiosk's window, the "
        "nightly job's days, session names, the day grid, the attendance report's "
        "weekday and hour, mails. Empty: UTC.",
    )
    # Strikes: members who do not come stop booking for a while.
    club_strike_count = fields.Integer(
        string="Strikes Before A Block",
        default=0,
        help="This many no-shows within the number of days below block the "
        "member's new bookings (0 to 100; 0: no strikes).",
    )
    club_strike_days = fields.Integer(
        string="Strikes Counted Over (Days)",
        default=30,
        help="No-shows of sessions that started within this many days count as "
        "strikes (1 to 365).",
    )
    club_strike_block_days = fields.Integer(
        string="Block For (Days)",
        default=7,
        help="How many days a member who reached the strikes may not book (1 to "
        "365); a club manager can lift the block or book anyway.",
    )
    club_unlogged_last_run = fields.Datetime(
        string="Last Run", readonly=True, copy=False
    )
    # What the last run did (its counts, or its failure), stored as data; the
    # summary says it in the reader's language.
    club_unlogged_last_counts = fields.Json(
        string="Last Run Counts", readonly=True, copy=False
    )
    club_unlogged_last_summary = fields.Char(
        string="Last Run Summary", compute="_compute_club_unlogged_last_summary"
    )
    # No-show policy: the penalties of no-shows and late cancels (club.penalty).
    club_penalty_product_id = fields.Many2one(
        "product.product",
        string="Fee Product",
        default=lambda self: self._club_default_penalty_product(),
        domain="[('sale_ok', '=', True)]",
        check_company=True,
        help="The product of the invoice lines of no-show and late-cancel fees: its "
        "income account and taxes apply (the default one, also used when this is "
        "empty, has no tax: the member pays the offering's fee).",
    )
    club_penalty_grace_hours = fields.Integer(
        string="Grace Period (Hours)",
        default=24,
        help="How long a penalty stays pending, to be waived by the front desk, "
        "before the scheduled action invoices it (0 to 720 hours).",
    )
    club_forgive_count = fields.Integer(
        string="Forgive Penalties",
        default=0,
        help="A member's first penalties within the forgiveness window are forgiven: "
        "nothing to pay (0 to 10; 0: none is forgiven).",
    )
    club_forgive_days = fields.Integer(
        string="Forgiveness Window (Days)",
        default=30,
        help="The rolling window, in days, in which a member's first penalties are "
        "forgiven (1 to 365).",
    )
    # Members at risk (club.member.risk): regular members who stopped coming.
    club_risk_min_visits = fields.Integer(
        string="Regular From (Visits)",
        default=4,
        help="A member with at least this many completed bookings in the regular "
        "window, and none since, is at risk (1 to 100).",
    )
    club_risk_regular_days = fields.Integer(
        string="Regular Window (Days)",
        default=60,
        help="The days, just before the absence window, in which a regular member "
        "came that many times (1 to 365).",
    )
    club_risk_absent_days = fields.Integer(
        string="Absent For (Days)",
        default=21,
        help="A regular member with no completed booking since this many days ago "
        "(from midnight, the club's time; a visit on that day counts) is at risk "
        "(1 to 365).",
    )

    _sql_constraints = [
        (
            "club_kiosk_token_unique",
            "UNIQUE(club_kiosk_token)",
            "Each company needs its own kiosk token.",
        ),
        (
            "club_kiosk_minutes_positive",
            "CHECK(club_kiosk_minutes_before >= 0 AND club_kiosk_minutes_after >= 0)",
            "The kiosk's time window cannot be negative.",
        ),
        (
            "club_unlogged_days_positive",
            "CHECK(club_unlogged_days >= 0)",
            "The number of days before handling unlogged bookings cannot be negative.",
        ),
    ]

    @api.model
    def _club_default_penalty_product(self):
        return self.env.ref(PENALTY_PRODUCT_XMLID, raise_if_not_found=False)

    def _club_penalty_product(self):
        """The product of the company's penalty invoice lines: its own, else the
        default one (a database upgraded to penalties has none set)."""
        self.ensure_one()
        return self.club_penalty_product_id or self._club_default_penalty_product()

    @api.model
    def _club_init_penalty_product(self):
        """At install: the companies that exist already get the default fee
        product (the field's default could not: the product is created after the
        column)."""
        product = self._club_default_penalty_product()
        if product:
            self.sudo().search([("club_penalty_product_id", "=", False)]).write(
                {"club_penalty_product_id": product.id}
            )

    @api.constrains("club_penalty_product_id")
    def _check_club_penalty_product(self):
        for company in self:
            product_company = company.club_penalty_product_id.sudo().company_id
            if product_company and product_company != company:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the fee product %(product)s belongs to "
                        "another company.",
                        company=company.name,
                        product=company.club_penalty_product_id.display_name,
                    )
                )

    @api.constrains(*CLUB_SETTING_BOUNDS)
    def _check_club_setting_bounds(self):
        for company in self:
            errors = company._club_setting_errors()
            if errors:
                raise ValidationError("\n".join(errors))

    def _club_setting_errors(self, names=None):
        """What is out of range among the numeric club settings ``names`` (all of
        them by default), as messages for the user."""
        self.ensure_one()
        errors = []
        for name in names or CLUB_SETTING_BOUNDS:
            low, high = CLUB_SETTING_BOUNDS[name]
            if not low <= self[name] <= high:
                errors.append(
                    self.env._(
                        "%(company)s: %(setting)s must be between %(low)s and "
                        "%(high)s, not %(value)s.",
                        company=self.name,
                        setting=self._fields[name]._description_string(self.env),
                        low=low,
                        high=high,
                        value=self[name],
                    )
                )
        return errors

    def _club_kiosk_window(self):
        """The kiosk's check-in window, (minutes before, minutes after) a
        booking's start, kept within its bounds: a value stored before the bounds
        existed must not break the kiosk."""
        self.ensure_one()
        return tuple(
            min(max(self[name], 0), KIOSK_MINUTES_MAX) for name in KIOSK_WINDOW_FIELDS
        )

    def _club_check_unlogged_days(self):
        """Raise when the company's number of days is out of range (stored before
        the bounds existed): its unlogged-bookings rule cannot run, and says why."""
        errors = self._club_setting_errors(["club_unlogged_days"])
        if errors:
            raise UserError(errors[0])

    def _club_unlogged_tz(self):
        """The time zone the company's unlogged-bookings rule counts days in, or
        None when its stored settings cannot run (a number of days out of range,
        stored before the bounds existed; a time zone pytz does not know): the
        Will Be Auto-Logged filter and column leave that club out instead of
        failing every club's list."""
        self.ensure_one()
        try:
            self._club_check_unlogged_days()
            return self._club_tz()
        except (UserError, LookupError):
            return None

    def _init_column(self, column_name):
        # The ORM fills a new column with one default for every row: each existing
        # company needs a token of its own.
        if column_name != "club_kiosk_token":
            return super()._init_column(column_name)
        self.env.cr.execute("SELECT id FROM res_company WHERE club_kiosk_token IS NULL")
        for (company_id,) in self.env.cr.fetchall():
            self.env.cr.execute(
                "UPDATE res_company SET club_kiosk_token = %s WHERE id = %s",
                (uuid.uuid4().hex, company_id),
            )

    def write(self, vals):
        # Club managers configure their club (Club > Configuration > Settings)
        # without holding Odoo's administration rights on companies.
        if (
            vals
            and not self.env.su
            and set(vals) <= CLUB_SETTINGS_FIELDS
            and self.env.user.has_group(MANAGER_GROUP)
        ):
            if self - self.env.user.company_ids:
                raise AccessError(
                    self.env._("You can only configure the clubs you work for.")
                )
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    def action_club_settings(self):
        """Club > Configuration > Settings: the current club's settings form."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a club manager can configure the club."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Club Settings"),
            "res_model": "res.company",
            "res_id": self.env.company.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("club_session_logoff.res_company_view_form_club").id,
                    "form",
                )
            ],
            "target": "current",
        }

    @api.depends("club_kiosk_token")
    def _compute_club_kiosk_url(self):
        base_url = self.get_base_url()
        for company in self:
            company.club_kiosk_url = url_join(
                base_url, f"/club/kiosk/{company.club_kiosk_token}"
            )

    def _action_club_open_kiosk(self):
        """Club > Main > Open Kiosk: the kiosk on this device, once the staff
        member is logged out (see the kiosk controller)."""
        return {
            "type": "ir.actions.act_url",
            "url": f"/club/kiosk_mode/{self.env.company.id}",
            "target": "self",
        }

    @api.model
    def _club_kiosk_company(self, token):
        """The company whose kiosk this token opens, or an empty recordset."""
        # A token is letters, digits, "-" and "_" (a NUL, say, would not even
        # reach the database: it is an unknown kiosk like any other).
        if not isinstance(token, str) or not KIOSK_TOKEN.fullmatch(token):
            return self.browse()
        return self.sudo().search([("club_kiosk_token", "=", token)], limit=1)

    def action_club_regenerate_kiosk_token(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a club manager can change the kiosk's address.")
            )
        if self not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You can only configure the clubs you work for.")
            )
        self.sudo().club_kiosk_token = uuid.uuid4().hex
        return True

    # ------------------------------------------------------------------
    # Unlogged bookings: days are whole days of the club's own calendar.
    # ------------------------------------------------------------------
    @api.depends("club_unlogged_last_counts")
    @api.depends_context("lang")
    def _compute_club_unlogged_last_summary(self):
        job = self.env["club.unlogged.job"]
        for company in self:
            company.club_unlogged_last_summary = job._last_run_text(
                company.club_unlogged_last_counts
            )

    def action_club_run_unlogged(self):
        """Run Now (club settings): the scheduled action's work for this club, now,
        with a summary of what it did."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a club manager can run the unlogged bookings job.")
            )
        if self not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You can only configure the clubs you work for.")
            )
        summary = self.env["club.unlogged.job"]._run(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Unlogged bookings of %s", self.name),
                "message": self.club_unlogged_last_summary,
                "type": (
                    "danger"
                    if summary["failed"]
                    else "warning"
                    if summary["remaining"]
                    else "success"
                ),
                "sticky": True,
                # Closing nothing: the form reloads and shows the last run.
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _club_tz(self):
        """The club's time zone, its one definition: the time zone of the
        company's address (its partner), else UTC; Settings warns while it is
        unset. Every club time uses it (``club_tz_sql`` is the same rule in
        SQL)."""
        self.ensure_one()
        return pytz.timezone(self.sudo().partner_id.tz or CLUB_TZ_DEFAULT)

    def _club_today(self):
        """Today in the club's time zone."""
        self.ensure_one()
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(self._club_tz()).date()

    def _club_local_midnight(self, day, tz=None):
        """``day``'s first instant in the company's time zone, as naive UTC."""
        tz = tz or self._club_tz()
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _club_unlogged_cutoff(self, at, tz=None, days=None):
        """Bookings that started before this instant (naive UTC) have been left
        unlogged for the company's number of whole days at ``at`` (naive UTC): a
        booking of day D is due from midnight, local time, starting day D + N."""
        self.ensure_one()
        if days is None:
            self._club_check_unlogged_days()
            days = self.club_unlogged_days
        tz = tz or self._club_tz()
        today = pytz.utc.localize(at).astimezone(tz).date()
        return self._club_local_midnight(today - timedelta(days=days - 1), tz)

    def _club_unlogged_due_from(self, start, tz=None):
        """When a booking that started at ``start`` (naive UTC) becomes due:
        midnight, local time, N days after its local day."""
        self.ensure_one()
        self._club_check_unlogged_days()
        tz = tz or self._club_tz()
        day = pytz.utc.localize(start).astimezone(tz).date()
        return self._club_local_midnight(
            day + timedelta(days=self.club_unlogged_days), tz
        )

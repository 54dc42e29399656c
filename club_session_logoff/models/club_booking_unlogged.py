"""What the bookings show of the nightly job for unlogged bookings (the job
itself: club_unlogged_job.py): when a booking will be logged automatically, and
the "Will Be Auto-Logged" filter of Log Sessions."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import create_index


class ClubBooking(models.Model):
    _inherit = "club.booking"

    auto_log_date = fields.Datetime(
        string="Auto-Logged From",
        compute="_compute_auto_log",
        help="From this moment the scheduled action for unlogged bookings logs or "
        "cancels this booking, if nobody logged it before "
        "(Settings > Club > Unlogged Bookings).",
    )
    auto_log_status = fields.Selection(
        [
            ("completed", "Completed"),
            ("no_show", "No-Show"),
            ("cancelled", "Cancelled"),
        ],
        string="Will Be Logged As",
        compute="_compute_auto_log",
        help="The outcome the scheduled action for unlogged bookings gives this "
        "booking if nobody logs it first: by check-in evidence, completed when "
        "the member checked in or confirmed at the kiosk, else no-show.",
    )
    auto_log_due = fields.Boolean(
        string="Will Be Auto-Logged",
        compute="_compute_auto_log",
        search="_search_auto_log_due",
        help="The next run of the scheduled action will log or cancel this booking: "
        "log it by hand first to record what really happened.",
    )

    def init(self):
        res = super().init()
        # The credit clean-up looks for completed bookings without a credit
        # every night, among years of paid ones.
        create_index(
            self.env.cr,
            "club_booking_completed_uncredited_idx",
            self._table,
            ["start", "id"],
            where="state = 'completed' AND credit_id IS NULL",
        )
        return res

    # ------------------------------------------------------------------
    # What the next run will do ("Will Be Auto-Logged" in Log Sessions)
    # ------------------------------------------------------------------
    @api.model
    def _next_auto_run(self):
        """When the scheduled action runs next (naive UTC); None when it is off."""
        cron = self.env.ref(
            "club_session_logoff.ir_cron_unlogged_bookings", raise_if_not_found=False
        )
        cron = cron and cron.sudo()
        if not cron or not cron.active:
            return None
        return max(cron.nextcall, fields.Datetime.now())

    @api.depends(
        "state",
        "start",
        "stop",
        "kiosk_confirmed",
        "company_id.club_unlogged_action",
        "company_id.club_unlogged_days",
    )
    def _compute_auto_log(self):
        next_run = self._next_auto_run()
        zones = {}
        # What the evidence rule would decide, in one query for the list.
        evidence = self.filtered(
            lambda b: b.id
            and b.state == "booked"
            and b.company_id.club_unlogged_action == "evidence"
        )._attendance_evidence()
        fixed = {"complete": "completed", "cancel": "cancelled"}
        for booking in self:
            company = booking.company_id
            booking.auto_log_date = False
            booking.auto_log_due = False
            booking.auto_log_status = False
            if (
                booking.state != "booked"
                or not booking.start
                or company.club_unlogged_action in (False, "none")
            ):
                continue
            if company not in zones:
                zones[company] = company._club_unlogged_tz()
            if not zones[company]:
                continue  # the scheduled action leaves this club out too
            try:
                due_from = max(
                    company._club_unlogged_due_from(booking.start, zones[company]),
                    booking.stop or booking.start,
                )
            except OverflowError:
                continue  # a start in year 9999: never due
            booking.auto_log_date = due_from
            booking.auto_log_due = bool(next_run) and due_from <= next_run
            action = company.club_unlogged_action
            if action == "evidence":
                booking.auto_log_status = (
                    "completed" if evidence.get(booking.id) else "no_show"
                )
            else:
                booking.auto_log_status = fixed.get(action, False)

    def _search_auto_log_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Will Be Auto-Logged."))
        at = self._next_auto_run()
        per_company = []
        if at:
            companies = (
                self.env["res.company"]
                .sudo()
                .search([("club_unlogged_action", "!=", "none")])
            )
            for company in companies:
                tz = company._club_unlogged_tz()
                if tz:  # else the scheduled action leaves this club out too
                    cutoff = company._club_unlogged_cutoff(at, tz)
                    per_company.append(
                        [("company_id", "=", company.id), ("start", "<", cutoff)]
                    )
        if per_company:
            domain = expression.AND(
                [
                    [("state", "=", "booked"), ("stop", "<=", at)],
                    expression.OR(per_company),
                ]
            )
        else:
            domain = expression.FALSE_DOMAIN
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    # ------------------------------------------------------------------
    # The scheduled action (its runner and policies: club.unlogged.job)
    # ------------------------------------------------------------------
    @api.model
    def _cron_process_unlogged_bookings(self):
        """Scheduled action ``ir_cron_unlogged_bookings``: every company, each
        with its own settings (see ``club.unlogged.job``).

        :return: the run's counts, by kind
        """
        return self.env["club.unlogged.job"]._run_cron()

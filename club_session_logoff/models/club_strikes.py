"""Strikes: a member with the club's number of no-shows within its number of
days may not book for a while (``res.partner.club_blocked_until``).

A block belongs to the club that set it: ``club_blocked_until`` and
``club_strikes_since`` are company-dependent (one value per company, in one
jsonb column); each club reads, counts and lifts its own. Nobody writes them
but the strike rule and a club manager's Lift Block (with its chatter line).

The block is decided when a no-show is logged, whatever logged it (staff, the
kiosk, the scheduled action, a correction): ``_apply_outcome`` calls
``_apply_strikes`` with the bookings it logged, one query for all of their
members. New bookings of a blocked member are refused (club managers may book
anyway); the kiosk sends a blocked member to the front desk (club_kiosk.py)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..tools.groups import BOOKING_VIEWER_GROUP, MANAGER_GROUP
from .club_booking_outcomes import STRIKE_STATES

# Set by the strike rule and Lift Block only (never by a write over RPC).
STRIKE_FIELDS = ("club_blocked_until", "club_strikes_since")


# The strike rule has this one home, across the models it touches.
class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    club_blocked_until = fields.Date(
        string="Booking Blocked Until",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups=BOOKING_VIEWER_GROUP,
        help="Too many no-shows: the member may not book before this day (a club "
        "manager can lift the block, or book anyway).",
    )
    club_strikes_since = fields.Datetime(
        string="Strikes Counted Since",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups=BOOKING_VIEWER_GROUP,
        help="No-shows of sessions that started before this moment (the member's "
        "last block, or its lifting) no longer count as strikes.",
    )
    club_blocked = fields.Boolean(
        string="Blocked From Booking",
        compute="_compute_club_blocked",
        groups=BOOKING_VIEWER_GROUP,
    )

    @api.depends("club_blocked_until")
    @api.depends_context("company")
    def _compute_club_blocked(self):
        today = self.env.company._club_today()
        for partner in self:
            partner.club_blocked = bool(
                partner.club_blocked_until and partner.club_blocked_until > today
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get(name) for vals in vals_list for name in STRIKE_FIELDS
        ):
            raise UserError(self._club_strike_fields_message())
        return super().create(vals_list)

    def write(self, vals):
        names = [name for name in STRIKE_FIELDS if name in vals]
        if names and not self.env.su:
            # Writing back what is there (a form saved whole) changes nothing.
            for partner in self.sudo().with_company(self.env.company):
                for name in names:
                    field = self._fields[name]
                    if field.convert_to_cache(
                        vals[name], partner
                    ) != field.convert_to_cache(partner[name], partner):
                        raise UserError(self._club_strike_fields_message())
        return super().write(vals)

    @api.model
    def _club_strike_fields_message(self):
        return self.env._(
            "A member's booking block and strikes are set by the strike rule "
            "only; a club manager lifts a block with Lift Block on the member."
        )

    def _club_blocked_on(self, day, company=None):
        """Whether the member may not book on ``day`` (a date) at ``company``
        (by default the current one)."""
        self.ensure_one()
        until = self.sudo().with_company(company or self.env.company).club_blocked_until
        return bool(until and until > day)

    def action_club_lift_block(self):
        """A club manager lets blocked members book again at the current
        company (its block only); their strikes there start again from zero.
        Their waitlisted bookings there may take a free seat again."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a club manager can lift a booking block.")
            )
        # As the user: a company the user does not work for is refused here,
        # before anything is read as superuser.
        company = self.env.company
        self.check_access("read")
        blocked = self.sudo().with_company(company).filtered("club_blocked_until")
        if not blocked:
            return True
        for partner in blocked:
            partner._message_log(
                body=self.env._(
                    "Booking block at %(club)s lifted by %(user)s (the member was "
                    "blocked until %(date)s); strikes are counted again from now.",
                    club=company.name,
                    user=self.env.user.name,
                    date=format_date(self.env, partner.club_blocked_until),
                )
            )
        blocked.write(
            {"club_blocked_until": False, "club_strikes_since": fields.Datetime.now()}
        )
        waiting = (
            self.env["club.booking"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", blocked.ids),
                    ("state", "=", "waitlisted"),
                    ("company_id", "=", company.id),
                ]
            )
        )
        waiting.session_id._promote_waitlist()
        return True

    def _club_merge_blocks(self, others):
        """This member is kept for ``others`` (merged contacts): at each club,
        the latest block and the latest start of counting of them all."""
        self.ensure_one()
        merged = (others | self).sudo()
        merged.flush_recordset(list(STRIKE_FIELDS))
        # The clubs where any of them has a value (one key per company).
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT k::int FROM res_partner p,
                       jsonb_object_keys(COALESCE(p.club_blocked_until, '{}')
                                         || COALESCE(p.club_strikes_since, '{}')) k
                 WHERE p.id IN %s
                """,
                tuple(merged.ids),
            )
        )
        companies = (
            self.env["res.company"]
            .sudo()
            .browse(sorted(row[0] for row in self.env.cr.fetchall()))
        )
        for company in companies.exists():
            partners = merged.with_company(company)
            kept = self.sudo().with_company(company)
            vals = {}
            for name in STRIKE_FIELDS:
                values = [value for value in partners.mapped(name) if value]
                if values and max(values) != kept[name]:
                    vals[name] = max(values)
            if vals:
                kept.write(vals)

    def _club_block(self, until, company, now):
        """Block these members from booking at ``company`` until ``until`` (a
        date), saying why in their chatter, and tell them by email (through
        the mail queue)."""
        partners = self.with_company(company).filtered(
            lambda p: not p.club_blocked_until or p.club_blocked_until < until
        )
        if not partners:
            return
        partners.write({"club_blocked_until": until, "club_strikes_since": now})
        date = format_date(self.env, until)
        body = self.env._(
            "Blocked from booking until %(date)s: %(count)s no-shows within "
            "%(days)s days at %(club)s.",
            date=date,
            count=company.club_strike_count,
            days=company.club_strike_days,
            club=company.name,
        )
        partners._message_log_batch(bodies=dict.fromkeys(partners.ids, body))
        template = self.env.ref(
            "club_session_logoff.mail_template_club_booking_blocked",
            raise_if_not_found=False,
        )
        to_tell = partners.filtered("email")
        if template and to_tell:
            email_values = {}
            if company.email:
                email_values["email_from"] = company.email_formatted
            template.sudo().with_company(company).with_context(
                club_name=company.name
            ).send_mail_batch(to_tell.ids, email_values=email_values)


class ClubBooking(models.Model):
    _inherit = "club.booking"  # pylint: disable=consider-merging-classes-inherited

    block_override = fields.Boolean(
        string="Book Despite Block",
        copy=False,
        groups=MANAGER_GROUP,
        help="The member is blocked from booking (too many no-shows); a club "
        "manager books anyway.",
    )
    partner_blocked_until = fields.Date(
        string="Member Blocked Until",
        compute="_compute_partner_blocked_until",
        help="The member may not book before this day (too many no-shows).",
    )

    @api.depends("partner_id", "company_id")
    def _compute_partner_blocked_until(self):
        for booking in self:
            partner = booking.partner_id
            company = booking.company_id or self.env.company
            blocked = partner and partner._club_blocked_on(
                company._club_today(), company
            )
            booking.partner_blocked_until = (
                partner.sudo().with_company(company).club_blocked_until
                if blocked
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            if any(vals.get("block_override") for vals in vals_list):
                raise AccessError(
                    self.env._("Only a club manager can book a blocked member.")
                )
        bookings = super().create(vals_list)
        bookings._check_booking_block()
        return bookings

    def write(self, vals):
        if (
            vals.get("block_override")
            and not self.env.su
            and not self.env.user.has_group(MANAGER_GROUP)
        ):
            raise AccessError(
                self.env._("Only a club manager can book a blocked member.")
            )
        if "partner_id" in vals:
            # A waitlisted booking is the member's place in the queue: it is
            # not handed to someone else (who would jump the queue, blocked
            # or not).
            handed = self.filtered(
                lambda b: b.state == "waitlisted"
                and b.partner_id.id != vals["partner_id"]
            )
            if handed:
                raise UserError(
                    self.env._(
                        "Booking %(booking)s is on the waitlist of %(session)s: its "
                        "member cannot be changed. Cancel it, and put the other "
                        "member on the waitlist (at the end of the queue).",
                        booking=handed[0].name,
                        session=handed[0].session_id.display_name,
                    )
                )
        result = super().write(vals)
        if "partner_id" in vals:
            # Another member: that member's block counts as for a new booking.
            self.filtered(lambda b: b.state == "booked")._check_booking_block(
                override=bool(vals.get("block_override"))
            )
        return result

    def _check_booking_block(self, override=None):
        """Refuse the bookings of members blocked today (in each booking's club),
        unless a club manager books anyway (``block_override``, or ``override``
        when given), which is said in the booking's chatter."""
        today = {}
        for booking in self:
            company = booking.company_id
            if company not in today:
                today[company] = company._club_today()
            partner = booking.partner_id
            if not partner or not partner._club_blocked_on(today[company], company):
                continue
            until = format_date(
                self.env, partner.sudo().with_company(company).club_blocked_until
            )
            allowed = booking.sudo().block_override if override is None else override
            if not allowed:
                raise UserError(
                    self.env._(
                        "%(member)s may not book before %(date)s: too many "
                        "no-shows. A club manager can lift the block or book "
                        "anyway.",
                        member=partner.display_name,
                        date=until,
                    )
                )
            booking._message_log(
                body=self.env._(
                    "Booked by %(user)s although %(member)s is blocked from booking "
                    "until %(date)s.",
                    user=self.env.user.name,
                    member=partner.display_name,
                    date=until,
                )
            )

    def _blocked_waiting(self):
        """Those of these waitlisted bookings whose member is blocked from
        booking today (in the booking's club) and that no club manager booked
        anyway (``block_override``): promotion passes over them."""
        today = {}
        blocked = self.browse()
        for booking in self.sudo():
            company = booking.company_id
            if company not in today:
                today[company] = company._club_today()
            if (
                booking.partner_id
                and not booking.block_override
                and booking.partner_id._club_blocked_on(today[company], company)
            ):
                blocked |= booking
        return blocked.with_env(self.env)

    def _note_passed_over(self):
        """Say on these waitlisted bookings that a free seat passed them over
        because their member is blocked; once, not at every run."""
        bodies = {}
        for booking in self.sudo():
            until = booking.partner_id.with_company(
                booking.company_id
            ).club_blocked_until
            body = self.env._(
                "A seat freed up in %(session)s, but %(member)s is blocked from "
                "booking until %(date)s (too many no-shows): passed over, still on "
                "the waitlist. The seat went to the next member waiting, if any; "
                "a club manager can lift the block.",
                session=booking.session_id.display_name,
                member=booking.partner_id.display_name,
                date=format_date(self.env, until),
            )
            # Said already, and nothing happened to the booking since.
            last = booking.message_ids[:1]
            if last and self.env._("passed over, still on the waitlist") in str(
                last.body or ""
            ):
                continue
            bodies[booking.id] = body
        if bodies:
            self.browse(list(bodies)).sudo()._message_log_batch(bodies=bodies)

    def _apply_strikes(self):
        """No-shows were logged for these bookings (superuser, from
        ``_apply_outcome``): members who reached their club's strikes are blocked,
        told in their chatter and by email. One query per club for all the
        bookings' members."""
        now = fields.Datetime.now()
        for company in self.company_id:
            count = company.club_strike_count
            if not count or company._club_setting_errors(
                ["club_strike_count", "club_strike_days", "club_strike_block_days"]
            ):
                continue  # no strikes (or settings out of range: none either)
            bookings = self.filtered(lambda b, c=company: b.company_id == c)
            self.env["club.booking"].flush_model(
                ["partner_id", "company_id", "state", "start"]
            )
            self.env["res.partner"].flush_model(["club_strikes_since"])
            # The club's own start of counting (one value per company).
            since_here = SQL("(p.club_strikes_since->>%s)::timestamp", str(company.id))
            self.env.cr.execute(
                SQL(
                    """
                    SELECT b.partner_id FROM club_booking b
                      JOIN res_partner p ON p.id = b.partner_id
                     WHERE b.company_id = %(company)s
                       AND b.partner_id = ANY(%(partners)s)
                       AND b.state = ANY(%(strike_states)s)
                       AND b.start >= %(since)s AND b.start <= %(now)s
                       AND (%(since_here)s IS NULL
                            OR b.start >= %(since_here)s)
                     GROUP BY b.partner_id
                    HAVING count(*) >= %(count)s
                    """,
                    company=company.id,
                    partners=bookings.partner_id.ids,
                    since=now - timedelta(days=company.club_strike_days),
                    now=now,
                    count=count,
                    since_here=since_here,
                    strike_states=list(STRIKE_STATES),
                )
            )
            partners = self.env["res.partner"].browse(
                row[0] for row in self.env.cr.fetchall()
            )
            if partners:
                until = company._club_today() + timedelta(
                    days=company.club_strike_block_days
                )
                partners.sudo()._club_block(until, company, now)

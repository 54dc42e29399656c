"""Strikes: a member with the club's number of no-shows within its number of
days may not book for a while (``res.partner.club_blocked_until``).

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


# The strike rule has this one home, across the models it touches.
class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    club_blocked_until = fields.Date(
        string="Booking Blocked Until",
        readonly=True,
        copy=False,
        groups=BOOKING_VIEWER_GROUP,
        help="Too many no-shows: the member may not book before this day (a club "
        "manager can lift the block, or book anyway).",
    )
    club_strikes_since = fields.Datetime(
        string="Strikes Counted Since",
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

    def _club_blocked_on(self, day):
        """Whether the member may not book on ``day`` (a date)."""
        self.ensure_one()
        until = self.sudo().club_blocked_until
        return bool(until and until > day)

    def action_club_lift_block(self):
        """A club manager lets blocked members book again; their strikes start
        again from zero."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a club manager can lift a booking block.")
            )
        self.check_access("read")
        blocked = self.sudo().filtered("club_blocked_until")
        if not blocked:
            return True
        for partner in blocked:
            partner._message_log(
                body=self.env._(
                    "Booking block lifted by %(user)s (the member was blocked until "
                    "%(date)s); strikes are counted again from now.",
                    user=self.env.user.name,
                    date=format_date(self.env, partner.club_blocked_until),
                )
            )
        blocked.write(
            {"club_blocked_until": False, "club_strikes_since": fields.Datetime.now()}
        )
        return True

    def _club_block(self, until, company, now):
        """Block these members from booking until ``until`` (a date), saying
        why in their chatter, and tell them by email (through the mail queue)."""
        partners = self.filtered(
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
            blocked = partner and partner._club_blocked_on(company._club_today())
            booking.partner_blocked_until = (
                partner.sudo().club_blocked_until if blocked else False
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
        partners = self.sudo().partner_id.filtered("club_blocked_until")
        if not partners:
            return
        today = {}
        for booking in self:
            company = booking.company_id
            if company not in today:
                today[company] = company._club_today()
            partner = booking.partner_id
            if partner not in partners or not partner._club_blocked_on(today[company]):
                continue
            until = format_date(self.env, partner.sudo().club_blocked_until)
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
            self.env.cr.execute(
                SQL(
                    """
                    SELECT b.partner_id FROM club_booking b
                      JOIN res_partner p ON p.id = b.partner_id
                     WHERE b.company_id = %(company)s
                       AND b.partner_id = ANY(%(partners)s)
                       AND b.state = 'no_show'
                       AND b.start >= %(since)s AND b.start <= %(now)s
                       AND (p.club_strikes_since IS NULL
                            OR b.start >= p.club_strikes_since)
                     GROUP BY b.partner_id
                    HAVING count(*) >= %(count)s
                    """,
                    company=company.id,
                    partners=bookings.partner_id.ids,
                    since=now - timedelta(days=company.club_strike_days),
                    now=now,
                    count=count,
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

"""A member's personal calendar feed: ``GET /club/calendar/<token>.ics``
(controllers/reminders.py) lists their upcoming bookings. The token is random and
unguessable, readable by club staff (and by the member through
``_club_calendar_url``); a new token voids the old feed."""

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import ics
from ..tools.groups import BOOKING_USER_GROUP, BOOKING_VIEWER_GROUP

# How far ahead the feed lists a member's bookings.
FEED_DAYS = 60
FEED_STATES = ("booked",)


def new_calendar_token():
    return secrets.token_urlsafe(32)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    club_calendar_token = fields.Char(
        string="Calendar Feed Token",
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups=BOOKING_VIEWER_GROUP,
        help="The secret part of the member's calendar feed address. Renew it to "
        "void the old address.",
    )

    club_calendar_url = fields.Char(
        string="Calendar Feed",
        compute="_compute_club_calendar_url",
        groups=BOOKING_VIEWER_GROUP,
        help="The member's bookings of the next 60 days, for Google, Apple or "
        "Outlook calendars (subscribe by address).",
    )

    _sql_constraints = [
        (
            "club_calendar_token_unique",
            "UNIQUE(club_calendar_token)",
            "A calendar feed token belongs to one member.",
        ),
    ]

    @api.depends("club_calendar_token")
    def _compute_club_calendar_url(self):
        for partner in self:
            token = partner.sudo().club_calendar_token
            partner.club_calendar_url = (
                f"{partner.get_base_url()}/club/calendar/{token}.ics"
                if token
                else False
            )

    def _club_check_calendar_access(self):
        """The member themselves (their own user) or club staff."""
        if self.env.su or self.env.user.has_group(BOOKING_VIEWER_GROUP):
            return
        if any(partner != self.env.user.partner_id for partner in self):
            raise AccessError(self.env._("This calendar is not yours."))

    def _club_calendar_url(self):
        """The member's calendar feed address (made on first use). For the
        member's portal page and staff."""
        self.ensure_one()
        self._club_check_calendar_access()
        partner = self.sudo()
        if not partner.club_calendar_token:
            partner.club_calendar_token = new_calendar_token()
        return partner.club_calendar_url

    def action_club_renew_calendar_token(self):
        """A new feed address; the old one answers 404 from now on. The
        member (for themselves) or booking staff."""
        if not (
            self.env.su
            or self.env.user.has_group(BOOKING_USER_GROUP)
            or all(partner == self.env.user.partner_id for partner in self)
        ):
            raise AccessError(self.env._("This calendar is not yours."))
        for partner in self.sudo():
            partner.club_calendar_token = new_calendar_token()
        return True

    @api.model
    def _club_from_calendar_token(self, token):
        """The member (as superuser) of a feed token, or an empty recordset."""
        if not token or not isinstance(token, str) or len(token) > 128:
            return self.sudo().browse()
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("club_calendar_token", "=", token)], limit=1)
        )

    def _club_calendar_bookings(self, now=None):
        """The member's bookings of the feed: booked, from now to FEED_DAYS."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        return (
            self.env["club.booking"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.id),
                    ("state", "in", FEED_STATES),
                    ("stop", ">", now),
                    ("start", "<", now + timedelta(days=FEED_DAYS)),
                ],
                order="start, id",
            )
        )

    def _club_calendar_feed(self, now=None):
        """The feed's text: one VEVENT per booking, the same UIDs as the
        booking's mails; cancelled bookings are no longer in it."""
        self.ensure_one()
        bookings = self._club_calendar_bookings(now)
        club = self.sudo().company_id.name or self.env.company.name
        name = self.env._("%(club)s bookings", club=club)
        return ics.build_calendar(
            [booking._ics_event() for booking in bookings],
            method="PUBLISH",
            name=name,
        )

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.groups import BOOKING_USER_GROUP

# Failed identifications allowed, per kiosk and per member, before a lockout.
MAX_FAILURES = 5
# How long failures add up, and how long a lockout lasts.
LOCK_MINUTES = 15
# Rows untouched for this long (and not locked) are removed every day.
CLEANUP_DAYS = 1


class ClubKioskGuard(models.Model):
    """Failed identifications at the check-in kiosk, per kiosk (its IP address)
    and per member, and the lockouts they lead to.

    A member's row is also touched on every successful identification: that
    update is what serializes two kiosks identifying the same member at once,
    so the second one sees the first one's check-in."""

    _name = "club.kiosk.guard"
    _description = "Kiosk Lockout"
    _order = "locked_until desc nulls last, last_failure desc nulls last, id desc"
    _rec_name = "key"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    scope = fields.Selection(
        [("kiosk", "Kiosk"), ("member", "Member")],
        required=True,
        readonly=True,
        help="Kiosk: failures at one kiosk (IP address), whoever they were for.\n"
        "Member: wrong PINs typed for one member, at any kiosk.",
    )
    key = fields.Char(required=True, readonly=True)
    kiosk_ip = fields.Char(string="Kiosk IP Address", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    failure_count = fields.Integer(string="Failed Attempts", readonly=True)
    first_failure = fields.Datetime(readonly=True)
    last_failure = fields.Datetime(readonly=True)
    locked_until = fields.Datetime(readonly=True)
    last_success = fields.Datetime(string="Last Identified", readonly=True)
    is_locked = fields.Boolean(
        string="Locked", compute="_compute_is_locked", search="_search_is_locked"
    )

    _sql_constraints = [
        (
            "key_unique",
            "UNIQUE(company_id, key)",
            "One lockout counter per kiosk and member.",
        ),
    ]

    @api.depends("locked_until")
    def _compute_is_locked(self):
        now = fields.Datetime.now()
        for guard in self:
            guard.is_locked = bool(guard.locked_until and guard.locked_until > now)

    def _search_is_locked(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Locked."))
        locked = [("locked_until", ">", fields.Datetime.now())]
        return locked if (operator == "=") == value else ["!", *locked]

    @api.depends("scope", "kiosk_ip", "partner_id")
    def _compute_display_name(self):
        for guard in self:
            if guard.scope == "member":
                guard.display_name = guard.partner_id.display_name or guard.key
            else:
                guard.display_name = self.env._("Kiosk %s", guard.kiosk_ip or "?")

    # ------------------------------------------------------------------
    # Staff
    # ------------------------------------------------------------------
    def action_unlock(self):
        """Front-desk staff lift a lockout (e.g. after checking the member's ID)."""
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to unlock the kiosk."))
        self.check_access("read")
        self.sudo().write(
            {"failure_count": 0, "first_failure": False, "locked_until": False}
        )
        return True

    # ------------------------------------------------------------------
    # Kiosk (called as superuser by club.kiosk)
    # ------------------------------------------------------------------
    @api.model
    def _key(self, ip=None, partner=None):
        return f"member:{partner.id}" if partner else f"kiosk:{ip or '?'}"

    @api.model
    def _is_locked(self, company, ip=None, partner=None):
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM club_kiosk_guard WHERE company_id = %s AND key = %s "
                "AND locked_until > %s",
                company.id,
                self._key(ip, partner),
                fields.Datetime.now(),
            )
        )
        return bool(self.env.cr.fetchone())

    def _upsert(self, company, ip, partner, update, success=False):
        """Insert or update the counter of a kiosk (``ip``) or a member in one
        statement, so that concurrent kiosks add up instead of overwriting.
        ``update`` is what changes on an existing row; a new row starts with one
        failure, or none for a ``success``."""
        self.flush_model()
        now = fields.Datetime.now()
        uid = self.env.uid
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO club_kiosk_guard AS g
                       (company_id, scope, key, kiosk_ip, partner_id, failure_count,
                        first_failure, last_failure, last_success,
                        create_uid, create_date, write_uid, write_date)
                VALUES (%(company)s, %(scope)s, %(key)s, %(ip)s, %(partner)s,
                        %(count)s, %(first)s, %(last)s, %(success)s,
                        %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (company_id, key) DO UPDATE SET %(update)s,
                       write_uid = %(uid)s, write_date = %(now)s
                RETURNING g.id, g.failure_count
                """,
                company=company.id,
                scope="member" if partner else "kiosk",
                key=self._key(ip, partner),
                ip=None if partner else ip,
                partner=partner.id if partner else None,
                count=0 if success else 1,
                first=None if success else now,
                last=None if success else now,
                success=now if success else None,
                uid=uid,
                now=now,
                update=update,
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_model()
        return row

    @api.model
    def _record_failure(self, company, ip=None, partner=None):
        """Count one failed identification; the fifth within the window locks."""
        now = fields.Datetime.now()
        window_start = now - timedelta(minutes=LOCK_MINUTES)
        restart = SQL("g.first_failure IS NULL OR g.first_failure < %s", window_start)
        guard_id, count = self._upsert(
            company,
            ip,
            partner,
            SQL(
                """failure_count = CASE WHEN %(restart)s THEN 1
                                        ELSE g.failure_count + 1 END,
                   first_failure = CASE WHEN %(restart)s THEN %(now)s
                                        ELSE g.first_failure END,
                   last_failure = %(now)s""",
                restart=restart,
                now=now,
            ),
        )
        if count >= MAX_FAILURES:
            self.browse(guard_id).write(
                {"locked_until": now + timedelta(minutes=LOCK_MINUTES)}
            )
        return True

    @api.model
    def _record_success(self, company, partner, pin=False):
        """The member identified. With the PIN (``pin``), their PIN failures are
        cleared; a card says nothing about who typed wrong PINs, so by card they
        stay. Either way, the row lock serializes two kiosks identifying the
        same member at the same time."""
        now = fields.Datetime.now()
        if pin:
            update = SQL(
                "last_success = %s, failure_count = 0, first_failure = NULL", now
            )
        else:
            update = SQL("last_success = %s", now)
        self._upsert(company, None, partner, update, success=True)
        return True

    # ------------------------------------------------------------------
    # Scheduled clean-up
    # ------------------------------------------------------------------
    @api.model
    def _cron_cleanup(self):
        """Remove the rows nothing touched for a day and that lock nothing: their
        failures are long out of the counting window, and a kiosk or a member
        gets a new row at the next identification."""
        now = fields.Datetime.now()
        self.search(
            [
                ("write_date", "<", now - timedelta(days=CLEANUP_DAYS)),
                "|",
                ("locked_until", "=", False),
                ("locked_until", "<=", now),
            ]
        ).unlink()
        return True

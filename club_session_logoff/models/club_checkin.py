from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.groups import MANAGER_GROUP

# A front-desk check-in is recorded at the server's time; the time a client
# sends (the check-in form's default, taken when it opened) may be this far off.
DESK_TIME_TOLERANCE = timedelta(minutes=5)
# What only a kiosk check-in carries.
KIOSK_ONLY_FIELDS = ("kiosk_ip", "kiosk_browser")


class ClubCheckin(models.Model):
    _name = "club.checkin"
    _description = "Club Check-in"
    _order = "checkin_time desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, ondelete="cascade"
    )
    checkin_time = fields.Datetime(
        string="Checked In At", required=True, default=fields.Datetime.now
    )
    source = fields.Selection(
        [("kiosk", "Kiosk"), ("desk", "Front Desk")],
        required=True,
        default="desk",
        help="Kiosk: the member checked in on the self-service kiosk.\n"
        "Front Desk: a staff member checked the member in.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Checked In By",
        default=lambda self: self.env.user,
        help="The staff member who recorded a front-desk check-in.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Where a kiosk check-in came from, for staff looking into an odd one.
    kiosk_ip = fields.Char(string="Kiosk IP Address", readonly=True)
    kiosk_browser = fields.Char(readonly=True, help="The kiosk browser's user agent.")
    scan_count = fields.Integer(
        string="Scans",
        default=1,
        readonly=True,
        help="How many times the member identified at the kiosk within a short "
        "window: repeated scans count as one check-in.",
    )

    def init(self):
        # "Did this member check in around this booking?" is asked for every
        # booking shown: a member's check-ins by time.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS club_checkin_partner_time_idx "
            "ON club_checkin (partner_id, checkin_time)"
        )

    @api.model_create_multi
    def create(self, vals_list):
        # Check-ins prove attendance (Checked In on bookings, log-off evidence):
        # the front desk records arrivals as they happen; a kiosk check-in, or
        # one at another time, is a correction for club managers. The kiosk
        # records its own check-ins as superuser.
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            vals_list = [self._desk_values(vals) for vals in vals_list]
        return super().create(vals_list)

    @api.model
    def _desk_values(self, vals):
        """The values of a front-desk check-in: source Front Desk, now, by the
        current user. Anything else is refused, not silently changed."""
        now = fields.Datetime.now()
        time = vals.get("checkin_time")
        if vals.get("source", "desk") != "desk" or any(
            vals.get(name) for name in KIOSK_ONLY_FIELDS
        ):
            raise AccessError(
                self.env._("Only club managers can record a kiosk check-in by hand.")
            )
        if vals.get("scan_count", 1) != 1 or vals.get("user_id") not in (
            None,
            False,
            self.env.uid,
        ):
            raise AccessError(
                self.env._(
                    "A front-desk check-in is recorded by the staff member who "
                    "checks the member in."
                )
            )
        if time and abs(fields.Datetime.to_datetime(time) - now) > DESK_TIME_TOLERANCE:
            raise AccessError(
                self.env._(
                    "A front-desk check-in is recorded at the time the member "
                    "arrives: only club managers can record a check-in at another "
                    "time."
                )
            )
        return {**vals, "source": "desk", "checkin_time": now, "user_id": self.env.uid}

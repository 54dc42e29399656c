from odoo import fields, models


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

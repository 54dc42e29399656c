from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.groups import BOOKING_USER_GROUP
from .club_session import CAPACITY_MAX, capacity_in_bounds

# The longest late-cancel window: a month.
LATE_CANCEL_HOURS_MAX = 30 * 24


class ClubOffering(models.Model):
    _name = "club.offering"
    _description = "Club Offering"
    _order = "offering_type, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    offering_type = fields.Selection(
        [("class", "Class"), ("service", "Service")],
        string="Type",
        required=True,
        default="class",
        help="Class: a group session with several members.\n"
        "Service: a one-to-one session, e.g. personal training.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Credit Product",
        check_company=True,
        domain="[('sale_ok', '=', True)]",
        help="Product sold at the Point of Sale for one session credit of this "
        "offering. Bookings without a paid credit are charged with it.",
    )
    duration = fields.Float(
        default=1.0,
        help="Usual length of a session, in hours; a new booking ends this long "
        "after it starts.",
    )
    default_capacity = fields.Integer(
        string="Capacity",
        help="Seats of a new session of this offering; 0: no limit.",
    )
    default_trainer_id = fields.Many2one(
        "res.users",
        string="Trainer",
        domain="[('share', '=', False)]",
        help="Trainer of a new session of this offering.",
    )
    late_cancel_hours = fields.Integer(
        string="Late-Cancel Window (Hours)",
        default=0,
        help="A booking cancelled by staff less than this many hours before its "
        "start is a late cancel: its session credit is lost, like a no-show "
        "(0: no window; at most 720).",
    )
    color = fields.Integer()
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    booking_count = fields.Integer(compute="_compute_booking_count")
    session_count = fields.Integer(compute="_compute_session_count")

    _sql_constraints = [
        (
            "duration_positive",
            "CHECK(duration > 0)",
            "The duration of an offering must be positive.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_default_capacity_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_default_capacity_value(vals)
        return super().write(vals)

    @api.model
    def _check_default_capacity_value(self, vals):
        # Before the SQL (a number too large for the column fails there); the
        # sessions' own bound (club.session).
        if "default_capacity" in vals and not capacity_in_bounds(
            vals["default_capacity"]
        ):
            raise ValidationError(
                self.env._(
                    "An offering's capacity is a number of seats between 0 and %s "
                    "(0: no limit).",
                    CAPACITY_MAX,
                )
            )

    @api.constrains("late_cancel_hours")
    def _check_late_cancel_hours(self):
        for offering in self:
            if not 0 <= offering.late_cancel_hours <= LATE_CANCEL_HOURS_MAX:
                raise ValidationError(
                    self.env._(
                        "%(offering)s: the late-cancel window is a number of hours "
                        "between 0 (no window) and %(max)s, not %(value)s.",
                        offering=offering.name,
                        max=LATE_CANCEL_HOURS_MAX,
                        value=offering.late_cancel_hours,
                    )
                )

    @api.constrains("product_id", "offering_type", "company_id")
    def _check_product_offering_type(self):
        # A product sold at the POS must map to one kind of credit.
        for offering in self.filtered("product_id"):
            other = self.sudo().search(
                [
                    ("product_id", "=", offering.product_id.id),
                    ("company_id", "=", offering.company_id.id),
                    ("offering_type", "!=", offering.offering_type),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(product)s already sells credits for %(other)s, an offering "
                        "of another type: give %(offering)s a product of its own.",
                        product=offering.product_id.display_name,
                        other=other.name,
                        offering=offering.name,
                    )
                )

    def _end_of(self, start):
        """When a session of this offering that starts at ``start`` ends."""
        return start + timedelta(hours=self.duration or 1.0)

    @api.depends_context("company")
    def _compute_booking_count(self):
        groups = self.env["club.booking"]._read_group(
            [("offering_id", "in", self.ids)], ["offering_id"], ["__count"]
        )
        counts = {offering.id: count for offering, count in groups}
        for offering in self:
            offering.booking_count = counts.get(offering.id, 0)

    def action_view_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "club_session_logoff.club_booking_action"
        )
        action["domain"] = [("offering_id", "=", self.id)]
        action["context"] = {"default_offering_id": self.id}
        return action

    @api.depends_context("company")
    def _compute_session_count(self):
        groups = self.env["club.session"]._read_group(
            [("offering_id", "in", self.ids)], ["offering_id"], ["__count"]
        )
        counts = {offering.id: count for offering, count in groups}
        for offering in self:
            offering.session_count = counts.get(offering.id, 0)

    def action_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "club_session_logoff.club_session_action"
        )
        action["domain"] = [("offering_id", "=", self.id)]
        action["context"] = {"default_offering_id": self.id}
        return action

    def action_schedule_sessions(self):
        """Schedule Sessions: the timetable wizard for this offering (front
        desk)."""
        self.ensure_one()
        if not self.env.user.has_group(BOOKING_USER_GROUP):
            raise AccessError(self.env._("You are not allowed to schedule sessions."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule Sessions"),
            "res_model": "club.session.schedule.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_offering_id": self.id},
        }

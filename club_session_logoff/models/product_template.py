from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    club_credit_type = fields.Selection(
        [("class", "Class"), ("service", "Service")],
        string="Sells Session Credits For",
        help="Sold at the Point of Sale, this product gives the customer session "
        "credits that any offering of this type may use (e.g. a 10-class pack). "
        "A product named as Credit Product by offerings sells their credits "
        "without this.",
    )

    club_credits_per_unit = fields.Integer(
        string="Session Credits per Unit",
        default=1,
        help="How many session credits one unit of this product gives when sold "
        "at the Point of Sale (e.g. 10 for a pack of ten sessions).",
    )

    _sql_constraints = [
        (
            "club_credits_per_unit_positive",
            "CHECK(club_credits_per_unit > 0)",
            "A product gives at least one session credit per unit.",
        ),
    ]

from werkzeug.exceptions import abort

from odoo import models
from odoo.http import Response, request

KIOSK_PATH = "/club/kiosk/"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        # The kiosk's routes are public: an oversized body is refused from its
        # Content-Length, before anything reads it. (The werkzeug Odoo 18 runs
        # on enforces a route's max_content_length on forms only, not on the
        # JSON body of a type="json" route.)
        httprequest = request.httprequest
        if (
            httprequest.path.startswith(KIOSK_PATH)
            and rule.endpoint.routing.get("max_content_length")
            and (httprequest.content_length or 0) > httprequest.max_content_length
        ):
            abort(
                Response(
                    "Request Entity Too Large", status=413, content_type="text/plain"
                )
            )
        return result

import json
from io import BytesIO

from werkzeug.exceptions import NotFound, abort

from odoo import models
from odoo.http import Response, request

KIOSK_PATH = "/club/kiosk/"
# The parameter a malformed kiosk body is replaced with: the route refuses it
# as any bad input, and the kiosk's lockout counts it (controllers/kiosk.py).
MALFORMED_PARAM = "club_malformed_body"
JSON_MIMETYPES = ("application/json", "application/json-rpc")
# Names Odoo passes to a route itself: a parameter of that name cannot reach it.
RESERVED_PARAMS = {"self", "token"}


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        # The kiosk's routes are public: a body over the route's limit is refused
        # before it is read. (The werkzeug Odoo 18 runs on enforces a route's
        # max_content_length on forms only, not on the JSON body of a
        # type="json" route.)
        httprequest = request.httprequest
        if (
            httprequest.path.startswith(KIOSK_PATH)
            and rule.endpoint.routing["type"] == "http"
            and RESERVED_PARAMS & httprequest.args.keys()
        ):
            # Odoo would pass it to the page's route as its own argument (a
            # server error): an address no kiosk opens.
            raise NotFound()
        if httprequest.path.startswith(KIOSK_PATH) and rule.endpoint.routing.get(
            "max_content_length"
        ):
            # The route's limit, as Odoo's pre_dispatch (in super) set it.
            limit = httprequest.max_content_length
            if (httprequest.content_length or 0) > limit:
                cls._club_abort(413, "Request Entity Too Large")
            cls._club_read_body_within(limit)
        return result

    @classmethod
    def _club_read_body_within(cls, limit):
        """Read the body now, at most ``limit`` + 1 bytes, and refuse it if it
        is longer. A body in chunks (Transfer-Encoding: chunked) has no
        Content-Length to check: Odoo's server hands it over whole, and reading
        it would take whatever the client sends. The JSON dispatcher then reads
        the body kept here."""
        # Odoo's request wraps werkzeug's, which holds the input stream (Odoo's
        # own bus reaches the wrapped request the same way).
        httprequest = request.httprequest
        wrapped = getattr(httprequest, "_HTTPRequest__wrapped", httprequest)
        stream = wrapped.stream
        body = b""
        try:
            while len(body) <= limit:
                # A stream may return less than asked: read until its end.
                piece = stream.read(limit + 1 - len(body))
                if not piece:
                    break
                body += piece
        except OSError:
            # A malformed chunk, or a client that stopped sending: its fault,
            # not a server error.
            cls._club_abort(400, "Bad Request")
        if len(body) > limit:
            cls._club_abort(413, "Request Entity Too Large")
        # werkzeug's stream is a cached property: the dispatcher reads this one
        # (and caches what it read, for a retry after a serialization failure).
        wrapped.stream = BytesIO(cls._club_well_formed(body))

    @classmethod
    def _club_well_formed(cls, body):
        """The body of a kiosk JSON route, or, when it is not a JSON-RPC
        request whose params are an object (a list, a string, nested too deep,
        not UTF-8, not JSON), a request that says so (``MALFORMED_PARAM``):
        Odoo's dispatcher would answer those with a server error."""
        if request.httprequest.mimetype not in JSON_MIMETYPES:
            return body
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        params = data.get("params", {}) if isinstance(data, dict) else None
        if isinstance(params, dict) and not RESERVED_PARAMS & params.keys():
            return body
        request_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(request_id, bool) or not isinstance(request_id, int | str):
            request_id = None
        return json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": request_id,
                "params": {MALFORMED_PARAM: True},
            }
        ).encode()

    @classmethod
    def _club_abort(cls, status, message):
        abort(Response(message, status=status, content_type="text/plain"))

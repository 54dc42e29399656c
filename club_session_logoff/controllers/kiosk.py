from werkzeug.exceptions import NotFound, abort

from odoo import http
from odoo.http import request

from ..models.club_kiosk import TRANSLATIONS_URL
from ..models.ir_http import MALFORMED_PARAM
from ..tools.groups import MANAGER_GROUP

# Request bodies the kiosk's JSON routes accept: a few short strings, or a
# signature drawn on the screen (refused beyond MAX_SIGNATURE_CHARS anyway).
SMALL_BODY = 4 * 1024
SIGNATURE_BODY = 256 * 1024


class ClubKioskController(http.Controller):
    """The public check-in kiosk. Thin on purpose: each route re-resolves the
    kiosk's token (unknown or regenerated: 404) and hands the request's
    parameters to club.kiosk, which holds every rule.

    The JSON routes take no cookie-borne authority (auth="public", the token is
    in the path) and, being type="json", refuse any body that is not
    application/json, which a cross-site form cannot send."""

    def _kiosk(self, token):
        company = request.env["res.company"]._club_kiosk_company(token)
        if not company:
            if request.dispatcher.routing_type == "json":
                self._json_not_found()
            raise NotFound()
        return request.env["club.kiosk"]._for_company(company)

    def _json_not_found(self):
        """An unknown kiosk, over JSON: Odoo's JSON-RPC 404 error, without the
        server's traceback Odoo puts in every JSON error (data.debug)."""
        error = {
            "code": 404,
            "message": "404: Not Found",
            "data": {
                "name": "werkzeug.exceptions.NotFound",
                "message": "Not Found",
                "debug": "",
                "arguments": [],
                "context": {},
            },
        }
        response = request.make_json_response(
            {
                "jsonrpc": "2.0",
                "id": request.dispatcher.request_id,
                "error": error,
            }
        )
        abort(response)

    def _refuse_malformed(self, kiosk, params):
        """A malformed body (see ir.http) is refused like any bad input and
        counted by the kiosk's lockout: no kiosk of the club sends one.

        :return: the refusal, or None for a well-formed body
        """
        if MALFORMED_PARAM not in params:
            return None
        return kiosk._refuse_malformed(ip=request.httprequest.remote_addr)

    @http.route(
        "/club/kiosk/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def club_kiosk_page(self, token):
        kiosk = self._kiosk(token)
        # A tablet left signed in as staff would be a back office open to the
        # public: opening the kiosk signs out.
        if request.session.uid:
            request.session.logout(keep_db=True)
        response = request.render(
            "club_session_logoff.kiosk_page",
            {"kiosk_info": kiosk._page_values()},
        )
        # The token is in the address: never hand it to another site or cache.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @http.route(
        f"{TRANSLATIONS_URL}/<string:unique>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
        readonly=True,
    )
    def club_kiosk_translations(self, unique, lang=None):
        """The kiosk app's texts in one language (``lang``), as Odoo's
        /web/webclient/translations gives them, for the few modules of the
        kiosk's bundle only. Nothing secret: no token; ``unique`` is the
        texts' hash, so browsers keep them until they change."""
        return request.make_json_response(
            request.env["club.kiosk"]
            .sudo()
            ._translations(lang if isinstance(lang, str) else None),
            headers=[("Cache-Control", f"public, max-age={http.STATIC_CACHE_LONG}")],
        )

    @http.route(
        "/club/kiosk/<string:token>/identify",
        type="json",
        auth="public",
        methods=["POST"],
        max_content_length=SMALL_BODY,
    )
    def club_kiosk_identify(self, token, **params):
        httprequest = request.httprequest
        kiosk = self._kiosk(token)
        refused = self._refuse_malformed(kiosk, params)
        if refused:
            return refused
        return kiosk._identify(
            params,
            ip=httprequest.remote_addr,
            browser=httprequest.user_agent.string,
        )

    @http.route(
        "/club/kiosk/<string:token>/bookings",
        type="json",
        auth="public",
        methods=["POST"],
        max_content_length=SMALL_BODY,
    )
    def club_kiosk_bookings(self, token, **params):
        kiosk = self._kiosk(token)
        return self._refuse_malformed(kiosk, params) or kiosk._list(params)

    @http.route(
        "/club/kiosk/<string:token>/confirm",
        type="json",
        auth="public",
        methods=["POST"],
        max_content_length=SIGNATURE_BODY,
    )
    def club_kiosk_confirm(self, token, **params):
        kiosk = self._kiosk(token)
        return self._refuse_malformed(kiosk, params) or kiosk._confirm(params)

    @http.route(
        "/club/kiosk_mode/<int:company_id>", type="http", auth="user", methods=["GET"]
    )
    def club_kiosk_mode(self, company_id):
        """Club > Main > Open Kiosk: sign the staff member out and open the
        kiosk in this browser."""
        user = request.env.user
        company = request.env["res.company"].browse(company_id)
        if not user.has_group(MANAGER_GROUP) or company not in user.company_ids:
            raise NotFound()
        url = company.club_kiosk_url
        request.session.logout(keep_db=True)
        return request.redirect(url, local=True)

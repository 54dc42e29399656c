from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.tools import create_index


class ClubBooking(models.Model):
    """The check-in kiosk's side of a booking: the member's confirmation (and
    signature), and the log-off it leads to."""

    _inherit = "club.booking"

    kiosk_confirm_date = fields.Datetime(
        string="Confirmed At", readonly=True, copy=False
    )
    kiosk_signature = fields.Binary(
        attachment=True,
        readonly=True,
        copy=False,
        help="Signed by the member at the check-in kiosk to confirm the booking.",
    )
    kiosk_log_at_start = fields.Boolean(
        string="Logs Itself At Start",
        readonly=True,
        copy=False,
        help="The member confirmed at the kiosk before the session started: the "
        "booking is logged as completed when it starts.",
    )

    def init(self):
        res = super().init()
        # The scheduled action looks for these only, among millions of bookings.
        create_index(
            self.env.cr,
            "club_booking_kiosk_log_at_start_idx",
            self._table,
            ["start"],
            where="kiosk_log_at_start AND state = 'booked'",
        )
        return res

    def _club_apply_outcome(self, status, note=None, source="staff", user=None):
        # Whatever the outcome and whoever logs it, the kiosk has nothing left
        # to log later.
        result = super()._club_apply_outcome(
            status, note=note, source=source, user=user
        )
        pending = self.filtered("kiosk_log_at_start")
        if pending:
            pending.sudo().write({"kiosk_log_at_start": False})
        return result

    # ------------------------------------------------------------------
    # Kiosk (called as superuser by club.kiosk, on locked rows)
    # ------------------------------------------------------------------
    def _club_kiosk_confirm(self, partner, signature=None, log=False):
        """The member confirmed these bookings at the kiosk; with ``log``, log
        them (now, or when they start)."""
        vals = {"kiosk_confirmed": True, "kiosk_confirm_date": fields.Datetime.now()}
        if signature:
            vals["kiosk_signature"] = signature
        self.sudo().write(vals)
        logged = self._club_kiosk_log() if log else self.browse()
        # A booking logged now says it in its "Logged as ... (Kiosk)" line; the
        # others tell staff that the member confirmed.
        waiting = self - logged
        if waiting:
            body = (
                _("Confirmed with a signature at the check-in kiosk.")
                if signature
                else _("Confirmed at the check-in kiosk.")
            )
            waiting._message_log_batch(
                bodies=dict.fromkeys(waiting.ids, body), author_id=partner.id
            )
        return True

    def _club_kiosk_log(self):
        """Log as completed, source kiosk, what has started; what has not is
        logged by the scheduled action when it starts. Returns what was logged
        now."""
        now = fields.Datetime.now()
        started = self.filtered(lambda b: b.start <= now)
        if started:
            started.with_user(SUPERUSER_ID)._club_apply_outcome(
                "completed", source="kiosk"
            )
        later = self - started
        if later:
            later.sudo().write({"kiosk_log_at_start": True})
            cron = self.env.ref(
                "club_session_logoff.ir_cron_kiosk_log_at_start",
                raise_if_not_found=False,
            )
            if cron:
                cron.sudo()._trigger(at=sorted(set(later.mapped("start"))))
        return started

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_kiosk_log_at_start(self):
        """Log the bookings confirmed at the kiosk before they started, once
        they have started. A few per session at most: one transaction."""
        bookings = self.sudo().search(
            [
                ("kiosk_log_at_start", "=", True),
                ("state", "=", "booked"),
                ("start", "<=", fields.Datetime.now()),
            ],
            order="start, id",
        )
        if not bookings:
            return True
        # Rows staff are editing right now wait for the next run; the others
        # are re-checked once locked: staff may have logged or cancelled them.
        bookings = bookings._club_lock(skip_locked=True).filtered(
            lambda b: b.state == "booked" and b.kiosk_log_at_start
        )
        if bookings:
            bookings.with_user(SUPERUSER_ID)._club_apply_outcome(
                "completed", source="kiosk"
            )
        return True

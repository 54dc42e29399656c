"""Credits past their expiry date, expired by the scheduled action for unlogged
bookings (see club_booking_unlogged.py)."""

from odoo import _, models
from odoo.tools import SQL, format_date

from ..tools.bulk_chatter import log_notes
from .club_booking_unlogged import BATCH_SIZE


class ClubSessionCredit(models.Model):
    _inherit = "club.session.credit"

    def _club_expire_step(self, company, today):
        """Free credits past their expiry date become expired (the ones an open
        booking reserved are kept: that booking was made before the date)."""
        where = SQL(
            "company_id = %s AND state = 'available' AND booking_id IS NULL "
            "AND expiry_date < %s",
            company.id,
            today,
        )

        def batch():
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM club_session_credit WHERE %s "
                    "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    where,
                    BATCH_SIZE,
                ),
                log_exceptions=False,
            )
            credits = self.browse([row[0] for row in self.env.cr.fetchall()])
            if credits:
                credits.with_context(tracking_disable=True)._mark_expired()
                text = _("Expired: not used by its expiry date, %(date)s.")
                log_notes(
                    credits,
                    {
                        credit.id: (
                            text,
                            {"date": format_date(self.env, credit.expiry_date)},
                        )
                        for credit in credits
                    },
                    author_id=self.env.user.partner_id.id,
                )
            return {"credits_expired": len(credits)}, len(credits) == BATCH_SIZE

        def remaining():
            self.env.cr.execute(
                SQL("SELECT count(*) FROM club_session_credit WHERE %s", where)
            )
            return self.env.cr.fetchone()[0]

        return batch, remaining

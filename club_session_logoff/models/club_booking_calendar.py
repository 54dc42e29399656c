"""Bookings in the member's calendar: the .ics file of a booking (tools/ics.py),
attached to the mails that add it (confirmation, waitlist promotion, reminder:
METHOD:REQUEST) or remove it (cancellation: the same UID with METHOD:CANCEL), and
the confirmation and cancellation mails themselves."""

from datetime import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import ics
from .club_booking import QUEUE_NOTICES_CONTEXT
from .club_session import SESSION_CANCELLED_TEMPLATE, WAITLIST_PROMOTED_TEMPLATE

CONFIRMED_TEMPLATE = "club_session_logoff.mail_template_club_booking_confirmed"
CANCELLED_TEMPLATE = "club_session_logoff.mail_template_club_booking_cancelled"
REMINDER_TEMPLATE = "club_session_logoff.mail_template_club_booking_reminder"
# Which mails carry the booking's .ics, and what it asks of the calendar.
ICS_METHOD_BY_TEMPLATE = {
    CONFIRMED_TEMPLATE: "REQUEST",
    WAITLIST_PROMOTED_TEMPLATE: "REQUEST",
    REMINDER_TEMPLATE: "REQUEST",
    CANCELLED_TEMPLATE: "CANCEL",
    SESSION_CANCELLED_TEMPLATE: "CANCEL",
}
# SEQUENCE grows with each change of the booking: seconds of its last write
# since this day (an int32 for decades to come, as some calendars want).
SEQUENCE_EPOCH = datetime(2024, 1, 1)
# No mail about these bookings (demo data, imports): context key.
NO_MAIL_CONTEXT = "club_no_booking_mail"


class ClubBooking(models.Model):
    _inherit = "club.booking"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The .ics of a booking
    # ------------------------------------------------------------------
    def _ics_uid(self):
        """The booking's UID in every calendar file: the same for the
        confirmation, the reminders, the feed and the cancellation."""
        self.ensure_one()
        db_uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return f"club-booking-{self.id}@{db_uuid}"

    def _ics_event(self, cancelled=False):
        """The VEVENT values of the booking (tools/ics.py)."""
        self.ensure_one()
        company = self.company_id.sudo()
        written = self.write_date or fields.Datetime.now()
        trainer = self.trainer_id.sudo().name
        description = [self.name]
        if trainer:
            description.append(self.env._("Trainer: %s", trainer))
        return {
            "uid": self._ics_uid(),
            "start": self.start,
            "stop": self.stop,
            "summary": f"{self.offering_id.sudo().name} ({company.name})",
            "location": self._address_text(),
            "description": "\n".join(description),
            # A cancellation outranks a request of the same second.
            "sequence": max(int((written - SEQUENCE_EPOCH).total_seconds()), 0)
            + (1 if cancelled else 0),
            "status": "CANCELLED" if cancelled else "CONFIRMED",
            "organizer": company.email or None,
            "organizer_name": company.name,
            "attendee": self.partner_id.sudo().email or None,
            "attendee_name": self.partner_id.sudo().name,
        }

    def _ics(self, method="REQUEST"):
        """The calendar file of these bookings: REQUEST adds or updates them,
        CANCEL removes them (same UIDs)."""
        cancelled = method == "CANCEL"
        return ics.build_calendar(
            [booking._ics_event(cancelled=cancelled) for booking in self],
            method=method,
        )

    def _address_text(self):
        """The club's address on one line (its company's address)."""
        self.ensure_one()
        partner = self.company_id.sudo().partner_id
        address = partner._display_address(without_company=True) or ""
        lines = [line.strip() for line in address.splitlines() if line.strip()]
        return ", ".join([self.company_id.sudo().name, *lines])

    def _attach_ics(self, mails, template_xmlid):
        """Attach each booking's .ics to its mail (``mails`` queued for these
        bookings by ``template_xmlid``), when that kind of mail carries one. In
        bulk: the reminders attach thousands at once."""
        method = ICS_METHOD_BY_TEMPLATE.get(template_xmlid)
        if not method or not mails:
            return True
        by_id = {booking.id: booking for booking in self}
        vals_list, messages = [], []
        for mail in mails.sudo():
            booking = by_id.get(mail.res_id)
            if not booking:
                continue
            vals_list.append(
                {
                    "name": f"{booking.name}.ics",
                    "raw": booking._ics(method).encode(),
                    "mimetype": "text/calendar",
                    "res_model": "mail.message",
                    "res_id": mail.mail_message_id.id,
                }
            )
            messages.append(mail.mail_message_id.id)
        if not vals_list:
            return True
        attachments = self.env["ir.attachment"].sudo().create(vals_list)
        self.env.cr.execute(
            SQL(
                "INSERT INTO message_attachment_rel (message_id, attachment_id) "
                "SELECT * FROM unnest(%s::int[], %s::int[])",
                messages,
                attachments.ids,
            )
        )
        mails.mail_message_id.invalidate_recordset(["attachment_ids"])
        mails.invalidate_recordset(["attachment_ids"])
        return True

    # ------------------------------------------------------------------
    # Confirmation and cancellation mails
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        bookings = super().create(vals_list)
        if self.env.context.get(QUEUE_NOTICES_CONTEXT):
            # The confirmation comes with the chatter line, after the commit.
            self.env["club.booking.notice"]._queue(bookings)
        elif not self.env.context.get(NO_MAIL_CONTEXT):
            now = fields.Datetime.now()
            # Booked into a session to come (by staff or in the portal): the
            # member gets a confirmation with the session for the calendar. A
            # waitlisted one gets it when promoted (the promotion's mail).
            bookings.filtered(
                lambda b: b.state == "booked" and b.session_id and b.start > now
            )._send_member_mail(CONFIRMED_TEMPLATE)
        return bookings

    def _cancel(self, waive_penalty=False, reason=None, source="staff", user=None):
        """The member is told a booked session to come is cancelled (by staff,
        in the portal or with the reminder's one-tap link), and their calendar
        drops it (the same UID, METHOD:CANCEL)."""
        now = fields.Datetime.now()
        booked = self.filtered(lambda b: b.state == "booked" and b.start > now)
        result = super()._cancel(
            waive_penalty=waive_penalty, reason=reason, source=source, user=user
        )
        if not self.env.context.get(NO_MAIL_CONTEXT):
            booked.filtered(
                lambda b: b.state in ("cancelled", "late_cancel")
            )._send_member_mail(CANCELLED_TEMPLATE)
        return result

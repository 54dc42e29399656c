from odoo import api, models
from odoo.tools import config

# wkhtmltopdf states in which Odoo renders a PDF (ir.actions.report).
PDF_STATES = ("ok", "upgrade", "workers")


class AccountMoveSend(models.AbstractModel):
    """Penalty invoices are sent by Odoo's own sending (their ``sending_data``
    set by the penalty job, Odoo's scheduled action "Send invoices
    automatically" sends them): the club's mail template, the invoice PDF
    attached when wkhtmltopdf is there. Without it, Odoo's sending would fail
    on the PDF and send nothing: the member is mailed without the PDF (the
    invoice is in the member's portal)."""

    _inherit = "account.move.send"

    @api.model
    def _club_pdf_available(self):
        """Whether Odoo can render an invoice PDF here. (Odoo's test mode
        renders reports as HTML without wkhtmltopdf.)"""
        if config["test_enable"] or config["test_file"]:
            return True
        state = self.env["ir.actions.report"].get_wkhtmltopdf_state()
        return state in PDF_STATES

    @api.model
    def _generate_invoice_documents(self, invoices_data, allow_fallback_pdf=False):
        if self._club_pdf_available():
            return super()._generate_invoice_documents(
                invoices_data, allow_fallback_pdf=allow_fallback_pdf
            )
        without_pdf = {
            invoice: invoice_data
            for invoice, invoice_data in invoices_data.items()
            if not invoice.invoice_pdf_report_id and invoice.sudo().club_penalty_ids
        }
        for invoice_data in without_pdf.values():
            invoice_data["club_without_pdf"] = True
            # What the sending returns for an invoice without its PDF.
            invoice_data["proforma_pdf_attachment"] = self.env["ir.attachment"]
        others = {
            invoice: invoice_data
            for invoice, invoice_data in invoices_data.items()
            if invoice not in without_pdf
        }
        if others:
            super()._generate_invoice_documents(
                others, allow_fallback_pdf=allow_fallback_pdf
            )
        return None

    @api.model
    def _hook_if_success(self, moves_data):
        result = super()._hook_if_success(moves_data)
        # Odoo marks an invoice sent when its PDF is made; one mailed without
        # it was sent too.
        for move, move_data in moves_data.items():
            if (
                move_data.get("club_without_pdf")
                and "email" in move_data["sending_methods"]
                and move.partner_id.email
            ):
                move.is_move_sent = True
        return result

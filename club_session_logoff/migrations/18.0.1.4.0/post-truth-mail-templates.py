"""Mails to members give times in the club's time zone and name it
(club.booking.company_tz), not in the member's. The templates are noupdate
data: their subject and body are read again from the module's file."""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path

TEMPLATES = (
    "mail_template_club_waitlist_promoted",
    "mail_template_club_session_cancelled",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    tree = etree.parse(file_path("club_session_logoff/data/club_session_data.xml"))
    for xmlid in TEMPLATES:
        template = env.ref(f"club_session_logoff.{xmlid}", raise_if_not_found=False)
        record = tree.find(f".//record[@id='{xmlid}']")
        if not template or record is None:
            continue
        subject = record.find("field[@name='subject']").text
        body = record.find("field[@name='body_html']")
        html = "".join(etree.tostring(child, encoding="unicode") for child in body)
        template.write({"subject": subject, "body_html": html})

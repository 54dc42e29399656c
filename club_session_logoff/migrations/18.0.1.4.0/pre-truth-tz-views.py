"""The club's time zone has no fallback any more (res.company._club_tz): the
field that showed it (club_tz_fallback) is gone. The two settings views that
showed it lose it here, before the views they extend are checked against the
new fields (the module's files then load their new version)."""

import json
import re

VIEWS = (
    "res_company_view_form_club_unlogged",
    "res_config_settings_view_form_unlogged",
)
FALLBACK_FIELD = re.compile(r'<field name="club_tz_fallback"[^>]*/>')


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT v.id, v.arch_db
          FROM ir_ui_view v
          JOIN ir_model_data d ON d.res_id = v.id AND d.model = 'ir.ui.view'
         WHERE d.module = 'club_session_logoff' AND d.name IN %s
        """,
        [VIEWS],
    )
    for view_id, arch in cr.fetchall():
        if isinstance(arch, str):
            arch = json.loads(arch)
        stripped = {lang: FALLBACK_FIELD.sub("", text) for lang, text in arch.items()}
        cr.execute(
            "UPDATE ir_ui_view SET arch_db = %s::jsonb WHERE id = %s",
            [json.dumps(stripped), view_id],
        )

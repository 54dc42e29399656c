"""Names and constants with one home: no ``_club_`` prefix on the methods of
the addon's own models (the prefix stays on inherited Odoo models, where it
avoids clashes), the security groups' xml ids named in tools/groups.py only."""

import re
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase

GROUP_XMLID = re.compile(r"[\"']club_session_logoff\.group_")


class TestNames(TransactionCase):
    def test_own_models_have_no_club_prefix(self):
        prefixed = {
            name: [
                attr for attr in dir(type(self.env[name])) if attr.startswith("_club_")
            ]
            for name in self.env.registry
            if name.startswith("club.")
        }
        self.assertEqual({n: a for n, a in prefixed.items() if a}, {})

    def test_group_xmlids_are_named_once(self):
        root = Path(get_module_path("club_session_logoff"))
        found = [
            str(path.relative_to(root))
            for path in sorted(root.glob("**/*.py"))
            if "migrations" not in path.parts and GROUP_XMLID.search(path.read_text())
        ]
        self.assertEqual(found, [])

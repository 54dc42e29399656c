"""pytest-odoo runs these Odoo tests on a database where the addon is installed.

Odoo tags a test class with the addon it comes from when the class lives in the
addon's own package (``odoo.addons.<addon>.tests``). These tests live beside the
addon, at the top of the repository, so they get the same tags here.
"""

ADDON = "club_session_logoff"


def pytest_configure(config):
    # Runs after pytest-odoo parsed Odoo's configuration and before any test
    # module is imported.
    from odoo.tests import common

    meta_init = common.MetaCase.__init__

    def __init__(cls, name, bases, attrs):
        meta_init(cls, name, bases, attrs)
        if cls.__module__.startswith("tests.") and not hasattr(cls, "test_module"):
            if getattr(cls, "test_tags", None) is None:
                cls.test_tags = {"standard", "at_install"}
            cls.test_module = ADDON
            cls.test_class = cls.__name__
            cls.test_sequence = 0

    common.MetaCase.__init__ = __init__

    # Odoo maps its modules' static folders on the first static request,
    # reading every manifest with ast.literal_eval, and caches the manifests.
    # A browser's first page asks for several files at once: two server
    # threads then compiled manifests at the same time, which this Python
    # (3.11) does not always survive ("SystemError: AST constructor recursion
    # depth mismatch", seen on a POS tour under load). Done here, once, before
    # any server thread runs.
    from odoo import http

    if ADDON not in http.root.statics:
        raise RuntimeError(f"{ADDON} is not in Odoo's addons path")

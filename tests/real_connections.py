"""A test case on real database connections: committed rows and row locks that
other transactions see, as concurrent requests and scheduled runs see them.
What a test commits, it deletes itself at the end (see the tests using it)."""

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase


class RealConnectionCase(TransactionCase):
    # A transaction stuck on a lock fails the test rather than hanging it.
    lock_timeout = "5s"

    def open_env(self):
        """A superuser environment on a connection of its own."""
        cr = self.registry.cursor()
        cr.execute(f"SET lock_timeout = '{self.lock_timeout}'")
        self.addCleanup(cr.close)
        self.addCleanup(self.reset_connection, cr)
        return api.Environment(cr, SUPERUSER_ID, {})

    def reset_connection(self, cr):
        cr.rollback()
        cr.execute("RESET lock_timeout")
        cr.commit()

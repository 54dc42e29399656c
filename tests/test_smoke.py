from odoo.tests import TransactionCase


class TestSmoke(TransactionCase):
    def test_models(self):
        self.assertIn("club.booking", self.env)

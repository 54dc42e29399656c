"""The nightly job walks its policy table: a policy is one entry."""

from unittest.mock import patch

from odoo.addons.club_session_logoff.models.club_unlogged_job import POLICIES, Policy

from .test_unlogged import UNLOGGED, UnloggedCase


class TestUnloggedPolicies(UnloggedCase):
    def test_each_policy_the_club_asks_for_runs_in_order(self):
        self.set_policy("cancel", days=3, club_credit_cleanup=True)
        walked = []
        Job = type(self.env["club.unlogged.job"])

        def step(name):
            def build(job, run, policy):
                walked.append(policy.name)
                self.assertEqual(run.company, self.company)
                return (lambda: ({}, False)), (lambda: 0)

            return build

        names = [policy.name for policy in POLICIES]
        with patch.multiple(
            Job, **{policy.step: step(policy.step) for policy in POLICIES}
        ):
            self.env["club.unlogged.job"]._run(self.company)
        self.assertEqual(walked, ["cancel", "cleanup", "expire"])
        self.assertEqual(
            names, ["complete", "cancel", "evidence", "cleanup", "future", "expire"]
        )

    def test_a_new_policy_is_one_entry(self):
        ran = []

        def extra_step(job, run, policy):
            def batch():
                ran.append(run.company)
                return {"completed": 0}, False

            return batch, lambda: 0

        extra = Policy("extra", lambda company: True, "_step_extra")
        Job = type(self.env["club.unlogged.job"])
        with (
            patch(f"{UNLOGGED}.POLICIES", (*POLICIES, extra)),
            patch.object(Job, "_step_extra", extra_step, create=True),
        ):
            self.env["club.unlogged.job"]._run(self.company)
        self.assertEqual(ran, [self.company])

"""The batch jobs (club.batch.job and its heirs) commit after each batch; Odoo's
test cursor refuses commits. Tests replace the commit with a flush and, when a
test keeps a "durable" savepoint, the start of a new one: what is before it
survives a simulated crash (``crash_at``: the commit that raises KilledRun)."""


class KilledRun(BaseException):
    """The worker died between two batches (no exception the run could catch:
    the run goes on with the next company after an Exception)."""


class SimulatedCommitsMixin:
    def simulate_batch_commits(self, job_model):
        self.commits = 0
        self.crash_at = None
        self.durable = None
        test = self

        def commit_batch(records):
            test.commits += 1
            if test.crash_at and test.commits == test.crash_at:
                raise KilledRun
            records.env.flush_all()
            if test.durable:
                test.durable.close(rollback=False)
                test.durable = records.env.cr.savepoint()

        self.patch(type(self.env[job_model]), "_commit_batch", commit_batch)

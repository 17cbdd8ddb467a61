"""A pool target for the crash tests: the job named `crash` kills its worker process (as a
segfaulting plugin would); every other job renders normally."""
import os

from phonon.batch.worker import run_in_process


def crash_on_named_job(job):
    if job.name == "crash":
        os._exit(70)
    return run_in_process(job)

"""Pool targets for the tests: `crash_on_named_job` (the job named `crash` kills its worker
process, as a segfaulting plugin would; every other job renders normally) and
`describe_process` (reports what the worker process inherited)."""
import os

from phonon.batch.worker import run_in_process


def crash_on_named_job(job):
    if job.name == "crash":
        os._exit(70)
    return run_in_process(job)


def describe_process(job):
    """Render the job, and put in its error field what this worker process looked like
    before the job: its parent, and whether the fork server's warm-up was inherited."""
    import json
    import sys

    from phonon.samples import kit
    before = {"ppid": os.getppid(), "pid": os.getpid(),
              "preloaded": "phonon.batch.preload" in sys.modules,
              "kit_sounds": kit._synthesize.cache_info().currsize,
              "registry_built": sys.modules["phonon.batch.worker"]._ENGINE is not None}
    result = run_in_process(job)
    before["threads"] = len(os.listdir("/proc/self/task"))       # after the job
    before["blas_threads"] = os.environ.get("OPENBLAS_NUM_THREADS")
    result.error = json.dumps(before)
    return result

"""The local pool's fork server warms up here, once, before it forks any worker.

`phonon.batch.local` starts its workers with multiprocessing's `forkserver` method and this
module as the server's preload: importing it (in the fork server only) pays, once per batch,
for what every worker would otherwise pay on its own (~1.3 s of CPU each): numpy/numba/scipy
and the engine's imports, the node registry, numba's start-up and a first kernel load, and
the built-in kit's sounds at 44.1 kHz. Each worker is then a `fork()` of this warm process
(copy-on-write: the pages are shared, not copied), and its first job loads only the kernels
its program needs that the warm-up did not.

Thread pools are limited to one thread per worker (`OMP_NUM_THREADS` and co., unless set):
the workers are the parallelism. SIGINT is ignored first: the server and every worker it forks inherit that (Ctrl-C is the
coordinator's business), so a Ctrl-C during the warm-up prints no traceback.

Do not import this module anywhere else: it ignores SIGINT in the importing process.
"""
from __future__ import annotations

import gc
import os
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
# one worker, one core: no thread pools inside a worker (numpy's BLAS, OpenMP, numba's
# parallel layer), as Ray gives its actors; set before numpy is first imported here
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

WARM_UP = "out: sine 440 * 0.1 # lpf 1000 0.7\n"


def warm_up() -> None:
    """Everything a worker would load before its first job, whatever its program."""
    import scipy.signal  # noqa: F401 - the kit's filters and resampling use it

    from ..engine.render import render
    from ..samples import kit
    from .worker import process_engine
    engine = process_engine()
    bank = engine.bank((), 44100)
    for name in kit.names():
        for variant in range(kit.count(name)):
            kit.render(name, variant, 44100)
    render(WARM_UP, 0.05, 44100, 2048, samples=bank, registry=engine.registry)


try:
    warm_up()
except Exception:  # noqa: BLE001 - warming is an optimisation: a worker loads what it needs
    pass
gc.collect()
gc.freeze()      # the workers' collections never touch (and so never copy) the inherited objects

"""The master guard: the last stage of every block, in every executor.

- NaN/Inf never reach the output: the master's input (when it has exactly one: a `master`
  stage may clean NaN itself, which would hide the offending node) and its output are checked
  every block, one reduction each. When not finite, the block's bad samples are zeroed and for
  the next `DIAGNOSE_BLOCKS` blocks every node's output is checked right after it runs
  (`checking`; the block runner resets a node producing NaN/Inf). A NaN no node repeats is
  reported as transient.
- The output is clipped to [-1, 1]: never above 0 dBFS.
- A master node that declares `clean_output` (finite, within [-1, 1]) and reports
  `input_finite` after each block (the built-in `master`) is trusted: its flag is the NaN watch
  and its slot is returned as is, with no second reduction, clip or copy.
"""
from __future__ import annotations

import numpy as np

from .binding import Task
from .reports import Reporter

DIAGNOSE_BLOCKS = 4


class MasterGuard:
    """NaN watch, diagnosis countdown and 0 dBFS ceiling over the master's ring slots."""

    def __init__(self, master: Task, reports: Reporter, block: int) -> None:
        self.master = master
        self._master_node = master.node
        self.reports = reports
        self._outs = [s.out for s in master.steps]
        self._watches = [s.ins[0] if len(s.ins) == 1 else s.out for s in master.steps]
        #: the master promises a clean output (and says whether its input was finite)
        self.trusts_master = (master.node.clean_output and len(master.ins) == 1
                              and master.out.shape[0] == 2)
        self.clean = self.trusts_master    # False while the master runs in another process
        self._block = block
        self.diagnose = 0                  # blocks left to check every node's output
        self._found = 0
        self._out = np.zeros((2, block), dtype=np.float32)

    @property
    def checking(self) -> bool:
        """Whether this block runs under NaN diagnosis."""
        return self.diagnose > 0

    def checked(self) -> None:
        """A block ran under diagnosis; after the last one, report a NaN no node repeated."""
        self.diagnose -= 1
        if not self.diagnose and len(self.reports.reset_nodes) == self._found:
            self.reports.problem(self.master.id, "transient",
                                 "NaN/Inf reached the master and was silenced; "
                                 "no node kept producing it")

    def _alarm(self) -> None:
        if not self.diagnose:
            self.diagnose = DIAGNOSE_BLOCKS
            self._found = len(self.reports.reset_nodes)

    def finish(self, frames: int, r: int = 0) -> np.ndarray:
        """The block's output from ring slot `r`: a (2, frames) view, finite and in [-1, 1]."""
        if self.clean:
            flags = self._master_node.finite_flags
            if not (flags[0] if flags is not None else self._master_node.input_finite):
                self._alarm()
            out = self._outs[r]
            return out if frames == self._block else out[:, :frames]
        master = self._outs[r][:, :frames]
        result = self._out[:, :frames]
        watch = self._watches[r][:, :frames]
        if not (np.isfinite(np.add.reduce(watch, axis=None))
                and np.isfinite(np.add.reduce(master, axis=None))):
            np.nan_to_num(master, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            self._alarm()
        np.clip(master, -1.0, 1.0, out=result)             # broadcasts a mono master
        return result

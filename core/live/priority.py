"""Scheduling of the live render path when the system allows it (root or CAP_SYS_NICE):
real-time FIFO below JACK's own threads (JACK's default is 10), else nice -10."""
from __future__ import annotations

import os
import threading

RENDER_NICE = -10
RENDER_RT_PRIORITY = 5


def raise_priority(nice: int = RENDER_NICE, tid: int | None = None) -> bool:
    """Give a thread (default: the calling one) a higher scheduling priority, so background
    jobs do not starve the render path: real-time (SCHED_FIFO, priority RENDER_RT_PRIORITY,
    below JACK's own) when permitted, else nice `nice`; False when neither is permitted."""
    tid = threading.get_native_id() if tid is None else tid
    try:
        policy = os.SCHED_FIFO | getattr(os, "SCHED_RESET_ON_FORK", 0)   # children: normal
        os.sched_setscheduler(tid, policy, os.sched_param(RENDER_RT_PRIORITY))
        return True
    except (OSError, AttributeError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, tid, nice)
        return True
    except (OSError, AttributeError):
        return False


def normal_priority() -> None:
    """Put the calling thread back to normal scheduling (best effort)."""
    try:
        os.sched_setscheduler(threading.get_native_id(), os.SCHED_OTHER, os.sched_param(0))
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 0)
    except (OSError, AttributeError):
        pass


def raise_all_threads(nice: int = RENDER_NICE) -> None:
    """Raise every thread of this process: any of them may hold the GIL the render thread
    needs, and must not sit preempted by background jobs while holding it."""
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        return
    for tid in tids:
        raise_priority(nice, tid)

"""Executors: `inline.InlineExecutor` (one process, reference semantics) and the actor runtime.

`binding.bind` turns a plan into per-block task lists that every executor walks;
`executor.Executor` is the interface they share (`run_block(start, frames)`, `close()`).
"""

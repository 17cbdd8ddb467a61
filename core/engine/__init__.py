"""The engine: a program made playable.

`open_session(source, SessionOptions(...))` is the one way from a program (text, a file or a
compiled graph) to a `Session`: sample bank, compile, plan, node instances, an executor.
`render(...)` renders offline; `Session.run_block()` feeds live use. See docs/engine.md.
"""
from .options import SessionOptions
from .render import compile_source, open_session, open_stem_session, render
from .session import Session

__all__ = ["Session", "SessionOptions", "compile_source", "open_session", "open_stem_session",
           "render"]

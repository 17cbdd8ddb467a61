"""The compile-time probe: every pattern of a compiled program is queried before it plays.

A pattern can be fine to build and still fail when queried: too many events (`s "bd*1e8"`,
`fast 1e9`, over the event budget of `phonon.patterns.budget`), a value a transform cannot
use (`iter "<4 1e8>"`), or nesting deeper than a query can recurse (600 × `fast 1 $`). The
probe queries each pattern's first cycles — its whole period when that is at most
`PROBE_CYCLES` cycles, else its first cycle — under the event budget, so `check`, `render`
and `live` reject such a program alike, with the location of the node playing the pattern.

Depth is probed with less stack than any engine thread has left when it queries: the engine
queries from stacks less than `ENGINE_FRAMES` deep and the probe from a stack at least that
deep, so a pattern that passes the probe never hits the recursion limit while playing. The
probe goes that deep once per program, through nested generators (`at_engine_depth`), built
once per thread and reused.

The probe's results are the engine's first queries: `Pattern.probed` keeps them and
`CycleCache` takes them instead of querying those cycles again. Only the default seed's are
kept, and taken only by a session playing with it: the seed is the process's (a live session
sets its own around every block), and a program compiled in another thread while a session
with another seed plays could see the seed change in the middle of a query.
"""
from __future__ import annotations

import math
import sys
import threading
from fractions import Fraction
from typing import Any, Callable, Iterator

from ..patterns.budget import EVENT_BUDGET, EventBudgetError
from ..patterns.pattern import Pattern
from ..patterns.signals import get_seed
from . import ast as A
from .diagnostics import Reporter
from .ir import GraphIR, PatternArg

PROBE_CYCLES = 8           # a periodic pattern is probed over its period up to this many cycles
ENGINE_FRAMES = 250        # the deepest stack (frames) from which the engine queries a pattern
SOURCE_SHOWN = 60          # characters of a pattern's source quoted in a message


def probe_patterns(ir: GraphIR, report: Reporter) -> None:
    """Query every pattern of `ir` (see the module doc); each failure is a located error."""
    start = math.floor(ir.start_cycle())
    seen: set[int] = set()
    played = []
    for node in ir.nodes.values():
        for name, arg in node.params.items():
            if isinstance(arg, PatternArg) and isinstance(arg.pattern, Pattern) \
                    and id(arg.pattern) not in seen:
                seen.add(id(arg.pattern))
                played.append((node, name, arg))
    if not played:
        return
    problems = at_engine_depth(lambda: [_probe(arg.pattern, start) for _, _, arg in played])
    for (node, name, arg), problem in zip(played, problems):
        if problem is not None:
            report.error(A.Pos(node.loc.line, node.loc.col),
                         f"{_named(arg, node.kind, name)} {problem}", _hint(problem))


def _probe(pattern: Pattern, start: int) -> str | None:
    """None when the pattern queries fine, else what goes wrong (a sentence's predicate)."""
    period = pattern.period
    cycles = 1
    if period is not None and period.denominator == 1 and 1 <= period <= PROBE_CYCLES:
        cycles = int(period)
    queried: dict[int, list] = {}
    if get_seed() == 0:            # see the module doc: the engine's first queries
        pattern.probed = queried
    for c in range(start, start + cycles):
        try:
            queried[c] = pattern.query(Fraction(c), Fraction(c + 1))
        except EventBudgetError as e:
            return f"makes {e} (cycle {c}; {EVENT_BUDGET} is the most a cycle may make)"
        except RecursionError:
            return "is nested too deeply to be played"
        except ZeroDivisionError:
            return f"divides by zero in cycle {c}"
        except ValueError as e:
            return f"fails in cycle {c}: {e}"
        except (TypeError, ArithmeticError):     # Python's own words would not help here
            return f"fails in cycle {c}: one of its values cannot be used there"
    return None


def at_engine_depth(fn: Callable[[], Any]) -> Any:
    """`fn()` called at least `ENGINE_FRAMES` frames deep: with no more stack left than an
    engine thread has when it queries a pattern.

    The frames are nested generators: each counts against the recursion limit like a call,
    but its frame lives in the generator object, not on the thread's frame stack. With plain
    recursive calls, `fn`'s own calls could sit on the boundary of two of CPython's frame-stack
    chunks, and every call across it then allocates and frees a chunk: a query 5x slower
    (0.6 -> 3 ms for the reference program's patterns, measured with 3.11). The chain of
    generators is built once per thread and depth and reused (`send`): resuming it costs a
    quarter of building it (~20 against ~80 us per program)."""
    need = ENGINE_FRAMES - _depth()
    if need <= 0:
        return fn()
    chains = _chains.__dict__
    chain = chains.get(need)
    if chain is None:
        chain = chains[need] = _descend(need)
        next(chain)                               # down to the innermost frame, waiting
    ok, value = chain.send(fn)
    if not ok:
        raise value
    return value


_chains = threading.local()        # depth -> a waiting chain of generators, per thread


def _descend(n: int) -> Iterator[tuple[bool, Any]]:
    """A chain of n nested generators whose innermost one calls each function it is sent
    and yields (True, result) or (False, the exception it raised)."""
    if n > 0:      # delegation, not next(): the first calls of a builtin count twice (3.11)
        yield from _descend(n - 1)
        return
    outcome: list[tuple[bool, Any]] = [(True, None)]    # empty while waiting: holds nothing
    while True:
        fn = yield outcome.pop()
        try:
            outcome.append((True, fn()))
        except BaseException as exc:  # noqa: BLE001 - re-raised by the caller, outside
            outcome.append((False, exc))
        fn = None


def _depth() -> int:
    frame, depth = sys._getframe(1), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def _named(arg: PatternArg, kind: str, param: str) -> str:
    """How a message names the pattern: its source text (shortened), else the parameter."""
    text = " ".join(arg.source.split())
    if not text:
        return f"the pattern of {kind}'s '{param}'"
    if len(text) > SOURCE_SHOWN:
        text = text[:SOURCE_SHOWN - 3] + "..."
    return f"the pattern {text}"


def _hint(problem: str) -> str | None:
    if problem.startswith("makes more than"):
        return "fewer steps per cycle, or slow it down"
    if problem.startswith("is nested"):
        return "fewer nested transforms"
    return None

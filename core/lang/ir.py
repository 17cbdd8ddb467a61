"""The graph IR: what the compiler produces and the planner consumes (plain data, no numpy).

A program becomes a `GraphIR`: a set of `NodeIR`s, each an instance of a registered node kind,
whose audio inputs and parameter values are `Arg`s:

- `Const(value)`      a number or a string known at compile time;
- `PatternArg(...)`   a pattern (`phonon.patterns.Pattern`): stepped control, or the events of an
                      event-driven node (`s`, synth voices);
- `Edge(node_id)`     another node's output buffer (audio input, or per-sample modulation of a
                      parameter). `delayed=True` marks a feedback edge: the reader gets the
                      writer's *previous* block, which is how cycles in the graph become legal.

Every operand of signal arithmetic is a node (`const` and `sig` nodes lift numbers and patterns
to signals), so `add sub mul div` are ordinary two-input nodes.

Node ids are stable across recompiles of an edited program: `<owner>/<path>:<kind>`, where the
owner is the bus name (or output name) and the path is the node's position in that statement's
expression tree. Hot swap matches old and new nodes by id, i.e. by (bus, chain position, kind).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Union


@dataclass(frozen=True)
class Loc:
    """A position in program text (1-based line and column)."""

    file: str = "<input>"
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Const:
    """A constant argument: a number or a literal string."""

    value: float | str


@dataclass(frozen=True)
class PatternArg:
    """A pattern argument; `source` is the program text it came from (for messages)."""

    pattern: Any  # phonon.patterns.Pattern (kept untyped so the IR has no import cycle)
    source: str = ""


@dataclass(frozen=True)
class Edge:
    """Another node's output. `delayed` edges read the previous block (feedback)."""

    node: str
    delayed: bool = False


Arg = Union[Const, PatternArg, Edge]


@dataclass
class NodeIR:
    """One node instance in the graph."""

    id: str                                   # stable id, see module doc
    kind: str                                 # canonical registry name
    inputs: list[Edge] = field(default_factory=list)       # audio inputs, in order
    params: dict[str, Arg] = field(default_factory=dict)   # by parameter name
    bus: str | None = None                    # the bus (or output) whose expression made it
    loc: Loc = field(default_factory=Loc)
    options: dict[str, Any] = field(default_factory=dict)  # runtime hints, e.g. {"isolate": True}

    def rewritten(self, *, kind: str | None = None, inputs: list[Edge] | None = None,
                  params: dict[str, Arg] | None = None) -> "NodeIR":
        """This node with another kind, inputs or params, every other field shared (as
        `dataclasses.replace`, 4x faster: keep in step with the fields above;
        tests/lang/test_ir_copy.py checks that it does)."""
        return NodeIR(self.id, self.kind if kind is None else kind,
                      self.inputs if inputs is None else inputs,
                      self.params if params is None else params, self.bus, self.loc, self.options)

    def edges(self) -> list[Edge]:
        """Every edge this node reads: audio inputs, then signal-valued parameters."""
        return list(self.inputs) + [a for a in self.params.values() if isinstance(a, Edge)]


@dataclass
class GraphIR:
    """A compiled program."""

    nodes: dict[str, NodeIR] = field(default_factory=dict)   # by id, in a deterministic order
    buses: dict[str, str] = field(default_factory=dict)      # bus name (without ~) -> node id
    outputs: dict[str, str] = field(default_factory=dict)    # "out", "out2", "d1" -> node id
    master: str = ""                                         # id of the node feeding the device
    cps: float = 0.5                                         # tempo in cycles per second
    samples: set[str] = field(default_factory=set)           # sample names referenced
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (reader id, writer id)
    warnings: list[Any] = field(default_factory=list)        # phonon.errors.Diagnostic
    file: str = "<input>"
    # program statements beyond buses and outputs (docs/language.md, "Statements")
    outmix: str = "none"              # how the outputs are combined: none gain sqrt tanh hard
    hushed: list[str] = field(default_factory=list)          # outputs silenced by hush/panic
    panic: bool = False               # `panic`: a live swap cuts every voice and tail, now
    set_cycle: Fraction | None = None  # `setCycle N` / `resetCycles` (0): the cycle at the start
    nudge: Fraction = Fraction(0)     # `nudge N`: everything N cycles later
    buffer: int | None = None         # `buffer: N` (accepted; the block size is `-b`)
    limiter: float | None = None      # `limiter: C`: the master's look-ahead limiter ceiling
    meter: str | None = None          # `bpm: 120 "4/4"` (kept; one beat is one cycle)

    def start_cycle(self) -> Fraction:
        """The cycle position at the first sample of a render: `setCycle`, minus `nudge`."""
        return (self.set_cycle or Fraction(0)) - self.nudge

    def add(self, n: NodeIR) -> NodeIR:
        if n.id in self.nodes:
            raise ValueError(f"duplicate node id {n.id}")
        self.nodes[n.id] = n
        return n

    def readers(self) -> dict[str, list[str]]:
        """node id -> ids of nodes that read it (non-delayed and delayed)."""
        out: dict[str, list[str]] = {nid: [] for nid in self.nodes}
        for n in self.nodes.values():
            for e in n.edges():
                out.setdefault(e.node, []).append(n.id)
        return out

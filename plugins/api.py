"""The node contract: what every node, built-in or third-party, implements.

A node is a small class::

    @node("lpf", doc="Resonant low-pass (SVF).", inputs=1)
    class LowPass(Node):
        cutoff = Param(1000.0, unit="Hz", lo=10, hi=20000, doc="cutoff frequency")
        q = Param(0.707, lo=0.1, hi=50, doc="resonance")

        def prepare(self, sr: int, block: int, channels: int) -> None:
            self.z = np.zeros((channels, 2))           # allocate state once

        def process(self, ctx: Block, ins: list[np.ndarray], p: Params, out: np.ndarray) -> None:
            ...                                         # write ctx.frames samples into out

The runtime owns `out` (a preallocated `(channels, block)` float32 array, a shared-memory slot
in the actor runtime) and every input buffer; `process` writes only `out[:, :ctx.frames]`.

Parameter values arrive in `p` (attribute access by parameter name):
- kind "number": a Python float when the argument is constant, else a float64 array of
  `ctx.frames` samples (a pattern is stepped and changes exactly at its onsets; another node's
  buffer modulates every sample: its channel mean).
- kind "text": the literal string (a file name, a plugin name).
- kind "events": the node is event-driven; the pattern's onsets in this block arrive as
  `ctx.events` (a list of `Trigger`), and `p.<name>` is unused.
- kind "any": whatever the program gave (number or text), constant.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Iterable

PARAM_KINDS = ("number", "text", "events", "any")

#: the values `Node.arithmetic` may declare (see there)
ARITHMETIC = ("add", "sub", "mul", "const", "gain", "mix")


class Param:
    """Declares one parameter of a node: default, unit, range, doc and value kind.

    Declaration order is the positional order in the language: `lpf 800 0.7` sets `cutoff`
    then `q`. `required=True` means the program must give it (no default is used).
    """

    _counter = 0

    def __init__(
        self,
        default: Any = 0.0,
        *,
        unit: str = "",
        lo: float | None = None,
        hi: float | None = None,
        doc: str = "",
        kind: str = "number",
        required: bool = False,
        aliases: Iterable[str] = (),
    ) -> None:
        if kind not in PARAM_KINDS:
            raise ValueError(f"Param kind must be one of {PARAM_KINDS}, got {kind!r}")
        self.default = default
        self.unit = unit
        self.lo = lo
        self.hi = hi
        self.doc = doc
        self.kind = kind
        self.required = required
        self.aliases = tuple(aliases)
        self.name = ""
        Param._counter += 1
        self._order = Param._counter

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def describe(self) -> dict:
        """A JSON-friendly description (for `phonon nodes --json` and docs)."""
        return {
            "name": self.name,
            "default": self.default,
            "unit": self.unit,
            "lo": self.lo,
            "hi": self.hi,
            "doc": self.doc,
            "kind": self.kind,
            "required": self.required,
            "aliases": list(self.aliases),
        }

    def __repr__(self) -> str:
        return f"Param({self.name}={self.default!r}, kind={self.kind})"


@dataclass(frozen=True)
class NodeSpec:
    """What the `@node` decorator records about a node class."""

    name: str
    doc: str
    inputs: int                      # audio inputs: 0 (source), 1 (effect), 2 (binary op, sidechain)
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    extra_params: bool = False       # accepts arbitrary `:name value` keywords (e.g. vst3)
    category: str = ""
    channels: int = 2                # output channels (everything is stereo by default)
    input_first: bool = False        # without `#`, the inputs are the first arguments (`f x args`)
    controls: tuple[str, ...] = ()   # per-event controls an event-driven node reads from its events

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name or name in p.aliases:
                return p
        return None

    @property
    def event_param(self) -> Param | None:
        """The parameter whose pattern drives `ctx.events`, if the node is event-driven."""
        for p in self.params:
            if p.kind == "events":
                return p
        return None

    def describe(self) -> dict:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "doc": self.doc,
            "inputs": self.inputs,
            "category": self.category,
            "extra_params": self.extra_params,
            "input_first": self.input_first,
            "controls": list(self.controls),
            "params": [p.describe() for p in self.params],
        }


def node(
    name: str,
    *,
    doc: str = "",
    inputs: int = 0,
    aliases: Iterable[str] = (),
    extra_params: bool = False,
    category: str = "",
    channels: int = 2,
    input_first: bool = False,
    controls: Iterable[str] = (),
):
    """Class decorator declaring a node: its language name, aliases, doc and audio inputs.

    `input_first=True`: called without `#`, the node takes its audio inputs from its *first*
    positional arguments (`moog_ladder ~x 800 0.5`, the Rust original's "explicit" form)
    instead of its last ones (`range 200 800 (sine 1)`); after `#` nothing changes.

    `controls`: the per-event controls an event-driven node reads from its events (beyond its
    parameters), e.g. `("note", "gain", "cutoff")`. A control merged into its events that it
    does not declare is reported by `phonon check` ("control `x` has no effect on `node`"),
    and a one-value name that is also a node merges as a control only when declared.
    """

    def wrap(cls: type) -> type:
        if not (isinstance(cls, type) and issubclass(cls, Node)):
            raise TypeError(f"@node({name!r}) must decorate a subclass of phonon.plugins.Node")
        if cls.arithmetic is not None and cls.arithmetic not in ARITHMETIC:
            raise ValueError(f"@node({name!r}): arithmetic must be one of {ARITHMETIC}, "
                             f"got {cls.arithmetic!r}")
        params: dict[str, Param] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, Param):
                    params[attr] = value
        ordered = tuple(sorted(params.values(), key=lambda p: p._order))
        cls.spec = NodeSpec(
            name=name,
            doc=(doc or (cls.__doc__ or "").strip().split("\n")[0]),
            inputs=inputs,
            aliases=tuple(aliases),
            params=ordered,
            extra_params=extra_params,
            category=category,
            channels=channels,
            input_first=input_first,
            controls=tuple(controls),
        )
        return cls

    return wrap


@dataclass
class Trigger:
    """One event onset inside a block, for event-driven nodes."""

    offset: int                 # sample offset of the onset inside the block, 0 <= offset < frames
    value: dict                 # the event's control map: {"s": "bd", "n": 3, "gain": 0.8, ...}
    cycle: Fraction             # the onset in cycles (the event's whole.begin)
    duration: float             # the event's whole length in seconds (for legato/sustain)


@dataclass
class Block:
    """Context for one block: where it is in time and what happens in it."""

    index: int                  # block number since the start of the render
    start: int                  # absolute sample index of the block's first frame
    frames: int                 # frames to compute in this block (<= the prepared block size)
    sr: int                     # sample rate
    cps: float                  # cycles per second during this block
    cycle: float                # cycle position of the block's first frame
    events: list[Trigger] = field(default_factory=list)


class Params:
    """Attribute bag of parameter values for one block (reused; the runtime refills it)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getitem__(self, name: str) -> Any:
        return self.__dict__[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def get(self, name: str, default: Any = None) -> Any:
        return self.__dict__.get(name, default)

    def items(self):
        return self.__dict__.items()

    def __repr__(self) -> str:
        return f"Params({self.__dict__!r})"


class Node:
    """Base class of every node. Subclass it, declare `Param`s, decorate with `@node`."""

    spec: ClassVar[NodeSpec]

    #: Session resources this node needs; the runtime sets each as an attribute of the same name
    #: before `prepare` (e.g. "samples" -> the session's `phonon.samples.SampleBank`).
    resources: ClassVar[tuple[str, ...]] = ()

    #: The node's stable id in the program (`<bus>/<path>:<kind>`), set by the runtime before
    #: `prepare`; e.g. to derive a per-node random seed that survives recompiles.
    node_id: str = ""

    # -- nodes that talk to the world outside the graph (e.g. MIDI ports; docs/plugins.md)
    #: True: the node's work is heard outside the audio graph (it sends MIDI), so the planner
    #: keeps it even when no output reads it.
    sink: ClassVar[bool] = False

    #: True: the node uses something of the session's own process (a MIDI port, an input
    #: queue), so the actor runtime never moves it to a worker process.
    in_process: ClassVar[bool] = False

    # -- master hooks: read by the executors when this node is the graph's master (the node
    #    whose output is the program's output)
    #: True promises that every sample `process` writes is finite and within [-1, 1]. The
    #: executor then returns the master's output as it is: no NaN check, clip or copy of its own.
    clean_output: ClassVar[bool] = False

    #: With `clean_output`: after each `process`, whether every input sample was finite. False
    #: makes the executor look for (and reset) the node that produced NaN/Inf.
    input_finite: bool = True

    #: Optional with `clean_output`: an int64 array whose element 0 the node keeps at 1 while
    #: its input was finite, 0 after a block with NaN/Inf (a kernel can write it, so a steady
    #: call needs no Python). The executor then reads it instead of `input_finite`.
    finite_flags: Any = None                 # (an int64 numpy array)

    # -- graph optimiser contract (phonon.plan.optimize, docs/plugins.md)
    #: What the node computes, when it is exactly one of the optimiser's operations; the
    #: optimiser then rewrites it as it rewrites the built-in node of that name, whatever the
    #: node is called. `process` must compute, in float32 and with no state:
    #:   "add" / "sub" / "mul": ins[0] + ins[1] / ins[0] - ins[1] / ins[0] * ins[1];
    #:   "const": the constant parameter `value` (no inputs);
    #:   "gain":  ins[0] * float32(amount), `amount` its parameter;
    #:   "mix":   the left-to-right sum of its inputs, input k times float32(gains[k]) when the
    #:            parameter `gains` (a list, default all 1) is given.
    #: None (the default): the optimiser leaves the node alone.
    arithmetic: ClassVar[str | None] = None

    def __init__(self, **static: Any) -> None:
        """`static` holds the constant arguments known at compile time (e.g. text params)."""
        self.static = static

    @classmethod
    def validate(cls, **static: Any) -> None:
        """`phonon check`: raise `PhononError` if the constant arguments `static` (the same
        `__init__` receives) would make the node fail to start, without starting it: no
        audio, no native code, nothing the program could make run (e.g. `vst3` checks the
        plugin name and parameter names against the scan, `convolve` that its file exists)."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        """Allocate state once; called before the first block and after a reset."""

    def process(self, ctx: Block, ins: list, p: Params, out) -> None:  # pragma: no cover
        """Compute one block into `out[:, :ctx.frames]` (`ins`: the `(channels, block)` float32
        input buffers, read-only; `out`: the node's `(channels, block)` float32 buffer)."""
        raise NotImplementedError

    def steady_call(self, ctx: Block, ins: list, p: Params, out) -> tuple | None:
        """Optional fast path: right after `process` ran a full block, `(f, args)` such that
        `f(*args)` does exactly what `process(ctx, ins, p, out)` would do on every following
        full block (same input and output buffers, same constant parameters), or None (the
        default). The block runner asks only nodes without events and without patterned or
        signal parameters, then calls `f(*args)` instead of `process` until the graph's steps
        change or the node is reset (docs/plugins.md, "Steady calls")."""
        return None

    def quiet_call(self, ctx: Block, ins: list, p: Params, out) -> tuple | None:
        """Optional fast path of an event-driven node: right after `process` ran a full block
        without events, `(f, args)` such that `f(*args)` does exactly what `process` would do
        on every following full block without events, or None (the default). The block runner
        asks only nodes without patterned or signal parameters, calls `f(*args)` in blocks
        that bring no events, runs `process` again for the next block with events and asks
        again after it (docs/plugins.md, "Steady calls")."""
        return None

    def state(self) -> dict | None:
        """Hot swap: the state to hand to the successor node (phase, filter memory, tails)."""
        return None

    def load_state(self, state: dict) -> None:
        """Hot swap: take over the state a predecessor of the same kind handed over."""

    def active_voices(self) -> int:
        """For status displays: voices currently sounding (event-driven nodes)."""
        return 0

"""A small, fixed world for the language tests: declaration-only nodes mirroring the built-in
names and argument conventions, and a structure-only pattern backend with a few transforms.

Patterns are `StubPattern`s whose `source` spells out how they were made, so tests can assert
exactly which transforms and merges were applied, independent of the pattern engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from phonon.lang import compile_program
from phonon.patterns.transforms import ArgSpec, TransformSpec
from phonon.plugins.api import Node, Param, node
from phonon.plugins.registry import Registry


class StubPattern:
    """An opaque pattern that only remembers how it was made (for structure-only compiles)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _op(self, op: str, other: Any) -> "StubPattern":
        o = other.source if isinstance(other, StubPattern) else repr(other)
        return StubPattern(f"({self.source} {op} {o})")

    def first_cycle(self): return []
    def fmap(self, f): return StubPattern(f"fmap({self.source})")
    def combine(self, o, op, structure="left"): return self._op(f"{op}[{structure}]", o)
    def __add__(self, o): return self._op("+", o)
    def __sub__(self, o): return self._op("-", o)
    def __mul__(self, o): return self._op("*", o)
    def __truediv__(self, o): return self._op("/", o)
    def __radd__(self, o): return StubPattern(f"({o!r} + {self.source})")
    def __rsub__(self, o): return StubPattern(f"({o!r} - {self.source})")
    def __rmul__(self, o): return StubPattern(f"({o!r} * {self.source})")
    def __rtruediv__(self, o): return StubPattern(f"({o!r} / {self.source})")
    def __neg__(self): return StubPattern(f"(-{self.source})")

    def merge(self, other: Any) -> "StubPattern":
        return self._op("#", other)

    def __repr__(self) -> str:
        return f"StubPattern({self.source})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StubPattern) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)


@dataclass
class StubPatterns:
    """A structure-only `phonon.lang.patterns_bridge.PatternBackend`: no mini-notation checking,
    transforms and controls given explicitly."""

    transform_table: dict[str, Any] = field(default_factory=dict)
    control_names: frozenset[str] = frozenset()

    def mini(self, text: str) -> Any:
        return StubPattern(f'"{text}"')

    def pure(self, value: Any) -> Any:
        return StubPattern(repr(value))

    def control(self, name: str, pattern: Any) -> Any:
        src = pattern.source if isinstance(pattern, StubPattern) else repr(pattern)
        return StubPattern(f"{name} {src}")

    def transforms(self) -> Mapping[str, Any]:
        return self.transform_table

    def non_numeric(self, pattern: Any, key: str | None = None) -> Any:
        return None

    def controls(self) -> frozenset[str]:
        return self.control_names


@node("s", aliases=("sound",), doc="sample voices")
class S(Node):
    pattern = Param(None, kind="events")
    voices = Param(256.0, lo=1, hi=4096)


@node("sine", doc="sine")
class Sine(Node):
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0)


@node("saw", doc="saw")
class Saw(Node):
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0)


@node("noise", doc="white noise")
class Noise(Node):
    pass


@node("lpf", doc="low-pass", inputs=1)
class Lpf(Node):
    cutoff = Param(1000.0, unit="Hz", lo=10.0, hi=20000.0)
    q = Param(0.707, lo=0.1, hi=50.0)


@node("hpf", doc="high-pass", inputs=1)
class Hpf(Node):
    cutoff = Param(1000.0, unit="Hz", lo=10.0, hi=20000.0)
    q = Param(0.707, lo=0.1, hi=50.0)


@node("reverb", doc="reverb", inputs=1)
class Reverb(Node):
    room = Param(0.5, lo=0.0, hi=1.0)
    damp = Param(0.5, lo=0.0, hi=1.0)
    mix = Param(0.33, lo=0.0, hi=1.0)


@node("delay", doc="delay", inputs=1)
class Delay(Node):
    time = Param(0.25, unit="s", lo=0.0, hi=10.0)
    feedback = Param(0.5, lo=-1.0, hi=1.0)
    mix = Param(0.5, lo=0.0, hi=1.0)


@node("compressor", doc="compressor", inputs=1)
class Compressor(Node):
    threshold = Param(-12.0)
    ratio = Param(4.0, lo=1.0)


@node("limiter", doc="limiter", inputs=1)
class Limiter(Node):
    ceiling = Param(0.95)
    release = Param(0.1)


@node("gain", doc="gain", inputs=1)
class Gain(Node):
    amount = Param(1.0)


@node("pan", doc="pan", inputs=1)
class Pan(Node):
    pos = Param(0.0, lo=-1.0, hi=1.0)


@node("range", doc="range", inputs=1)
class Range(Node):
    lo = Param(0.0)
    hi = Param(1.0)


@node("sidechain", doc="ducking", inputs=2)
class Sidechain(Node):
    amount = Param(0.5)


@node("adsr", doc="envelope")
class Adsr(Node):
    trig = Param(None, kind="events")
    attack = Param(0.01)
    decay = Param(0.1)
    sustain = Param(0.7)
    release = Param(0.2)


@node("vst3", doc="plugin host", inputs=1, extra_params=True)
class Vst3(Node):
    plugin = Param("", kind="text", required=True)


@node("sample_file", doc="a file")
class SampleFile(Node):
    path = Param("", kind="text", required=True)
    level = Param(1.0, kind="any")


@node("const", doc="constant")
class ConstNode(Node):
    value = Param(0.0)


@node("sig", doc="pattern as signal")
class SigNode(Node):
    value = Param(0.0)


@node("add", inputs=2)
class Add(Node):
    pass


@node("sub", inputs=2)
class Sub(Node):
    pass


@node("mul", inputs=2)
class Mul(Node):
    pass


@node("div", inputs=2)
class Div(Node):
    pass


@node("mix", inputs=-1)
class Mix(Node):
    pass


@node("master", inputs=1)
class Master(Node):
    pass


NODE_CLASSES = [S, Sine, Saw, Noise, Lpf, Hpf, Reverb, Delay, Compressor, Limiter, Gain, Pan, Range,
                Sidechain, Adsr, Vst3, SampleFile, ConstNode, SigNode, Add, Sub, Mul, Div, Mix, Master]


def make_registry() -> Registry:
    reg = Registry()
    for cls in NODE_CLASSES:
        reg.register(cls, "built-in")
    return reg


def _src(x) -> str:
    return x.source if isinstance(x, StubPattern) else repr(x)


def _fn(name: str):
    def f(*args):
        *params, pat = args
        shown = " ".join(p.__name__ if callable(p) and not isinstance(p, StubPattern)
                         else _src(p) for p in params)
        return StubPattern(f"{name}{' ' + shown if shown else ''} ({_src(pat)})")
    f.__name__ = name
    return f


def _every(n, fn, pat):
    return StubPattern(f"every {_src(n)} [{_src(fn(StubPattern('x')))}] ({_src(pat)})")


def _spread(items, pat):
    shown = [_src(i(StubPattern("x"))) if callable(i) and not isinstance(i, StubPattern) else _src(i)
             for i in items]
    return StubPattern(f"firstOf [{', '.join(shown)}] ({_src(pat)})")


TRANSFORMS = {
    "fast": TransformSpec("fast", _fn("fast"), (ArgSpec("factor", "pattern"),), ""),
    "slow": TransformSpec("slow", _fn("slow"), (ArgSpec("factor", "pattern"),), ""),
    "rev": TransformSpec("rev", _fn("rev"), (), ""),
    "degradeBy": TransformSpec("degradeBy", _fn("degradeBy"), (ArgSpec("amount", "number"),), ""),
    "every": TransformSpec("every", _every, (ArgSpec("n", "pattern"), ArgSpec("f", "function")), ""),
    "stackwith": TransformSpec("stackwith", _spread, (ArgSpec("items", "list"),), ""),
    "range": TransformSpec("range", _fn("range"), (ArgSpec("lo", "pattern"), ArgSpec("hi", "pattern")), ""),
    "s": TransformSpec("s", _fn("s"), (), ""),
}

CONTROLS = frozenset({"s", "sound", "n", "note", "gain", "pan", "speed", "vowel", "lpf", "room"})


def make_backend() -> StubPatterns:
    return StubPatterns(dict(TRANSFORMS), CONTROLS)


REGISTRY = make_registry()


def compile_test(source: str, **kw):
    """Compile against the test registry and stub patterns."""
    kw.setdefault("registry", REGISTRY)
    kw.setdefault("patterns", make_backend())
    kw.setdefault("file", "t.ph")
    return compile_program(source, **kw)


def pattern_source(arg) -> str:
    """The StubPattern source of a PatternArg."""
    return arg.pattern.source

"""The syntax tree of a Phonon program (what `phonon.lang.parse` returns).

Every node carries the 1-based `line`/`col` of its first character so that the compiler can
point at it. Expressions are immutable dataclasses; a `Program` is a list of statements.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Union


class Pos(NamedTuple):
    """1-based line and column of a character (a pair: the parser makes one per node, so it is
    the cheapest immutable record Python has)."""

    line: int
    col: int


@dataclass(frozen=True)
class Number:
    value: float
    pos: Pos
    text: str = ""


@dataclass(frozen=True)
class String:
    """A double-quoted string: mini-notation, or a literal text for text parameters."""

    text: str
    pos: Pos          # position of the opening quote


@dataclass(frozen=True)
class BusRef:
    name: str          # without the '~'
    pos: Pos


@dataclass(frozen=True)
class Keyword:
    """`:name value` inside a call's arguments."""

    name: str
    value: "Expr"
    pos: Pos           # position of the ':'


@dataclass(frozen=True)
class Call:
    """`name arg arg ...` (a bare name is a call without arguments)."""

    name: str
    args: tuple["Expr", ...]
    keywords: tuple[Keyword, ...]
    pos: Pos


@dataclass(frozen=True)
class ListExpr:
    items: tuple["Expr", ...]
    pos: Pos


@dataclass(frozen=True)
class BinOp:
    """An operator between two expressions: `+ - * /` (signal or pattern arithmetic), Tidal's
    structure operators (`|+ +| |+| |- ... |% |< |>`: the bar marks where the structure comes
    from) and the per-sample signal operators `~+ ~- ~* ~/`."""

    op: str
    left: "Expr"
    right: "Expr"
    pos: Pos           # position of the operator


@dataclass(frozen=True)
class Neg:
    operand: "Expr"
    pos: Pos


@dataclass(frozen=True)
class Chain:
    """`a # f x # g y`: `stages[0]` is the source, each later stage takes the previous as input."""

    stages: tuple["Expr", ...]
    ops: tuple[Pos, ...]       # position of each '#'
    pos: Pos


@dataclass(frozen=True)
class Apply:
    """`a $ b $ c`: transform application (right-associative), kept flat."""

    parts: tuple["Expr", ...]
    ops: tuple[Pos, ...]
    pos: Pos


@dataclass(frozen=True)
class Section:
    """`(# f x)`: a function that chains its argument into `f x` (Tidal operator section)."""

    body: "Expr"
    pos: Pos


@dataclass(frozen=True)
class Paren:
    """`( expr )`, kept so that messages and pattern folding know an operand was bracketed."""

    expr: "Expr"
    pos: Pos


@dataclass(frozen=True)
class BusCall:
    """`~name a b`: a call of the function bus `~name a b $ expr`."""

    name: str          # without the '~'
    args: tuple["Expr", ...]
    pos: Pos


@dataclass(frozen=True)
class TemplateRef:
    """`@name`: the body of the template `@name: expr`, evaluated where it is used."""

    name: str          # without the '@'
    pos: Pos


@dataclass(frozen=True)
class PatternRef:
    """`%name`: the value of the pattern variable `%name: "1 2 4"`."""

    name: str          # without the '%'
    pos: Pos


Expr = Union[Number, String, BusRef, Call, ListExpr, BinOp, Neg, Chain, Apply, Section, Paren,
             BusCall, TemplateRef, PatternRef]


@dataclass(frozen=True)
class Tempo:
    """`tempo: x`, `cps: x` or `bpm: x` (`bpm: 120 "4/4"`: the meter is checked and kept)."""

    unit: str          # "tempo" | "cps" | "bpm"
    value: Expr
    pos: Pos
    meter: str | None = None


@dataclass(frozen=True)
class BusDef:
    """`~name: expr` / `~name $ expr`; `~name a b $ expr` is a function bus (`params`),
    `~name # expr` a modifier bus (spliced where it is used after `#`)."""

    name: str          # without the '~'
    value: Expr
    pos: Pos
    params: tuple[str, ...] = ()
    modifier: bool = False


@dataclass(frozen=True)
class OutDef:
    name: str          # "out", "out2", "o1", "d1"
    value: Expr
    pos: Pos


@dataclass(frozen=True)
class TemplateDef:
    """`@name: expr`."""

    name: str          # without the '@'
    value: Expr
    pos: Pos


@dataclass(frozen=True)
class PatternDef:
    """`%name: expr` (a number or a pattern)."""

    name: str          # without the '%'
    value: Expr
    pos: Pos


@dataclass(frozen=True)
class FunctionDef:
    """`fn name a b = expr`."""

    name: str
    params: tuple[str, ...]
    value: Expr
    pos: Pos


@dataclass(frozen=True)
class Setting:
    """`outmix: tanh` (the mode as `value`, a word) or `buffer: 1024` (an expression)."""

    word: str          # "outmix" | "buffer"
    value: Union[str, Expr]
    pos: Pos
    value_pos: Pos | None = None


@dataclass(frozen=True)
class Command:
    """`hush`, `hush2`, `unhush`, `unhush2`, `panic`, `resetCycles`, `setCycle 4`, `nudge 0.1`."""

    word: str          # "hush" | "unhush" | "panic" | "resetCycles" | "setCycle" | "nudge"
    pos: Pos
    channel: int | None = None      # hushN / unhushN
    value: Expr | None = None       # setCycle / nudge


Statement = Union[Tempo, BusDef, OutDef, TemplateDef, PatternDef, FunctionDef, Setting, Command]


@dataclass
class Program:
    statements: list[Statement] = field(default_factory=list)
    file: str = "<input>"
    lines: list[str] = field(default_factory=list)   # the source lines (for error carets)
    broken_buses: set[str] = field(default_factory=set)  # buses whose definition did not parse

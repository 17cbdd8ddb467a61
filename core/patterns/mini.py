"""Mini-notation: parse a string like `"bd*2 [~ sn] <hh oh>"` into a Pattern.

The grammar and the meaning follow Strudel's krill parser (TidalCycles semantics): sequences,
`~`/`-` rests, `[ ]` groups, `,` stacks, `< >` alternation, `{ }%n` polymeter, `*` `/`
(patternable), `!` replicate, `@`/`_` weight, `.` feet, `?`/`?p` degrade, `|` random choice,
`(k,n,r)` Euclid, `a .. b` ranges, `name:i` tails, numbers and words.

Randomness is seeded as Strudel does: every `?`, `|` and `.` takes the next number of one
counter, in the order the parser completes them, and shifts the random stream by
0.0003 cycles per seed number.

A string that does not parse raises `phonon.errors.MiniNotationError` with a 1-based column.
A hand-written recursive-descent parser is used (not lark) so that every error can say exactly
which closing bracket or argument is missing, at which column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable, Union

from ..errors import MiniNotationError
from .harmony import chord_notes
from .combinators import fastcat, stack, timecat
from .budget import check_count
from .pattern import Pattern, pure, silence
from .signals import choose_in_with, degrade_by_with, rand
from .timespan import to_time
from .transforms import euclid, euclid_rot
from .notes import midi_to_name, note_to_midi
from .values import atom_value, parse_number  # noqa: F401 - parse_number is part of this API

RAND_OFFSET = 0.0003
_WS = " \n\r\t\u00a0"
_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
def _is_step_char(c: str) -> bool:
    return c.isdigit() and c.isascii() or c in "~-#.^_'&" or unicodedata.category(c) in (
        "Lu", "Ll", "Lt", "Lm", "Lo", "Nl")


# ---------------------------------------------------------------- AST
@dataclass
class Atom:
    text: str
    col: int


@dataclass
class Op:
    kind: str  # stretch, replicate, bjorklund, degrade, tail, range
    args: dict
    pos: int = 0  # 0-based offset of the operator in the text (for errors)


class _OpError(Exception):
    """An operator whose arguments cannot apply (`bd(3,1e8)`), at text offset `pos`."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


@dataclass
class Element:
    source: "Node"
    weight: Any = 1
    reps: int = 1
    ops: list = field(default_factory=list)


@dataclass
class Seq:
    elements: list


@dataclass
class Group:
    """Several sequences: alignment is stack, rand, feet, polymeter or slowcat."""
    seqs: list
    alignment: str
    seed: int | None = None
    steps: "Node | None" = None


Node = Union[Atom, Seq, Group, Element]


# ---------------------------------------------------------------- parser
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.seed = 0

    # -- helpers -------------------------------------------------------------------------
    def error(self, message: str, pos: int | None = None, hint: str | None = None) -> MiniNotationError:
        pos = self.pos if pos is None else pos
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        line_end = len(self.text) if line_end < 0 else line_end
        return MiniNotationError(message, line=self.text.count("\n", 0, pos) + 1, col=pos - line_start + 1,
                                 source_line=self.text[line_start:line_end], hint=hint)

    def col_of(self, pos: int) -> int:
        """1-based column of `pos` within its line."""
        return pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1

    def number(self) -> float | None:
        m = _NUMBER_RE.match(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        v = float(m.group())
        return int(v) if v.is_integer() and not any(c in m.group() for c in ".eE") else v

    def describe(self, pos: int) -> str:
        return "end of pattern" if pos >= len(self.text) else repr(self.text[pos])

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Node:
        self.ws()
        if self.pos >= len(self.text):
            raise self.error("empty pattern", hint="write at least one step, e.g. \"bd\" or \"~\"")
        node = self.stack_or_choose()
        self.ws()
        if self.pos < len(self.text):
            c = self.text[self.pos]
            hint = {"]": "there is no '[' to close", ">": "there is no '<' to close",
                    "}": "there is no '{' to close", ")": "there is no '(' to close",
                    ",": "',' cannot follow '.' feet in the same group"}.get(c)
            raise self.error(f"unexpected {c!r}", hint=hint)
        return node

    def stack_or_choose(self) -> Node:
        head = self.sequence()
        if head is None:
            raise self.error(f"expected a step, found {self.describe(self.pos)}")
        save = self.pos
        self.ws()
        c = self.peek()
        if c and c in ",|" or (c == "." and not self.text.startswith("..", self.pos)):
            self.pos += 1
            seqs = [head] + self._tail(c)
            if c == ",":
                return Group(seqs, "stack")
            seed = self.seed
            self.seed += 1
            return Group(seqs, "rand" if c == "|" else "feet", seed=seed)
        self.pos = save
        return head

    def _tail(self, sep: str) -> list:
        seqs = []
        while True:
            self.ws()
            seq = self.sequence()
            if seq is None:
                raise self.error(f"expected a step after {sep!r}, found {self.describe(self.pos)}")
            seqs.append(seq)
            save = self.pos
            self.ws()
            if self.peek() == sep and not (sep == "." and self.text.startswith("..", self.pos)):
                self.pos += 1
                continue
            self.pos = save
            return seqs

    def polymeter_stack(self) -> list:
        head = self.sequence()
        if head is None:
            raise self.error(f"expected a step, found {self.describe(self.pos)}")
        save = self.pos
        self.ws()
        if self.peek() == ",":
            self.pos += 1
            return [head] + self._tail(",")
        self.pos = save
        return [head]

    def sequence(self) -> Seq | None:
        save = self.pos
        self.ws()
        if self.peek() == "^":
            self.pos += 1
        elements = []
        while True:
            el = self.slice_with_ops()
            if el is None:
                break
            elements.append(el)
        if not elements:
            self.pos = save
            return None
        return Seq(elements)

    def slice(self) -> Node | None:
        save = self.pos
        self.ws()
        c = self.peek()
        if c and _is_step_char(c):
            start = self.pos
            while self.pos < len(self.text) and _is_step_char(self.text[self.pos]):
                self.pos += 1
            word = self.text[start:self.pos]
            if word in (".", "_"):
                self.pos = save
                return None
            if "'" in word:
                self._check_chord(word, start)
            self.ws()
            return Atom(word, start + 1)
        if c == "[":
            node = self._enclosed("]", self.stack_or_choose)
            self.ws()
            return node
        if c == "(":  # the Rust original's parenthesised group: a step, like [ ]
            node = self._enclosed(")", self.stack_or_choose)
            self.ws()
            return node
        if c == "{":
            seqs = self._enclosed("}", self.polymeter_stack)
            steps = None
            if self.peek() == "%":
                self.pos += 1
                steps = self.slice()
                if steps is None:
                    raise self.error("expected a number of steps after '%'")
            self.ws()
            return Group(seqs, "polymeter", steps=steps)
        if c == "<":
            seqs = self._enclosed(">", self.polymeter_stack)
            self.ws()
            return Group(seqs, "slowcat")
        self.pos = save
        return None

    def _check_chord(self, word: str, start: int) -> None:
        """A chord word (`c4'maj'ii`) must name a known chord and modifiers."""
        try:
            chord_values(word)
        except ValueError as e:
            raise self.error(str(e), pos=start,
                             hint="a chord is root'name['modifier...], e.g. c4'maj, e'min7'ii, 0'major'5") from None

    def _enclosed(self, close: str, inner: Callable[[], Any]) -> Any:
        """`inner()` between the bracket at the current position and `close`."""
        open_pos = self.pos
        opener = self.text[open_pos]
        self.pos += 1
        self.ws()
        node = inner()
        self.ws()
        if self.peek() != close:
            hint = f"to close the '{opener}' at col {self.col_of(open_pos)}"
            if close == "]" and self.pos < len(self.text):
                hint = f"found {self.describe(self.pos)}"
            raise self.error(f"expected '{close}'", hint=hint)
        self.pos += 1
        return node

    def slice_with_ops(self) -> Element | None:
        source = self.slice()
        if source is None:
            return None
        el = Element(source)
        while self.op(el):
            pass
        for op in el.ops:
            if op.kind == "degrade" and op.args["seed"] is None:
                op.args["seed"] = self.seed
                self.seed += 1
        return el

    def _required_slice(self, after: str) -> Node:
        node = self.slice()
        if node is None:
            raise self.error(f"expected a number or pattern after {after!r}, found {self.describe(self.pos)}")
        return node

    def op(self, el: Element) -> bool:
        save = self.pos
        self.ws()
        c = self.peek()
        if not c:
            self.pos = save
            return False
        if c in "@_":
            self.pos += 1
            a = self.number()
            el.weight = el.weight + (2 if a is None else a) - 1
            return True
        if c == "!":
            at = self.pos
            self.pos += 1
            a = self.number()
            el.reps = el.reps + (2 if a is None else a) - 1
            el.ops = [o for o in el.ops if o.kind != "replicate"]
            el.ops.append(Op("replicate", {"amount": el.reps}, at))
            el.weight = el.reps
            return True
        self.pos = save
        if c != self.peek():  # the remaining operators allow no space before them
            return False
        if c == "(":
            el.ops.append(self.euclid())
            return True
        if c in "*/":
            at = self.pos
            self.pos += 1
            amount = self._required_slice(c)
            el.ops.append(Op("stretch", {"type": "fast" if c == "*" else "slow", "amount": amount}, at))
            return True
        if c == "?":
            self.pos += 1
            el.ops.append(Op("degrade", {"amount": self.number(), "seed": None}))
            return True
        if c == ":":
            self.pos += 1
            el.ops.append(Op("tail", {"element": self._required_slice(":")}))
            return True
        if c == "." and self.text.startswith("..", self.pos):
            at = self.pos
            self.pos += 2
            el.ops.append(Op("range", {"element": self._required_slice("..")}, at))
            return True
        return False

    def euclid(self) -> Op:
        """`(pulses,steps)` or `(pulses,steps,rotation)` after a step, from its '('."""
        open_pos = self.pos
        self.pos += 1
        self.ws()
        pulse = self._required_element("(")
        self.ws()
        if self.peek() != ",":
            raise self.error("expected ','", hint="Euclid needs (pulses,steps) or (pulses,steps,rotation)")
        self.pos += 1
        self.ws()
        steps = self._required_element(",")
        self.ws()
        rotation = None
        if self.peek() == ",":
            self.pos += 1
            self.ws()
        self.ws()
        if self.peek() != ")":
            rotation = self.slice_with_ops()
            self.ws()
        if self.peek() != ")":
            raise self.error("expected ')'", hint=f"to close the '(' at col {self.col_of(open_pos)}")
        self.pos += 1
        return Op("bjorklund", {"pulse": pulse, "step": steps, "rotation": rotation}, open_pos)

    def _required_element(self, after: str) -> Element:
        el = self.slice_with_ops()
        if el is None:
            raise self.error(f"expected a number or pattern after {after!r}, found {self.describe(self.pos)}")
        return el


# ---------------------------------------------------------------- compiler
@lru_cache(maxsize=1024)
def chord_values(word: str) -> tuple:
    """The notes of a chord word, `root'name['modifier...]` (Tidal's chord syntax).

    A number root gives numbers (`0'major` -> 0 4 7); a note-name root gives note names
    (`c4'maj` -> c4 e4 g4; no octave means octave 4, `e'min7` -> e4 g4 b4 d5), which `note`,
    `n` and oscillators read like any note name. ValueError for a bad word.
    """
    root, *rest = word.split("'")
    if not rest or not rest[0]:
        raise ValueError(f"chord {word!r} needs a chord name after the root, e.g. {root or 'c'}'maj")
    if not root:
        raise ValueError(f"chord {word!r} needs a root (a number or note name) before the '")
    number = parse_number(root)
    midi = None if number is not None else note_to_midi(root, default_octave=4)
    if number is None and midi is None:
        raise ValueError(f"chord root {root!r} is neither a number nor a note name")
    notes = chord_notes(rest[0], [m for m in rest[1:]])
    if number is not None:
        return tuple(number + x for x in notes)
    return tuple(midi_to_name(midi + x) for x in notes)


def _compile(node: Node) -> Pattern:
    if isinstance(node, Element):  # as Strudel: an element entered directly ignores its ops
        return _compile(node.source)
    if isinstance(node, Atom):
        if node.text in ("~", "-"):
            return silence
        if "'" in node.text:
            return stack(*[pure(v) for v in chord_values(node.text)])
        return pure(atom_value(node.text))
    if isinstance(node, Seq):
        return _compile_seq(node)[0]
    return _compile_group(node)


def _compile_seq(seq: Seq) -> tuple[Pattern, Fraction]:
    """A sequence and its total weight (its number of steps, for `< >` and `{ }`)."""
    children = [_apply_ops(_compile(el.source), el) for el in seq.elements]
    weights = [to_time(el.weight) if el.weight else Fraction(1) for el in seq.elements]
    total = sum(weights, Fraction(0))
    if len(children) == 1:
        return children[0], total
    if all(w == 1 for w in weights):
        return fastcat(*children), total
    return timecat(*zip(weights, children)), total


def _compile_group(group: Group) -> Pattern:
    if group.alignment == "stack":
        return stack(*[_compile(s) for s in group.seqs])
    if group.alignment == "feet":
        return fastcat(*[_compile(s) for s in group.seqs])
    if group.alignment == "rand":
        return choose_in_with(rand._early(to_time(RAND_OFFSET * group.seed))._segment(1),
                              [_compile(s) for s in group.seqs])
    compiled = [_compile_seq(s) for s in group.seqs]
    if group.alignment == "slowcat":
        return stack(*[p._slow(w) for p, w in compiled])
    # polymeter: every sequence is fitted to the steps per cycle (default: the first one's)
    steps = _compile(group.steps) if group.steps is not None else pure(compiled[0][1])
    if steps.is_pure:
        return stack(*[p._fast(to_time(steps._pure) / w) for p, w in compiled])
    return stack(*[p.fast(steps.fmap(lambda x, w=w: to_time(x) / w)) for p, w in compiled])


def _apply_ops(pat: Pattern, el: Element) -> Pattern:
    for op in el.ops:
        try:
            pat = _apply_op(pat, op)
        except ValueError as e:        # arguments out of range: `bd(3,1e8)`, `bd!1e8`
            raise _OpError(str(e), op.pos) from None
    return pat


def _apply_op(pat: Pattern, op: Op) -> Pattern:
    """`pat` with one operator applied (`*2`, `!3`, `(3,8)`, `?`, `:3`, `.. 7`)."""
    a = op.args
    if op.kind == "stretch":
        amount = _compile(a["amount"])
        pat = pat.fast(amount) if a["type"] == "fast" else pat.slow(amount)
    elif op.kind == "replicate":
        check_count(a["amount"], "replicate count")
        pat = pat._repeat_cycles(a["amount"])._fast(a["amount"])
    elif op.kind == "bjorklund":
        if a["rotation"] is not None:
            pat = euclid_rot(_compile(a["pulse"]), _compile(a["step"]), _compile(a["rotation"]), pat)
        else:
            pat = euclid(_compile(a["pulse"]), _compile(a["step"]), pat)
    elif op.kind == "degrade":
        amount = 0.5 if a["amount"] is None else a["amount"]
        pat = degrade_by_with(rand._early(to_time(RAND_OFFSET * a["seed"])), amount, pat)
    elif op.kind == "tail":
        friend = _compile(a["element"])
        pat = pat.app_left(friend, lambda x, y: (*x, y) if isinstance(x, tuple) else (x, y))
    elif op.kind == "range":
        pat = _range(pat, _compile(a["element"]))
    return pat


def _range(start: Pattern, stop: Pattern) -> Pattern:
    def run(a: Any, b: Any) -> Pattern:
        if not all(isinstance(v, (int, float)) for v in (a, b)):
            raise ValueError(f"a range needs numbers, got {a!r} .. {b!r}")
        n = check_count(int(abs(b - a)) + 1, "range length")
        return fastcat(*[a + i if a < b else a - i for i in range(n)])
    if start.is_pure and stop.is_pure:  # the usual `0 .. 7`: the same events, a known period
        return run(start._pure, stop._pure)
    return start.squeeze_bind(lambda a: stop.bind(lambda b: run(a, b)))


def parse(text: str) -> Node:
    """The syntax tree of a mini-notation string (raises MiniNotationError)."""
    return _Parser(text).parse()


@lru_cache(maxsize=1024)
def value_words(text: str) -> tuple[tuple[str, int], ...]:
    """The words of a mini-notation string that become event values, with their 0-based offset
    in `text`, in text order: `value_words("bd*2 [sn:3 ~ hh(3,8)] <cp ~x>")` ->
    (("bd", 0), ("sn", 6), ("hh", 13), ("cp", 23), ("~x", 26)).

    Every alternative counts (`<a b>`, `a | b`, `a?`); rests (`~`, `-`) and the arguments of
    operators (`*2`, `(3,8)`, `:3`, `{...}%4`, `.. 7`) do not. Raises MiniNotationError.
    """
    out: list[tuple[str, int]] = []
    todo: list[Node] = [parse(text)]
    while todo:
        node = todo.pop()
        if isinstance(node, Atom):
            if node.text not in ("~", "-"):
                out.append((node.text, node.col - 1))
        elif isinstance(node, Element):
            todo.append(node.source)
        elif isinstance(node, Seq):
            todo.extend(node.elements)
        else:
            todo.extend(node.seqs)
    return tuple(sorted(out, key=lambda w: w[1]))


@lru_cache(maxsize=1024)
def zero_factors(text: str) -> tuple[int, ...]:
    """0-based offsets of the `*0` and `/0` in a mini-notation string: legal (the step plays
    nothing, as in Strudel) but surely not meant, so the compiler warns. Raises
    MiniNotationError."""
    out: list[int] = []
    todo: list[Any] = [parse(text)]
    while todo:
        node = todo.pop()
        if isinstance(node, Element):
            todo.append(node.source)
            for op in node.ops:
                amount = op.args.get("amount") if op.kind == "stretch" else None
                if isinstance(amount, Atom) and parse_number(amount.text) == 0:
                    out.append(op.pos)
        elif isinstance(node, Seq):
            todo.extend(node.elements)
        elif isinstance(node, Group):
            todo.extend(node.seqs)
    return tuple(sorted(out))


@lru_cache(maxsize=512)
def mini(text: str) -> Pattern:
    """Parse mini-notation into a Pattern. Raises `MiniNotationError` (1-based `col`)."""
    if not isinstance(text, str):
        raise TypeError(f"mini() expects a string, got {type(text).__name__}")
    try:
        return _compile(parse(text))
    except _OpError as e:
        raise _Parser(text).error(str(e), e.pos) from None
    except RecursionError:
        raise MiniNotationError("pattern nested too deeply", col=1, source_line=text,
                                hint="use fewer nested brackets") from None

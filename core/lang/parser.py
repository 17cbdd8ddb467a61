"""Recursive-descent parser: statements of tokens -> `ast.Program`.

Hand-written (rather than generated) so that every error says what was expected at the exact
token, and so that one bad statement does not hide the problems in the next ones: each
statement is parsed on its own and all errors are reported together.

Expression precedence, lowest first: `#` chain (left to right), `$` application (right
associative), `+ -` (with Tidal's `|+ +| |+| |- ... |< |>` and `~+ ~-`), `* /` (with `|* |/ |%`
... and `~* ~/`), unary `-`, then calls `name arg ...` (`~name arg ...` for a function bus) and
atoms (`@template`, `%pattern` among them).
"""
from __future__ import annotations

import difflib
import gc
import re
from contextlib import contextmanager
from typing import Iterator

from ..errors import PhononError, PhononErrors, did_you_mean
from . import ast as A
from .lexer import (BAD, BUS, COLON, COMMA, COMMAND, COMMAND_WORDS, END, EQUALS, KW, LBRACK, LPAREN,
                    NAME, NUM, OP, OUTPUT_NAME, PATVAR, RBRACK, RPAREN, SETTING_WORDS, STR,
                    TEMPLATE, TEMPO_WORDS, Token, bad_token_error, is_command_like,
                    split_statements)

MAX_DEPTH = 64          # nesting limit for parentheses/lists/unary minus (no stack overflow)
_ATOM_START = (NUM, STR, BUS, NAME, LPAREN, LBRACK, TEMPLATE, PATVAR)
OUTMIX_MODES = ("none", "gain", "sqrt", "tanh", "hard")
STATEMENT_HEADS = ("tempo", "cps", "bpm", "out", "outmix", "buffer", "limiter")
# Tidal's structure operators (the bar marks the side the structure comes from; both sides for
# |op|) and the per-sample signal operators, by precedence level
SUM_OPERATORS = frozenset({"+", "-", "~+", "~-"} | {f"{a}{o}{b}" for o in "+-<>" for a, b in
                                                    (("|", ""), ("", "|"), ("|", "|"))})
PRODUCT_OPERATORS = frozenset({"*", "/", "~*", "~/"} | {f"{a}{o}{b}" for o in "*/%" for a, b in
                                                        (("|", ""), ("", "|"), ("|", "|"))})
#: a binary operator's precedence level (the higher binds tighter; others are not binary)
_BINARY_LEVEL = {**dict.fromkeys(SUM_OPERATORS, 1), **dict.fromkeys(PRODUCT_OPERATORS, 2)}


class _Fail(Exception):
    """Internal: abort the current statement (the error is already recorded)."""


def _pos(t: Token) -> A.Pos:
    return A.Pos(t.line, t.col)


class _StatementParser:
    def __init__(self, toks: list[Token], file: str, lines: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.tok: Token = toks[0]           # the current token, toks[i] (kept by advance/replace)
        self.file = file
        self.lines = lines
        self.depth = 0

    # -- helpers
    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def advance(self) -> Token:
        t = self.tok
        if t.kind != END:      # END is last: stay on it
            self.i += 1
            self.tok = self.toks[self.i]
        return t

    def replace(self, t: Token) -> None:
        """Read the current token as `t` instead (a glued `:name` split back into a name)."""
        self.toks[self.i] = self.tok = t

    def error(self, tok: Token, message: str, hint: str | None = None) -> _Fail:
        err = PhononError(message, file=self.file, line=tok.line, col=tok.col, hint=hint,
                          source_line=self.lines[tok.line - 1] if 0 < tok.line <= len(self.lines) else None)
        self.err = err
        return _Fail()

    def is_op(self, text: str) -> bool:
        return self.tok.kind == OP and self.tok.text == text

    # -- statements
    def statement(self) -> A.Statement:
        head = self.tok
        if head.kind == BUS:
            return self.bus_statement(head)
        if head.kind in (TEMPLATE, PATVAR):
            self.advance()
            self.separator(head, allow_dollar=False)
            kind = A.TemplateDef if head.kind == TEMPLATE else A.PatternDef
            return kind(head.value, self.expression_to_end(), _pos(head))
        if head.kind == NAME:
            return self.named_statement(head)
        if head.kind == OP:
            raise self.error(head, f"a line cannot start with '{head.text}': there is no statement to continue")
        raise self.error(head, f"expected a statement (~bus:, out: or tempo:), found {head.describe()}")

    def bus_statement(self, head: Token) -> A.BusDef:
        """`~name: expr`, `~name $ expr`, `~name a b $ expr` (function bus), `~name # expr`
        (modifier bus)."""
        self.advance()
        if self.is_op("#"):
            self.advance()
            return A.BusDef(head.value, self.expression_to_end("#"), _pos(head), modifier=True)
        k = self.i
        while self.toks[k].kind == NAME:
            k += 1
        params: list[str] = []
        after = self.toks[k]
        if k > self.i and (after.kind == COLON or (after.kind == OP and after.text == "$")):
            while self.tok.kind == NAME:
                params.append(self.param_name(params))
        self.separator(head, allow_dollar=True)
        return A.BusDef(head.value, self.expression_to_end(), _pos(head), tuple(params))

    def param_name(self, seen: list[str]) -> str:
        t = self.advance()
        if t.value in seen:
            raise self.error(t, f"parameter '{t.value}' is listed twice")
        return t.value

    def named_statement(self, head: Token) -> A.Statement:
        word = head.text
        if word == "fn" and self.peek().kind == NAME:
            return self.function_def(head)
        if word in TEMPO_WORDS:
            return self.tempo(head)
        if word in SETTING_WORDS and (self.peek().kind == COLON or (
                self.peek().kind == KW and not self.peek().space_before)):
            return self.setting(head)
        if OUTPUT_NAME.match(word):
            self.advance()
            self.separator(head, allow_dollar=True, allow_chain=True)
            return A.OutDef(word, self.expression_to_end(), _pos(head))
        m = COMMAND.match(word)
        if m:
            return self.command(head, m)
        raise self.unknown_statement(head)

    def unknown_statement(self, head: Token) -> _Fail:
        word = head.text
        nxt = self.peek()
        if nxt.kind == COLON or (nxt.kind == KW and not nxt.space_before):
            hint = did_you_mean(word, STATEMENT_HEADS)
            if word in ("o", "d"):
                hint = f"numbered outputs need a number: {word}1"
            return self.error(head, f"unknown statement '{word}:'",
                              hint or "a statement is ~bus: expr, out: expr, or tempo:/cps:/bpm: number")
        if is_command_like(self.toks):
            stem, digits = re.fullmatch(r"(.*?)(\d*)", word).groups()
            close = difflib.get_close_matches(stem, COMMAND_WORDS, n=1, cutoff=0.6)
            if close:
                fix = close[0] + (digits if close[0] in ("hush", "unhush") else "")
                return self.error(head, f"unknown statement '{word}'", f"did you mean '{fix}'?")
        line = self.lines[head.line - 1].strip() if 0 < head.line <= len(self.lines) else None
        return self.error(head, "expected a statement: ~bus: expr, out: expr, or tempo: number",
                          f"to send this to the speakers write 'out: {line}'" if line else None)

    def function_def(self, head: Token) -> A.FunctionDef:
        """`fn name a b = expr` (`:` is accepted for `=`)."""
        self.advance()
        name = self.advance()
        params: list[str] = []
        while self.tok.kind == NAME:
            params.append(self.param_name(params))
        t = self.tok
        if t.kind in (EQUALS, COLON):
            self.advance()
        elif t.kind == KW and not t.space_before:
            self.replace(Token(NAME, t.value, t.line, t.col + 1, False, value=t.value))
        else:
            raise self.error(t, f"expected '=' after the parameters of 'fn {name.text}', found "
                                f"{t.describe()}", f"fn {name.text} a b = expr")
        return A.FunctionDef(name.value, tuple(params), self.expression_to_end("="), _pos(head))

    def tempo(self, head: Token) -> A.Tempo:
        """`tempo: 2`, `cps: 2`, `bpm: 120`, `bpm: 120 "4/4"`."""
        self.advance()
        self.separator(head, allow_dollar=False)
        if self.tok.kind == END:
            raise self.error(self.tok, "expected an expression after ':'")
        value = self.expression()
        meter = None
        if head.text == "bpm" and self.tok.kind == STR:
            t = self.advance()
            if not re.fullmatch(r"\s*[1-9][0-9]*\s*/\s*[1-9][0-9]*\s*", t.value):
                raise self.error(t, f"bpm: expected a time signature like \"4/4\", found {t.text}")
            meter = t.value.replace(" ", "")
        self.end_of_statement()
        return A.Tempo(head.text, value, _pos(head), meter)

    def setting(self, head: Token) -> A.Setting:
        """`outmix: tanh`, `buffer: 1024` or `limiter: 0.95` / `limiter: off`."""
        self.advance()
        self.separator(head, allow_dollar=False)
        t = self.tok
        if head.text == "limiter" and t.kind == NAME and t.value == "off" and self.peek().kind == END:
            self.advance()
            return A.Setting("limiter", "off", _pos(head), _pos(t))
        if head.text in ("buffer", "limiter"):
            return A.Setting(head.text, self.expression_to_end(), _pos(head), _pos(t))
        if t.kind not in (NAME, STR) or self.peek().kind != END:
            raise self.error(t, "outmix expects one of " + ", ".join(OUTMIX_MODES),
                             "outmix: tanh")
        if t.value not in OUTMIX_MODES:
            raise self.error(t, f"unknown outmix mode '{t.value}'",
                             did_you_mean(t.value, OUTMIX_MODES) or "modes: " + " ".join(OUTMIX_MODES))
        self.advance()
        return A.Setting("outmix", t.value, _pos(head), _pos(t))

    def command(self, head: Token, m: re.Match) -> A.Command:
        """`hush`, `hush2`, `unhush`, `unhush2`, `panic`, `resetCycles`, `setCycle 4`, `nudge 0.1`."""
        self.advance()
        word = m.group(1) or m.group(3) or m.group(4)
        if self.tok.kind == COLON:
            self.advance()
        elif self.tok.kind == KW and not self.tok.space_before:
            t = self.tok
            self.replace(Token(NAME, t.value, t.line, t.col + 1, False, value=t.value))
        if word in ("setCycle", "nudge"):
            if self.tok.kind == END:
                raise self.error(self.tok, f"{word} needs a number of cycles",
                                 f"{word} {'4' if word == 'setCycle' else '0.1'}")
            return A.Command(word, _pos(head), value=self.expression_to_end())
        t = self.tok
        if t.kind != END:
            hint = (f"to silence output {t.text} alone write '{word}{t.text}'"
                    if word in ("hush", "unhush") and t.kind == NUM and not m.group(2) else None)
            raise self.error(t, f"'{head.text}' takes no argument, found {t.describe()}", hint)
        channel = int(m.group(2)) if m.group(2) else None
        return A.Command(word, _pos(head), channel=channel)

    def separator(self, head: Token, allow_dollar: bool, allow_chain: bool = False) -> None:
        t = self.tok
        if t.kind == COLON:
            self.advance()
            return
        if t.kind == KW and not t.space_before:
            # `~kick:s "bd"`: split the keyword token back into ':' and a name
            self.replace(Token(NAME, t.value, t.line, t.col + 1, False, value=t.value))
            return
        if allow_dollar and t.kind == OP and (t.text == "$" or (allow_chain and t.text == "#")):
            self.advance()
            return
        expected = "':' or '$'" if allow_dollar else "':'"
        hint = "bus definitions use ':' (~name: expr); functions are fn name a b = expr" \
            if t.kind == EQUALS else None
        raise self.error(t, f"expected {expected} after '{head.text}', found {t.describe()}", hint)

    def expression_to_end(self, after: str = ":") -> A.Expr:
        if self.tok.kind == END:
            raise self.error(self.tok, f"expected an expression after '{after}'")
        e = self.expression()
        self.end_of_statement()
        return e

    def end_of_statement(self) -> None:
        t = self.tok
        if t.kind != END:
            if t.kind in (RPAREN, RBRACK):
                raise self.error(t, f"unmatched '{t.text}'")
            if t.kind == COMMA:
                raise self.error(t, "unexpected ',' outside a list", "lists are written [a, b, c]")
            if t.kind == COLON:
                raise self.error(t, "unexpected ':'", "one statement per line; keyword arguments are ':name value'")
            if t.kind == EQUALS:
                raise self.error(t, "unexpected '='", "functions are defined with fn name a b = expr")
            raise self.error(t, f"unexpected {t.describe()} after the expression")

    # -- expressions
    def expression(self) -> A.Expr:
        """chain := apply ('#' apply)*"""
        first = self.apply()
        t = self.tok
        if t.kind != OP or t.text != "#":
            return first
        stages, ops = [first], []
        while t.kind == OP and t.text == "#":
            ops.append(_pos(self.advance()))
            stages.append(self.apply())
            t = self.tok
        return A.Chain(tuple(stages), tuple(ops), _start(first))

    def apply(self) -> A.Expr:
        """apply := sum ('$' sum)*   (right-associative; kept flat)"""
        first = self.sum()
        t = self.tok
        if t.kind != OP or t.text != "$":
            return first
        parts, ops = [first], []
        while t.kind == OP and t.text == "$":
            ops.append(_pos(self.advance()))
            parts.append(self.sum())
            t = self.tok
        return A.Apply(tuple(parts), tuple(ops), _start(first))

    def sum(self, level: int = 1) -> A.Expr:
        """sum := product (('+' | '-' | '|+' | '+|' | '|<' | ...) product)*
        product := unary (('*' | '/' | '|*' | '*|' | '|%' | ...) unary)*
        (by precedence climbing: `level` 1 parses a sum, 2 a product, 3 a unary operand)"""
        left = self.unary()
        t = self.tok
        while t.kind == OP:
            level_of_op = _BINARY_LEVEL.get(t.text, 0)
            if level_of_op < level:
                break
            self.advance()
            left = A.BinOp(t.text, left, self.sum(level_of_op + 1), _pos(t))
            t = self.tok
        return left

    def unary(self) -> A.Expr:
        op = self.tok
        if op.kind == OP and op.text == "-":
            self.advance()
            self.enter(op)
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, A.Number):
                return A.Number(-operand.value, _pos(op), "-" + operand.text)
            return A.Neg(operand, _pos(op))
        return self.call()

    def call(self) -> A.Expr:
        t = self.tok
        if t.kind != NAME:
            atom = self.atom()
            if isinstance(atom, A.BusRef) and (self.tok.kind in _ATOM_START or self.tok.kind == KW):
                if self.tok.kind == KW:
                    raise self.error(self.tok, f"'~{atom.name}' takes no keyword arguments")
                args: list[A.Expr] = []
                while self.starts_argument() and self.tok.kind != KW:
                    args.append(self.argument())
                return A.BusCall(atom.name, tuple(args), atom.pos)
            return atom
        self.advance()
        args: list[A.Expr] = []
        kws: list[A.Keyword] = []
        while self.starts_argument():
            k = self.tok
            if k.kind == KW:
                self.advance()
                if not self.starts_argument():
                    raise self.error(self.tok, f"expected a value after '{k.text}', found {self.tok.describe()}")
                kws.append(A.Keyword(k.value, self.argument(), _pos(k)))
            else:
                args.append(self.argument())
        return A.Call(t.value, tuple(args), tuple(kws), _pos(t))

    def starts_argument(self) -> bool:
        t = self.tok
        if t.kind in _ATOM_START or t.kind == KW:
            return True
        # `range -1 1`: a '-' glued to a number and preceded by a space is a negative literal
        nxt = self.peek()
        return (t.kind == OP and t.text == "-" and t.space_before and nxt.kind == NUM
                and not nxt.space_before)

    def argument(self) -> A.Expr:
        if self.is_op("-"):
            op = self.advance()
            num = self.advance()
            return A.Number(-num.value, _pos(op), "-" + num.text)
        return self.atom()

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(tok, f"expression nested too deeply (more than {MAX_DEPTH} levels)")

    def atom(self) -> A.Expr:
        t = self.tok
        if t.kind == NUM:
            self.advance()
            return A.Number(t.value, _pos(t), t.text)
        if t.kind == STR:
            self.advance()
            return A.String(t.value, _pos(t))
        if t.kind == BUS:
            self.advance()
            return A.BusRef(t.value, _pos(t))
        if t.kind == NAME:
            self.advance()
            return A.Call(t.value, (), (), _pos(t))
        if t.kind == TEMPLATE:
            self.advance()
            return A.TemplateRef(t.value, _pos(t))
        if t.kind == PATVAR:
            self.advance()
            return A.PatternRef(t.value, _pos(t))
        if t.kind == LPAREN:
            self.enter(t)
            self.advance()
            if self.tok.kind == RPAREN:
                raise self.error(self.tok, "empty parentheses: expected an expression")
            if self.is_op("#"):
                op = self.advance()
                body = self.expression()
                self.close(t, RPAREN)
                self.depth -= 1
                return A.Section(body, _pos(op))
            inner = self.expression()
            self.close(t, RPAREN)
            self.depth -= 1
            return A.Paren(inner, _pos(t))
        if t.kind == LBRACK:
            self.enter(t)
            self.advance()
            items: list[A.Expr] = []
            if self.tok.kind != RBRACK:
                items.append(self.expression())
                while self.tok.kind == COMMA:
                    self.advance()
                    items.append(self.expression())
            self.close(t, RBRACK)
            self.depth -= 1
            return A.ListExpr(tuple(items), _pos(t))
        if t.kind == END:
            raise self.error(t, "expected an expression, found the end of the line")
        if t.kind == KW:
            raise self.error(t, f"keyword argument '{t.text}' must follow a function name",
                             f"like 'lpf {t.text} ...'")
        if t.kind == OP:
            raise self.error(t, f"expected an expression before '{t.text}'")
        raise self.error(t, f"expected an expression, found {t.describe()}")

    def close(self, opener: Token, kind: str) -> None:
        t = self.tok
        if t.kind == kind:
            self.advance()
            return
        if opener.kind == LBRACK and t.kind not in (END,):
            raise self.error(t, f"expected ',' or ']' in the list opened at {opener.line}:{opener.col}, "
                                f"found {t.describe()}")
        raise self.error(t, f"expected '{kind}' to close the '{opener.text}' at {opener.line}:{opener.col}, "
                            f"found {t.describe()}")


def _start(e: A.Expr) -> A.Pos:
    while True:
        if isinstance(e, A.BinOp):
            e = e.left
        elif isinstance(e, (A.Chain,)):
            e = e.stages[0]
        elif isinstance(e, A.Apply):
            e = e.parts[0]
        else:
            return e.pos


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: parsing and compiling allocate many small acyclic
    objects, and collections triggered meanwhile would only cost time."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def parse_with_errors(source: str, file: str = "<input>") -> tuple[A.Program, list[PhononError]]:
    """Parse every statement; return the program (good statements) and all errors found."""
    with no_gc():
        return _parse(source, file)


def _parse(source: str, file: str) -> tuple[A.Program, list[PhononError]]:
    if source.startswith("\ufeff"):      # a byte-order mark from some editors
        source = source[1:]
    lines = source.splitlines()
    program = A.Program([], file, lines)
    errors: list[PhononError] = []
    for toks in split_statements(source):
        bad = [t for t in toks if t.kind == BAD]
        if bad or toks[0].kind == BUS:
            if toks[0].kind == BUS:
                program.broken_buses.add(toks[0].value)   # removed again below if it parses
        if bad:
            errors.extend(bad_token_error(t, file, lines) for t in bad)
            continue
        p = _StatementParser(toks, file, lines)
        try:
            program.statements.append(p.statement())
            if toks[0].kind == BUS:
                program.broken_buses.discard(toks[0].value)
        except _Fail:
            errors.append(p.err)
    return program, errors


def parse(source: str, file: str = "<input>") -> A.Program:
    """Parse program text into an `ast.Program`; raises `PhononErrors` listing every syntax error."""
    program, errors = parse_with_errors(source, file)
    if errors:
        raise PhononErrors(errors)
    return program

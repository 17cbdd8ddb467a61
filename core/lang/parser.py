"""Recursive-descent parser: statements of tokens -> `ast.Program`.

Hand-written (rather than generated) so that every error says what was expected at the exact
token, and so that one bad statement does not hide the problems in the next ones: each
statement is parsed on its own and all errors are reported together.

Expression precedence, lowest first: `#` chain (left to right), `$` application (right
associative), `+ -`, `* /`, unary `-`, then calls `name arg ...` and atoms.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

from ..errors import PhononError, PhononErrors, did_you_mean
from . import ast as A
from .lexer import (BAD, BUS, COLON, COMMA, END, KW, LBRACK, LPAREN, NAME, NUM, OP, OUTPUT_NAME,
                    RBRACK, RPAREN, STR, TEMPO_WORDS, Token, bad_token_error, split_statements)

MAX_DEPTH = 64          # nesting limit for parentheses/lists/unary minus (no stack overflow)
_ATOM_START = (NUM, STR, BUS, NAME, LPAREN, LBRACK)


class _Fail(Exception):
    """Internal: abort the current statement (the error is already recorded)."""


def _pos(t: Token) -> A.Pos:
    return A.Pos(t.line, t.col)


class _StatementParser:
    def __init__(self, toks: list[Token], file: str, lines: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.file = file
        self.lines = lines
        self.depth = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def advance(self) -> Token:
        t = self.toks[self.i]
        if t.kind != END:      # END is last: stay on it
            self.i += 1
        return t

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
            self.advance()
            self.separator(head, allow_dollar=True)
            return A.BusDef(head.value, self.expression_to_end(), _pos(head))
        if head.kind == NAME:
            word = head.text
            if word in TEMPO_WORDS:
                self.advance()
                self.separator(head, allow_dollar=False)
                return A.Tempo(word, self.expression_to_end(), _pos(head))
            if OUTPUT_NAME.match(word):
                self.advance()
                self.separator(head, allow_dollar=True)
                return A.OutDef(word, self.expression_to_end(), _pos(head))
            nxt = self.peek()
            if nxt.kind == COLON or (nxt.kind == KW and not nxt.space_before):
                hint = did_you_mean(word, ("tempo", "cps", "bpm", "out"))
                if word in ("o", "d"):
                    hint = f"numbered outputs need a number: {word}1"
                raise self.error(head, f"unknown statement '{word}:'",
                                 hint or "a statement is ~bus: expr, out: expr, or tempo:/cps:/bpm: number")
            raise self.error(head, "expected a statement: ~bus: expr, out: expr, or tempo: number",
                             f"to send this to the speakers write 'out: {self.lines[head.line - 1].strip()}'"
                             if 0 < head.line <= len(self.lines) else None)
        if head.kind == OP:
            raise self.error(head, f"a line cannot start with '{head.text}': there is no statement to continue")
        raise self.error(head, f"expected a statement (~bus:, out: or tempo:), found {head.describe()}")

    def separator(self, head: Token, allow_dollar: bool) -> None:
        t = self.tok
        if t.kind == COLON:
            self.advance()
            return
        if t.kind == KW and not t.space_before:
            # `~kick:s "bd"`: split the keyword token back into ':' and a name
            self.toks[self.i] = Token(NAME, t.value, t.line, t.col + 1, False, value=t.value)
            return
        if allow_dollar and t.kind == OP and t.text == "$":
            self.advance()
            return
        expected = "':' or '$'" if allow_dollar else "':'"
        raise self.error(t, f"expected {expected} after '{head.text}', found {t.describe()}")

    def expression_to_end(self) -> A.Expr:
        if self.tok.kind == END:
            raise self.error(self.tok, "expected an expression after ':'")
        e = self.expression()
        t = self.tok
        if t.kind != END:
            if t.kind in (RPAREN, RBRACK):
                raise self.error(t, f"unmatched '{t.text}'")
            if t.kind == COMMA:
                raise self.error(t, "unexpected ',' outside a list", "lists are written [a, b, c]")
            if t.kind == COLON:
                raise self.error(t, "unexpected ':'", "one statement per line; keyword arguments are ':name value'")
            raise self.error(t, f"unexpected {t.describe()} after the expression")
        return e

    # -- expressions
    def expression(self) -> A.Expr:
        """chain := apply ('#' apply)*"""
        first = self.apply()
        stages, ops = [first], []
        while self.is_op("#"):
            ops.append(_pos(self.advance()))
            stages.append(self.apply())
        if len(stages) == 1:
            return first
        return A.Chain(tuple(stages), tuple(ops), _start(first))

    def apply(self) -> A.Expr:
        """apply := sum ('$' sum)*   (right-associative; kept flat)"""
        first = self.sum()
        parts, ops = [first], []
        while self.is_op("$"):
            ops.append(_pos(self.advance()))
            parts.append(self.sum())
        if len(parts) == 1:
            return first
        return A.Apply(tuple(parts), tuple(ops), _start(first))

    def sum(self) -> A.Expr:
        left = self.product()
        while self.is_op("+") or self.is_op("-"):
            op = self.advance()
            left = A.BinOp(op.text, left, self.product(), _pos(op))
        return left

    def product(self) -> A.Expr:
        left = self.unary()
        while self.is_op("*") or self.is_op("/"):
            op = self.advance()
            left = A.BinOp(op.text, left, self.unary(), _pos(op))
        return left

    def unary(self) -> A.Expr:
        if self.is_op("-"):
            op = self.advance()
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
                nxt = self.tok
                raise self.error(nxt, f"unexpected {nxt.describe()} after '~{atom.name}': a bus takes no arguments",
                                 f"did you mean '~{atom.name} + ...' or '~{atom.name} # ...'?")
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

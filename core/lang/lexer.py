"""Tokens and statements: turns program text into one token list per statement.

Rules (see docs/language.md):
- `--` starts a comment that runs to the end of the line.
- A statement is one line. A line continues the previous statement when it starts with an
  operator (`# $ + - * /`), when it is indented and does not look like a statement head
  (`~name:`, `~name $`, `name:`, `out $`), or while a `(` or `[` is still open.
- A `:` directly followed by a name is a keyword argument (`:cutoff`); any other `:` separates
  a statement head from its expression.
- A `-` with a space before it and a digit right after it (`range -1 1`) is part of a negative
  number literal; otherwise it is the minus operator.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import PhononError

# token kinds
NUM, STR, BUS, NAME, KW, COLON, OP, LPAREN, RPAREN, LBRACK, RBRACK, COMMA, END, BAD = (
    "number", "string", "bus", "name", "keyword", ":", "operator", "(", ")", "[", "]", ",",
    "end of line", "bad")

OPERATORS = "#$+-*/"
OUTPUT_NAME = re.compile(r"(out\d*|o\d+|d\d+)\Z")
TEMPO_WORDS = ("tempo", "cps", "bpm")
_INF = float("inf")


class Token(NamedTuple):
    kind: str
    text: str
    line: int
    col: int
    space_before: bool = True     # whitespace (or line start) right before the token
    value: object = None          # number value, string contents, name; hint for BAD tokens
    message: str = ""             # for BAD tokens: what is wrong

    def describe(self) -> str:
        if self.kind == END:
            return "the end of the line"
        if self.kind == STR:
            return f"string {self.text}"
        if self.kind == NUM:
            return f"number {self.text}"
        if self.kind == BUS:
            return f"bus '{self.text}'"
        if self.kind == KW:
            return f"keyword '{self.text}'"
        return f"'{self.text}'"


_IDENT_RE = r"[A-Za-z_][A-Za-z0-9_]*'?"
_TOKEN = re.compile(rf"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<comment>--.*)
  | (?P<str>"[^"]*")
  | (?P<badstr>".*)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?P<tail>{_IDENT_RE})?
  | (?P<name>{_IDENT_RE})
  | (?P<bus>~{_IDENT_RE})
  | (?P<tilde>~)
  | (?P<kw>:{_IDENT_RE})
  | (?P<colon>:)
  | (?P<op>[#$+\-*/])
  | (?P<punct>[()\[\],])
  | (?P<other>.)
""", re.X)

_HINTS = {
    "'": "strings use double quotes: \"bd sn\"",
    "=": "bus definitions use ':' (~name: expr), keyword arguments ':name value'",
    "|": "'|' is only meaningful inside a mini-notation string",
}


def _line_tokens(text: str, lineno: int) -> list[Token]:
    """Tokenize one physical line (comments dropped)."""
    toks: list[Token] = []
    append = toks.append
    pos, n = 0, len(text)
    space = True
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        kind = m.lastgroup
        tok = m.group()
        col = pos + 1
        pos = m.end()
        if kind == "ws":
            space = True
            continue
        if kind == "comment":
            break
        if kind == "name":
            append(Token(NAME, tok, lineno, col, space, tok))
        elif kind == "num" or kind == "tail":
            if m.group("tail"):
                append(Token(BAD, tok, lineno, col, space, message=f"invalid number '{tok}'"))
            else:
                value = float(tok)
                if value == _INF:
                    append(Token(BAD, tok, lineno, col, space, message=f"number '{tok}' is too large"))
                else:
                    append(Token(NUM, tok, lineno, col, space, value))
        elif kind == "str":
            append(Token(STR, tok, lineno, col, space, tok[1:-1]))
        elif kind == "op":
            append(Token(OP, tok, lineno, col, space))
        elif kind == "punct":
            append(Token(tok, tok, lineno, col, space))
        elif kind == "bus":
            append(Token(BUS, tok, lineno, col, space, tok[1:]))
        elif kind == "kw":
            append(Token(KW, tok, lineno, col, space, tok[1:]))
        elif kind == "colon":
            append(Token(COLON, tok, lineno, col, space))
        elif kind == "badstr":
            append(Token(BAD, tok, lineno, col, space, message="unterminated string: missing the closing '\"'"))
            break
        elif kind == "tilde":
            append(Token(BAD, tok, lineno, col, space, message="expected a bus name after '~' (like ~drums)"))
        else:
            append(Token(BAD, tok, lineno, col, space, _HINTS.get(tok), f"unexpected character '{tok}'"))
        space = False
    return toks


def _is_head(toks: list[Token]) -> bool:
    """Does this line start a statement (`~name:`, `~name $`, `name:`, `out $`)?"""
    if len(toks) < 2:
        return False
    first, second = toks[0], toks[1]
    if first.kind == BUS:
        return second.kind == COLON or (second.kind == KW and not second.space_before) or (
            second.kind == OP and second.text == "$")
    if first.kind == NAME:
        if second.kind == COLON or (second.kind == KW and not second.space_before):
            return True
        return OUTPUT_NAME.match(first.text) is not None and second.kind == OP and second.text == "$"
    return False


def split_statements(source: str) -> list[list[Token]]:
    """Tokenize `source` and group the tokens into statements (each ends with an END token)."""
    statements: list[list[Token]] = []
    current: list[Token] = []
    depth = 0
    for lineno, text in enumerate(source.splitlines(), start=1):
        toks = _line_tokens(text, lineno)
        if not toks:
            continue
        first = toks[0]
        starts_new = False
        if not current:
            starts_new = True
        elif depth > 0:
            # an unclosed bracket swallows lines, but never a statement head at column 1
            starts_new = first.col == 1 and _is_head(toks)
        elif first.kind == OP:
            starts_new = False
        elif first.col == 1 or _is_head(toks):
            starts_new = True
        if starts_new and current:
            statements.append(current + [Token(END, "", current[-1].line,
                                               current[-1].col + len(current[-1].text), True)])
            current = []
            depth = 0
        for t in toks:
            if t.kind in (LPAREN, LBRACK):
                depth += 1
            elif t.kind in (RPAREN, RBRACK):
                depth = max(0, depth - 1)
        current.extend(toks)
    if current:
        statements.append(current + [Token(END, "", current[-1].line,
                                           current[-1].col + len(current[-1].text), True)])
    return statements


def bad_token_error(tok: Token, file: str, lines: list[str]) -> PhononError:
    return PhononError(tok.message, file=file, line=tok.line, col=tok.col, hint=tok.value,
                       source_line=lines[tok.line - 1] if 0 < tok.line <= len(lines) else None)

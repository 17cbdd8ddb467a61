"""Tokens and statements: turns program text into one token list per statement.

Rules (see docs/language.md):
- `--` starts a comment that runs to the end of the line.
- A statement is one line. A line continues the previous statement when it starts with an
  operator (`# $ + - * /`, `|+`, ...), when it is indented and does not look like a statement
  head (`~name:`, `~name $`, `~name a b $`, `name:`, `@name:`, `%name:`, `out $`, `fn name`,
  `hush`, `setCycle 4`, ...), or while a `(` or `[` is still open.
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
TEMPLATE, PATVAR, EQUALS = "template", "pattern variable", "="

OUTPUT_NAME = re.compile(r"(out\d*|o\d+|d\d+)\Z")
TEMPO_WORDS = ("tempo", "cps", "bpm")
SETTING_WORDS = ("outmix", "buffer", "limiter")
# statements that are a word (and a number): hush, hush2, unhush, unhush2, panic, resetCycles,
# setCycle 4, nudge 0.1
COMMAND = re.compile(r"(hush|unhush)(\d*)\Z|(panic|resetCycles)\Z|(setCycle|nudge)\Z")
COMMAND_WORDS = ("hush", "unhush", "panic", "resetCycles", "setCycle", "nudge")
_INF = float("inf")
_new_tuple = tuple.__new__


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
#: one token and the whitespace before it (group `ws`, possibly empty, possessive: never
#: given back to `other`): one match per token
_TOKEN = re.compile(rf"""
    (?P<ws>[ \t\r\f\v]*+)
  (?:
    (?P<comment>--.*)
  | (?P<str>"[^"]*")
  | (?P<badstr>".*)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?P<tail>{_IDENT_RE})?
  | (?P<name>{_IDENT_RE})
  | (?P<bus>~{_IDENT_RE})
  | (?P<sigop>~[+\-*/])
  | (?P<tilde>~)
  | (?P<template>@{_IDENT_RE})
  | (?P<patvar>%{_IDENT_RE})
  | (?P<kw>:{_IDENT_RE})
  | (?P<colon>:)
  | (?P<op>\|[+\-*/%<>]\|?|[+\-*/%<>]\||[#$+\-*/])
  | (?P<equals>=)
  | (?P<punct>[()\[\],])
  | (?P<other>.)
  )
""", re.X)

_HINTS = {
    "'": "strings use double quotes: \"bd sn\"",
    "|": "'|' alone is only meaningful inside a mini-notation string; between patterns Tidal's "
         "operators are |+ +| |+| |- |* |/ |% |< |> (the bar marks where the structure comes from)",
    "%": "a pattern variable is %name (define it with %name: \"1 2 4\"); modulo between patterns "
         "is |% or %|",
    "@": "a template is @name (define it with @name: expr)",
    "<": "'<' alone is not an operator: Tidal's |< and <| keep the left side's values",
    ">": "'>' alone is not an operator: Tidal's |> and >| take the right side's values",
}

#: token groups whose value is the text after their sigil (@name, %name, ~bus, :keyword)
_SIGILED = {"template": TEMPLATE, "patvar": PATVAR, "bus": BUS, "kw": KW}
#: token groups without a value
_BARE = {"op": OP, "sigop": OP, "equals": EQUALS, "colon": COLON}


def _line_tokens(text: str, lineno: int) -> list[Token]:
    """Tokenize one physical line (comments dropped)."""
    toks: list[Token] = []
    append = toks.append
    for m in _TOKEN.finditer(text):      # (a line's trailing whitespace matches nothing)
        group = m.lastgroup
        start = m.end(1)                 # the token's first character (group 1: whitespace)
        tok = text[start:m.end()]
        value: object = None
        message = ""
        if group == "comment":
            break
        if group == "name":
            kind, value = NAME, tok
        elif group == "num" or group == "tail":
            kind = NUM
            if m.group("tail"):
                kind, message = BAD, f"invalid number '{tok}'"
            else:
                value = float(tok)
                if value == _INF:
                    kind, value, message = BAD, None, f"number '{tok}' is too large"
        elif group in _SIGILED:
            kind, value = _SIGILED[group], tok[1:]
        elif group in _BARE:
            kind = _BARE[group]
        elif group == "str":
            kind, value = STR, tok[1:-1]
        elif group == "punct":
            kind = tok
        elif group == "badstr":
            kind, message = BAD, "unterminated string: missing the closing '\"'"
        elif group == "tilde":
            kind, message = BAD, "expected a bus name after '~' (like ~drums)"
        else:
            kind, value, message = BAD, _HINTS.get(tok), f"unexpected character '{tok}'"
        # Token(...) without NamedTuple's keyword-handling constructor (every field given)
        append(_new_tuple(Token, (kind, tok, lineno, start + 1, start == 0 or start > m.start(),
                                  value, message)))
        if group == "badstr":
            break
    return toks


def _separates(t: Token) -> bool:
    """Is `t` the separator of a statement head (`:` or a glued `:name`)?"""
    return t.kind == COLON or (t.kind == KW and not t.space_before)


def is_command(toks: list[Token]) -> bool:
    """Is this line a command statement (`hush`, `hush2`, `panic`, `setCycle 4`, `nudge -0.1`)?"""
    return toks[0].kind == NAME and COMMAND.match(toks[0].text) is not None and is_command_like(toks)


def is_command_like(toks: list[Token]) -> bool:
    """Is this line shaped like a command: a word, optionally ':' and a (negative) number?"""
    if toks[0].kind != NAME:
        return False
    rest = [t for t in toks[1:] if t.kind != END]
    if rest and _separates(rest[0]):
        rest = rest[1:]
    if rest and rest[0].kind == OP and rest[0].text == "-":
        rest = rest[1:]
    return not rest or (len(rest) == 1 and rest[0].kind == NUM)


def _is_head(toks: list[Token]) -> bool:
    """Does this line start a statement (`~name:`, `~name $`, `~f a b $`, `name:`, `@name:`,
    `%name:`, `out $`, `fn name`, a command such as `hush`)?"""
    first = toks[0]
    if is_command(toks):
        return True
    if len(toks) < 2:
        return False
    second = toks[1]
    if first.kind == BUS:
        if _separates(second) or (second.kind == OP and second.text == "$"):
            return True
        k = 1                              # a function bus: ~name a b $ expr
        while k < len(toks) and toks[k].kind == NAME:
            k += 1
        return k > 1 and k < len(toks) and (toks[k].kind == COLON or (
            toks[k].kind == OP and toks[k].text == "$"))
    if first.kind in (TEMPLATE, PATVAR):
        return _separates(second)
    if first.kind == NAME:
        if _separates(second):
            return True
        if first.text == "fn" and second.kind == NAME:
            return True
        return OUTPUT_NAME.match(first.text) is not None and second.kind == OP and second.text in "$#"
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

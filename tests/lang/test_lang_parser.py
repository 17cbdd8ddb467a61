"""Parser: statement forms, precedence, continuation lines, literals, positions."""
from __future__ import annotations

import pytest

from phonon.errors import PhononErrors
from phonon.lang import ast as A
from phonon.lang import parse


def expr(src: str) -> A.Expr:
    return parse(f"out: {src}").statements[0].value


def show(e: A.Expr) -> str:
    """A fully bracketed rendering of an expression (to pin precedence)."""
    if isinstance(e, A.Number):
        return f"{e.value:g}"
    if isinstance(e, A.String):
        return f'"{e.text}"'
    if isinstance(e, A.BusRef):
        return "~" + e.name
    if isinstance(e, A.Call):
        parts = [e.name] + [show(a) for a in e.args] + [f":{k.name} {show(k.value)}" for k in e.keywords]
        return "(" + " ".join(parts) + ")" if len(parts) > 1 else e.name
    if isinstance(e, A.ListExpr):
        return "[" + ", ".join(show(x) for x in e.items) + "]"
    if isinstance(e, A.BinOp):
        return f"({show(e.left)} {e.op} {show(e.right)})"
    if isinstance(e, A.Neg):
        return f"(-{show(e.operand)})"
    if isinstance(e, A.Chain):
        return "{" + " # ".join(show(s) for s in e.stages) + "}"
    if isinstance(e, A.Apply):
        return "<" + " $ ".join(show(s) for s in e.parts) + ">"
    if isinstance(e, A.Section):
        return f"(# {show(e.body)})"
    if isinstance(e, A.Paren):
        return show(e.expr)
    raise AssertionError(e)


@pytest.mark.parametrize("src, shape", [
    ("1 + 2 * 3", "(1 + (2 * 3))"),
    ("1 * 2 + 3", "((1 * 2) + 3)"),
    ("1 - 2 - 3", "((1 - 2) - 3)"),
    ("8 / 2 / 2", "((8 / 2) / 2)"),
    ("(1 + 2) * 3", "((1 + 2) * 3)"),
    ("-~a * 2", "((-~a) * 2)"),
    ("- sine 2", "(-(sine 2))"),
    ("~a + ~b # reverb 0.5", "{(~a + ~b) # (reverb 0.5)}"),
    ("~a # lpf 800 # reverb", "{~a # (lpf 800) # reverb}"),
    ('s "bd" $ fast 2 # gain 0.5', '{<(s "bd") $ (fast 2)> # (gain 0.5)}'),
    ('fast 2 $ rev $ s "bd"', '<(fast 2) $ rev $ (s "bd")>'),
    ('s "bd sn" $ every 3 (fast 2)', '<(s "bd sn") $ (every 3 (fast 2))>'),
    ("lpf (sine 0.25 * 1500 + 2000) 0.8", "(lpf (((sine 0.25) * 1500) + 2000) 0.8)"),
    ("lpf :cutoff 800 :q 2", "(lpf :cutoff 800 :q 2)"),
    ("reverb 0.8 0.5 :mix 0.2", "(reverb 0.8 0.5 :mix 0.2)"),
    ("range -1 1 (sine 2)", "(range -1 1 (sine 2))"),
    ("sine 2 - 1", "((sine 2) - 1)"),
    ("sine 2 -1", "(sine 2 -1)"),
    ("sine 2-1", "((sine 2) - 1)"),
    ("~a -1", "(~a - 1)"),
    ("2 -1", "(2 - 1)"),
    ("vst3 \"ZamComp\" :Threshold -20", "(vst3 \"ZamComp\" :Threshold -20)"),
    ("[1, sine 2, \"a b\"]", '[1, (sine 2), "a b"]'),
    ("[]", "[]"),
    ("stack [s \"bd\", s \"hh*2\" # gain 0.5]", '(stack [(s "bd"), {(s "hh*2") # (gain 0.5)}])'),
    ("every 3 (# speed 2 # gain 0.8) $ s \"bd\"", '<(every 3 (# {(speed 2) # (gain 0.8)})) $ (s "bd")>'),
    ("saw 110 # lpf 1000 0.8 * 0.3", "{(saw 110) # ((lpf 1000 0.8) * 0.3)}"),
    ("every 3 rev $ ~x", "<(every 3 rev) $ ~x>"),
])
def test_precedence(src: str, shape: str) -> None:
    assert show(expr(src)) == shape


@pytest.mark.parametrize("text, value", [
    ("2", 2.0), ("0.5", 0.5), (".5", 0.5), ("1e3", 1000.0), ("1.5e-3", 0.0015), ("-1", -1.0),
    ("2.", 2.0), ("-.25", -0.25),
])
def test_numbers(text: str, value: float) -> None:
    e = expr(text)
    assert isinstance(e, A.Number) and e.value == value


def test_statement_forms_and_positions() -> None:
    prog = parse(
        "-- a comment line\n"
        "tempo: 2\n"
        "cps: 0.5 -- trailing comment\n"
        "bpm: 120\n"
        "~kick: s \"bd*4\"\n"
        "~snare $ s \"~ sn\"\n"
        "out: ~kick\n"
        "out $ ~kick\n"
        "out2: ~snare\n"
        "d1 $ ~snare\n"
        "o3: ~kick\n",
        file="f.ph")
    kinds = [(type(s).__name__, getattr(s, "name", getattr(s, "unit", None)), s.pos.line, s.pos.col)
             for s in prog.statements]
    assert kinds == [
        ("Tempo", "tempo", 2, 1), ("Tempo", "cps", 3, 1), ("Tempo", "bpm", 4, 1),
        ("BusDef", "kick", 5, 1), ("BusDef", "snare", 6, 1), ("OutDef", "out", 7, 1),
        ("OutDef", "out", 8, 1), ("OutDef", "out2", 9, 1), ("OutDef", "d1", 10, 1), ("OutDef", "o3", 11, 1),
    ]
    kick = prog.statements[3].value
    assert kick.pos == A.Pos(5, 8) and kick.args[0].pos == A.Pos(5, 10)
    assert prog.file == "f.ph"


def test_no_space_after_colon() -> None:
    st = parse('~kick:s "bd"').statements[0]
    assert isinstance(st, A.BusDef) and st.value.name == "s" and st.value.pos == A.Pos(1, 7)


def test_continuation_lines() -> None:
    prog = parse(
        "~a: saw 110\n"
        "  # lpf 800\n"
        "# reverb 0.3\n"
        "    * 0.5\n"
        "out: stack [\n"
        "  ~a,\n"
        "  ~a\n"
        "]\n"
        "~b: fast 2\n"
        "  $ s \"bd\"\n")
    assert len(prog.statements) == 3
    assert show(prog.statements[0].value) == "{(saw 110) # (lpf 800) # ((reverb 0.3) * 0.5)}"
    assert show(prog.statements[1].value) == "(stack [~a, ~a])"
    assert show(prog.statements[2].value) == '<(fast 2) $ (s "bd")>'


def test_indented_statement_head_starts_a_new_statement() -> None:
    prog = parse("~a: sine 1\n  ~b: sine 2\n  out: ~a + ~b\n")
    assert [type(s).__name__ for s in prog.statements] == ["BusDef", "BusDef", "OutDef"]


def test_indented_argument_continues() -> None:
    prog = parse("out: lpf\n   800 0.7\n   (saw 110)\n")
    assert show(prog.statements[0].value) == "(lpf 800 0.7 (saw 110))"


def test_all_syntax_errors_are_reported_in_one_pass() -> None:
    with pytest.raises(PhononErrors) as info:
        parse("~a: sine (2\nout: ~a +\n~b: 'x'\nout2: sine 1\n", file="e.ph")
    got = [(e.line, e.col) for e in info.value.errors]
    assert got == [(1, 12), (2, 10), (3, 5)]


def test_comment_marker_inside_a_string_is_text() -> None:
    e = expr('s "bd -- sn"')
    assert e.args[0].text == "bd -- sn"


def test_hash_and_dollar_sections() -> None:
    e = expr("(# gain 2)")
    assert isinstance(e, A.Section) and show(e.body) == "(gain 2)"


def test_unclosed_bracket_does_not_swallow_the_next_statement() -> None:
    from phonon.lang import parse_with_errors
    prog, errors = parse_with_errors("out: lpf (sine 1\n~b: sine 2\nout2: ~b\n", file="u.ph")
    assert [(e.line, e.col, e.message) for e in errors] == [
        (1, 17, "expected ')' to close the '(' at 1:10, found the end of the line")]
    assert [type(s).__name__ for s in prog.statements] == ["BusDef", "OutDef"]


def test_open_bracket_joins_lines_until_closed() -> None:
    prog = parse("out: lpf (sine 0.5\n  * 100 + 200\n) 0.7 $ saw 110\n")
    assert show(prog.statements[0].value) == "<(lpf (((sine 0.5) * 100) + 200) 0.7) $ (saw 110)>"


def test_tokens_keep_their_original_positions_across_continuations() -> None:
    prog = parse("~a: saw 110\n    # lpf 800\n")
    chain = prog.statements[0].value
    assert chain.ops == (A.Pos(2, 5),) and chain.stages[1].pos == A.Pos(2, 7)


@pytest.mark.parametrize("src", ["every' 3 rev", "x_1", "_private"])
def test_identifier_forms(src: str) -> None:
    assert isinstance(expr(src), A.Call)


def test_unicode_is_rejected_cleanly() -> None:
    with pytest.raises(PhononErrors) as info:
        parse("out: sîne 2")
    (e,) = info.value.errors
    assert (e.line, e.col, e.message) == (1, 7, "unexpected character 'î'")


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    prog = parse("\ufeff~a: sine 1\r\nout: ~a\r\n")
    assert [type(s).__name__ for s in prog.statements] == ["BusDef", "OutDef"]
    assert prog.statements[1].value.pos == A.Pos(2, 6)

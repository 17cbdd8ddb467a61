"""Broken programs: each pins the exact line, column, message and hint of its error."""
from __future__ import annotations

import pytest

from phonon.errors import PhononError, PhononErrors
from tests.lang.lang_fixtures import compile_test

# (program, line, col, message, hint or None)
BROKEN = [
    ("out: lfp 800", 1, 6, "unknown function 'lfp'", "did you mean 'lpf'?"),
    ("out: sine 440 # lpf 800 0.7 0.2", 1, 29, "lpf takes at most 2 arguments (cutoff, q), got 3", None),
    ("out: sine 440 # lpf :cutof 800", 1, 21, "lpf has no parameter ':cutof'", "did you mean 'cutoff'?"),
    ("out: sine 440 # lpf [1, 2]", 1, 21, "lpf: cutoff expects a number, pattern or signal, got a list", None),
    ('~drums: s "bd"\nout: ~drusm', 2, 6, "unknown bus '~drusm'", "did you mean '~drums'?"),
    ('out: s "bd sn', 1, 8, "unterminated string: missing the closing '\"'", None),
    ("out: sine 440 +", 1, 16, "expected an expression, found the end of the line", None),
    ("out: (sine 440", 1, 15, "expected ')' to close the '(' at 1:6, found the end of the line", None),
    ("out: sine 440)", 1, 14, "unmatched ')'", None),
    ("out: [1, 2", 1, 11, "expected ']' to close the '[' at 1:6, found the end of the line", None),
    ("~x = sine 2", 1, 4, "expected ':' or '$' after '~x', found '='",
     "bus definitions use ':' (~name: expr); functions are fn name a b = expr"),
    ("out: s 'bd'", 1, 8, "unexpected character '''", 'strings use double quotes: "bd sn"'),
    ("tmepo: 2", 1, 1, "unknown statement 'tmepo:'", "did you mean 'tempo'?"),
    ('tempo: "fast"', 1, 8, "tempo expects a number, got a string", None),
    ("tempo: 0", 1, 8, "tempo must be greater than 0, got 0", None),
    ("bpm: -120", 1, 6, "bpm must be greater than 0, got -120", None),
    ('s "bd*4"', 1, 1, "expected a statement: ~bus: expr, out: expr, or tempo: number",
     "to send this to the speakers write 'out: s \"bd*4\"'"),
    ("# lpf 300", 1, 1, "a line cannot start with '#': there is no statement to continue", None),
    ("out: sine 440 # fast 2", 1, 17, "'fast' is a pattern transform: apply it with '$', not '#'", "x $ fast ..."),
    ('out: s "bd" # speed', 1, 15, "'speed' takes one value (a number or a pattern), got 0", None),
    ("out: sine 2 # speed 2", 1, 15,
     "'speed' is a per-event control: the left of '#' must be an event pattern (like s \"bd\"), got a signal", None),
    ("out: lpf 800", 1, 6, "the per-event control pattern 'lpf ...' makes no sound",
     'add a sound (... # s "bd") or, for an effect, chain a signal into it (x # lpf 800)'),
    ("out: fast 2 $ sine 440", 1, 15, "'fast' transforms patterns, but this is a signal",
     'transforms apply to patterns and event sources like s "bd sn"'),
    ("~a: sine 1\n~a: sine 2", 2, 1, "bus '~a' is defined twice (first on line 1)", None),
    ("out: sine 1\n\nout: sine 2", 3, 1, "output 'out' is defined twice (first on line 1)", None),
    ("out: sine 440 :freq 220", 1, 15, "sine: freq is given twice", None),
    ("out: vst3 300", 1, 6, "'vst3' needs an input signal",
     "chain it: x # vst3 ...  (or give the signal last: vst3 ... x)"),
    ("~x: sine 1\n~y: sine 2\nout: ~x ~y", 3, 9, "unexpected bus '~y' after '~x': a bus takes no arguments",
     "did you mean '~x + ...' or '~x # ...'?"),
    ("out: sine 1 * (1 / 0)", 1, 18, "division by zero", None),
    ('out: every 3 2 $ s "bd"', 1, 14, "every: f expects a function like (fast 2), got a number", None),
    ('out: degradeBy "0.5" $ s "bd"', 1, 16, "degradeBy: amount expects a number, got a string", None),
    ('out: fast 2 3 4 $ s "bd"', 1, 15, "fast takes 1 argument (factor) before the pattern, got 3", None),
    ('out: every $ s "bd"', 1, 6, "every expects 2 arguments (n, f), got 0: 'n' is missing", None),
    ("out: ()", 1, 7, "empty parentheses: expected an expression", None),
    ("out: sine 440 # (# gain 2)", 1, 18, "after '#' expected a function call like 'lpf 800' or 'gain 0.5'", None),
    ("out: 3bd", 1, 6, "invalid number '3bd'", None),
    ("out: ~", 1, 6, "expected a bus name after '~' (like ~drums)", None),
    ("out: sine 440 # reverb 0.5 :room 0.3", 1, 28, "reverb: room is given twice", None),
    ("out: adsr", 1, 6, 'adsr needs an event pattern, e.g. adsr "x*4"', None),
    ("out: s", 1, 6, 's needs an event pattern, e.g. s "bd sn"', None),
    ("o: sine 2", 1, 1, "unknown statement 'o:'", "numbered outputs need a number: o1"),
    ('out: s "bd" $ every 3 (# reverb 0.5) $ fast 2', 1, 15,
     "a pattern transform cannot follow the effect chain of 'every'",
     "put the transform first: x $ fast 2 $ every 4 (# lpf 300 1)"),
    ("~x: sine 1\nout: sine 440 # ~x", 1, 5, "'sine' is a source and takes no input: it cannot follow '#' "
     "(in ~x, used at 2:17)", "combine signals with + or *, e.g. x + sine ..."),
    ('out: stackwith 3 $ s "bd"', 1, 16, "stackwith: items expects a list like [a, b], got a number", None),
    ("out: :q 3", 1, 6, "keyword argument ':q' must follow a function name", "like 'lpf :q ...'"),
    ("out: sine 440 , 2", 1, 15, "unexpected ',' outside a list", "lists are written [a, b, c]"),
    ("~a: ~a", 1, 1, "bus '~a' only forwards a bus that reads it back: a loop needs a node in between",
     "e.g. '~a: ~b # delay 0.1'"),
    ("out: fast 2", 1, 6, "'out' needs a signal, got a function",
     'apply the transform to a pattern: s "bd sn" $ fast 2'),
    ("out: sample_file 3", 1, 18, "sample_file: path expects a text string in double quotes, got a number", None),
    ('out: sample_file "a.wav" :level [1]', 1, 33, "sample_file: level expects a number or a string, got a list", None),
    ("out: sine 440 # sidechain", 1, 17, "'sidechain' needs an input signal",
     "give its other input first: x # sidechain ~other ..."),
    ("out: " + "(" * 70 + "1" + ")" * 70, 1, 70, "expression nested too deeply (more than 64 levels)", None),
    ("out: sine 2 -- ok\n   + @", 2, 6, "unexpected character '@'", "a template is @name (define it with @name: expr)"),
    ('~a $ s "x" $ rev $ fast', 1, 20, "fast expects 1 argument (factor), got 0: 'factor' is missing", None),
    ('out: s "bd" # n 1 2', 1, 19, "'n' takes one value (a number or a pattern), got 2", None),
    ('out: s "bd" # gain :x 1', 1, 20, "gain has no parameter ':x'", "its parameters: :amount"),
    ('out: s "bd" # gain 0.5 $ fast 2', 1, 24, "put '$' transforms before '#': x $ fast 2 # gain 0.8", None),
    ("out: ~a # delay 0.1\n~a: ~b\n~b: ~a", 3, 1,
     "bus '~b' only forwards a bus that reads it back: a loop needs a node in between", "e.g. '~a: ~b # delay 0.1'"),
    ('~t: fast 2\n~a: fast 2 $ ~a\nout: ~a', 2, 14,
     "'~a' reads itself through the pattern transform 'fast': only signals can feed back", None),
    ("out: sine 1 + rev", 1, 13, "'+' cannot combine a function", None),
    ("out: [1, 2] * 3", 1, 13, "'*' cannot combine a list", None),
    ("out: saw 110 # sine 2", 1, 16, "'sine' is a source and takes no input: it cannot follow '#'",
     "combine signals with + or *, e.g. x + sine ..."),
    ("out: sine 440 :freq", 1, 20, "expected a value after ':freq', found the end of the line", None),
    ("out:", 1, 5, "expected an expression after ':'", None),
    ("~a sine 2", 1, 4, "expected ':' or '$' after '~a', found 'sine'", None),
    ("tempo $ 2", 1, 7, "expected ':' after 'tempo', found '$'", None),
    ("out: sine 440 # lpf 800 0.7 :bogus 2 :q 3", 1, 29, "lpf has no parameter ':bogus'", "its parameters: :cutoff, :q"),
    ('out: sine "1 2" # lpf "300 800" [1]', 1, 33, "lpf: q expects a number, pattern or signal, got a list", None),
    ('out: s "bd" $ vowel "a"', 1, 13, "'$' applies a pattern transform, but neither side is one "
     "(an event pattern $ a pattern)", "per-event controls are merged with '#': x # vowel ..."),
    ('out: 1 $ 2', 1, 8, "'$' applies a pattern transform, but neither side is one (a number $ a number)", None),
]


@pytest.mark.parametrize("src, line, col, message, hint", BROKEN, ids=[f"e{i:02d}" for i in range(len(BROKEN))])
def test_broken_program(src: str, line: int, col: int, message: str, hint: str | None) -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test(src, file="bad.ph")
    first = info.value.errors[0]
    assert (first.file, first.line, first.col, first.message, first.hint) == ("bad.ph", line, col, message, hint)
    assert first.source_line == src.splitlines()[line - 1]


def test_there_are_at_least_forty_broken_programs() -> None:
    assert len(BROKEN) >= 40


def test_error_text_has_location_source_line_and_caret() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test("~a: sine 2\nout: ~a # lfp 800", file="song.ph")
    assert str(info.value) == (
        "song.ph:2:11: unknown function 'lfp' — did you mean 'lpf'?\n"
        "    out: ~a # lfp 800\n"
        "              ^")


def test_every_problem_is_reported_in_one_pass() -> None:
    src = ("~a: sine 2 # lfp 800\n"        # unknown function
           "~b: s \"bd\" # gain :x 1\n"     # bad keyword
           "out: ~a + ~c + (1 +\n"         # syntax error
           "out2: ~zz + ~b\n"              # unknown bus
           "tempo: -1\n")                  # bad tempo
    with pytest.raises(PhononErrors) as info:
        compile_test(src)
    got = [(e.line, e.col, e.message) for e in info.value.errors]
    assert got == [
        (1, 14, "unknown function 'lfp'"),
        (2, 19, "gain has no parameter ':x'"),
        (3, 20, "expected an expression, found the end of the line"),
        (4, 7, "unknown bus '~zz'"),
        (5, 8, "tempo must be greater than 0, got -1"),
    ]


def test_a_bus_that_failed_to_parse_does_not_cascade() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test("~a: sine (2\nout: ~a * 2\n")
    assert [(e.line, e.message) for e in info.value.errors] == [
        (1, "expected ')' to close the '(' at 1:10, found the end of the line")]


def test_unknown_sample_name_with_suggestion() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test('~d: s "bd*2 [sn:3 hhh]"\nout: ~d # gain 0.5 ', sample_names={"bd", "sn", "hh", "cp"})
    (e,) = info.value.errors
    assert (e.line, e.col, e.message, e.hint) == (1, 19, "unknown sample 'hhh'", "did you mean 'hh'?")


def test_unknown_sample_in_a_sound_control() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test('out: n "0 1" # s "drun"', sample_names={"drum", "bd"})
    (e,) = info.value.errors
    assert (e.line, e.col, e.message, e.hint) == (1, 19, "unknown sample 'drun'", "did you mean 'drum'?")


def test_errors_are_phonon_errors() -> None:
    with pytest.raises(PhononError):
        compile_test("out: lfp 800")


@pytest.mark.parametrize("src, col, name", [
    ('out: __import__ "os"', 6, "__import__"),
    ('out: eval "1 + 1"', 6, "eval"),
    ('out: exec "print(1)"', 6, "exec"),
    ("out: open \"/etc/passwd\"", 6, "open"),
])
def test_program_text_cannot_reach_python(src: str, col: int, name: str) -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test(src)
    (e,) = info.value.errors
    assert (e.col, e.message) == (col, f"unknown function '{name}'")


def test_the_language_package_never_evaluates_text() -> None:
    import re
    from pathlib import Path

    import phonon.lang
    for path in Path(phonon.lang.__file__).parent.glob("*.py"):
        code = path.read_text()
        assert not re.search(r"(?<![\w.])(eval|exec|compile)\(|__import__|getattr\(builtins", code), path.name


@pytest.mark.parametrize("src, hint", [
    ('~Kick: s "bd"\nout: ~kick', "did you mean '~Kick'?"),
    ("out: LPF", "did you mean 'lpf'?"),
    ("out: saw 1 # lfp 300", "did you mean 'lpf'?"),
    ("out: saw 1 # lpf :Q 2", "did you mean 'q'?"),
])
def test_suggestions_cover_case_and_transpositions(src: str, hint: str) -> None:
    with pytest.raises(PhononErrors) as info:
        compile_test(src)
    assert info.value.errors[0].hint == hint


def test_sample_names_come_from_the_mini_notation_parser() -> None:
    # `c#4` is one word (a regex scanner stopped at '#'), `{...}%4` and `(3,8,<0 2>)` are
    # arguments, `808` is a name, `3` after ':' is not, `~lead` is a bus (the real engine plays it)
    from phonon.lang import compile_program
    known = {"bd", "sn", "808"}
    with pytest.raises(PhononErrors) as info:
        compile_program('~lead: saw 220\nout: s "{bd sn}%4 c#4 bd(3,8,<0 2>) 808:3 ~lead ~"',
                        sample_names=known)
    assert [(e.line, e.col, e.message) for e in info.value.errors] == [(2, 19, "unknown sample 'c#4'")]
    ir = compile_program('~lead: saw 220\nout: s "{bd sn}%4 bd(3,8,<0 2>) 808:3 ~lead ~"',
                         sample_names=known)
    assert ir.samples == {"bd", "sn", "808"} and any(n.kind == "poly" for n in ir.nodes.values())

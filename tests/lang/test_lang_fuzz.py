"""Fuzz: random token soup and mutated valid programs never raise anything but PhononError, and
never hang (each compile must finish well inside hypothesis' deadline)."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phonon.errors import PhononError
from phonon.lang import compile_program
from phonon.lang.compiler import INTERNAL_ERROR
from phonon.lang.ir import GraphIR

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.ph"))
SEEDS = [p.read_text() for p in EXAMPLES][:40]

TOKENS = [
    "~a", "~b", "~drums", "out", "out2", "d1", "tempo", "bpm", "cps", ":", "$", "#", "+", "-", "*", "/",
    "(", ")", "[", "]", ",", "\n", "\n  ", " ", "--", "0", "1", "-1", ".5", "1e3", "2", "1e999", "0.0",
    '"bd*4"', '"bd [sn"', '"<1 2>"', '"~ sn"', '"bd(3,8)"', '"1 .. 4"', '""', '"', "'", "s", "sine",
    "saw", "lpf", "reverb", "delay", "gain", "pan", "fast", "every", "rev", "range", "adsr", "mix",
    "master", "vst3", ":q", ":cutoff", ":x", "n", "note", "speed", "degradeBy", "jux", "stut", "off",
    "sometimesBy", "chop", "(#", "~", "@", "=", "|", "{", "}", "%", "!", "mtof", "stack", "const", "sig",
]

ALLOWED = (PhononError,)


def check(source: str) -> None:
    try:
        ir = compile_program(source, file="fuzz.ph")
    except ALLOWED as e:
        assert INTERNAL_ERROR not in e.message, e.format()   # the safety net must never be needed
        return
    assert isinstance(ir, GraphIR)


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_token_soup(source: str) -> None:
    check(source)


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map(lambda t: "out: " + " ".join(t)))
def test_expression_soup(source: str) -> None:
    check(source)


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "swap_lines", "truncate"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        if kind == "delete":
            j = draw(st.integers(i, min(len(text), i + 8)))
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
        elif kind == "replace":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i + 1:]
        elif kind == "swap_lines":
            lines = text.splitlines()
            if len(lines) > 1:
                a = draw(st.integers(0, len(lines) - 1))
                b = draw(st.integers(0, len(lines) - 1))
                lines[a], lines[b] = lines[b], lines[a]
                text = "\n".join(lines)
        else:
            text = text[:i]
    return text


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_programs(source: str) -> None:
    check(source)


@settings(max_examples=100, deadline=2000)
@given(st.text(max_size=60))
def test_arbitrary_text(source: str) -> None:
    check(source)


def test_pathological_inputs_finish() -> None:
    for source in ["out: " + "(" * 5000, "out: " + "-" * 5000 + "1", "out: " + "[" * 3000,
                   "out: " + " + ".join(["1"] * 3000), "~a: ~a + " * 200, "out: s \"" + "[" * 500 + "\"",
                   "out: " + "sine " * 2000, "\n".join(f"~b{i}: ~b{i + 1} + 1" for i in range(400))]:
        check(source)

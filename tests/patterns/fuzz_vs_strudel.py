"""Differential fuzzing against Strudel (a dev tool; pytest does not collect it).

    python tests/patterns/fuzz_vs_strudel.py mini SEED COUNT [ORACLE_DIR]
    python tests/patterns/fuzz_vs_strudel.py transforms SEED COUNT [ORACLE_DIR]

Generates random mini-notation programs (or random transform chains on small patterns), asks
Strudel through oracle.mjs (ORACLE_DIR defaults to /tmp/strudel-oracle, `npm ci` done there)
and the adapter, and prints every difference. Known, intended differences: see
docs/patterns.md (negative cycles in every/lastOf/palindrome, Euclid with pulses > steps).
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from _values import value_str  # noqa: E402
from tests.oracle_adapter import query  # noqa: E402

WORDS = ["bd", "sn", "hh", "~", "0", "3", "a:2", "-1", "c4", "1.5", "-"]
FACTORS = ["2", "3", "0.5", "1.5", "<2 3>", "[1 2]", "<1 [2 3]>", "0.75"]
SUFFIXES = ["", "", "", "*", "/", "?", "!", "!3", "@2", "@1.5", "?0.3", " _", ":"]
PATTERNS = ["a b c d", "0 1 2 3", "<a b> c", "a [b c]", "0 .. 7", "a(3,8)", "<0 4> [1 2]",
            "a b? c", "[a | b] c d"]
FUNCTIONS = ["rev", "(fast 2)", "(add 10)", "(ply 2)", "press", "(late 0.125)", "palindrome",
             "(iter 4)"]
STEPS = [
    'fast {n}', 'slow {n}', 'rev', 'every {every} {f}', 'iter {iter}', 'palindrome', 'ply {ply}',
    'chunk 4 {f}', 'fastChunk 4 {f}', 'off {off} {f}', 'superimpose {f}', 'early {n}', 'late {n}',
    'segment {seg}', 'linger {off}', 'zoom 0.25 0.75', 'compress 0.25 0.75', 'fastGap 3', 'press',
    'swingBy 1/3 4', 'inside 2 {f}', 'outside 2 {f}', 'degradeBy {deg}', 'sometimesBy 0.4 {f}',
    'someCyclesBy 0.4 {f}', 'within 0 0.5 {f}', 'euclid {eu} 8', 'euclidRot 3 8 {rot}',
    'struct "1 0 1 1"', 'mask "1 [0 1]"', 'brak', 'repeatCycles 2', 'iterBack 4', 'shuffle 4',
    'scramble 4', 'euclidLegato 3 8', 'lastOf 3 {f}',
]
CHOICES = {
    "n": ["2", "3", "0.25", "1/3", "1.5", '"<2 3>"', '"1 2"', '"<0.25 0.5>"'],
    "every": ["2", "3", '"<2 3>"'], "iter": ["3", "4", '"<2 4>"'], "ply": ["2", "3", '"<1 2>"'],
    "off": ["0.125", "0.25", '"<0.25 0.5>"'], "seg": ["2", "4", '"<2 4>"'],
    "deg": ["0.3", "0.5", '"<0.2 0.8>"'], "eu": ["3", '"<3 5>"'], "rot": ["1", "2", '"<0 2>"'],
}


def random_term(rng: random.Random, depth: int = 0) -> str:
    kind = rng.randint(0, 9 if depth < 2 else 0)
    word = rng.choice(WORDS)
    if kind == 0:
        term = word
    else:
        inner = " ".join(random_term(rng, depth + 1) for _ in range(rng.randint(1, 3)))
        steps = rng.randint(1, 9)
        term = {
            1: f"[{inner}]", 2: f"<{inner}>", 3: f"{{{inner}}}%{rng.randint(1, 5)}",
            4: f"[{inner}, {word}]", 5: f"[{inner} | {word}]", 7: f"[{inner} . {word}]",
            6: f"{word}({rng.randint(-steps, steps)},{steps},{rng.randint(-2, 9)})",
            8: f"{{{inner}, {word} {rng.choice(WORDS)}}}", 9: f"<{inner}, {word}>",
        }[kind]
    suffix = rng.choice(SUFFIXES)
    if suffix in ("*", "/"):
        suffix += rng.choice(FACTORS)
    elif suffix == ":":
        suffix += rng.choice(["1", "<1 2>"])
    return term + suffix


def random_step(rng: random.Random, depth: int = 0) -> str:
    f = rng.choice(FUNCTIONS + ([f"({random_step(rng, depth + 1)})"] if depth < 1 else []))
    return rng.choice(STEPS).format(f=f, **{k: rng.choice(v) for k, v in CHOICES.items()})


def make_cases(mode: str, seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        if mode == "mini":
            pat = " ".join(random_term(rng) for _ in range(rng.randint(1, 4)))
            cases.append({"pat": pat, "from": 0, "to": 4})
        else:
            chain = " ; ".join(random_step(rng) for _ in range(rng.randint(1, 3)))
            cases.append({"pat": rng.choice(PATTERNS), "transform": chain, "from": 0, "to": 6})
    return cases


def main(argv: list[str]) -> int:
    mode, seed, count = argv[0], int(argv[1]), int(argv[2])
    oracle_dir = argv[3] if len(argv) > 3 else "/tmp/strudel-oracle"
    cases = make_cases(mode, seed, count)
    proc = subprocess.run(["node", "oracle.mjs"], cwd=oracle_dir, capture_output=True, text=True,
                          input="\n".join(json.dumps(c) for c in cases) + "\n", check=True)
    answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    bad = 0
    for case, answer in zip(cases, answers):
        label = f"{case['pat']!r} {case.get('transform', '')}"
        if isinstance(answer, dict):  # Strudel raised
            print(f"Strudel error ({answer['error'][:60]}): {label}")
            continue
        begin, end = Fraction(case["from"]), Fraction(case["to"])
        try:
            got = sorted((Fraction(a), Fraction(b), value_str(v))
                         for a, b, v in query(case["pat"], case.get("transform"), begin, end))
        except Exception as e:  # noqa: BLE001 - report and go on
            bad += 1
            print(f"RAISED {e!r}: {label}")
            continue
        want = sorted((Fraction(e["whole_begin"]), Fraction(e["whole_end"]), e["value_str"]) for e in answer)
        if got != want:
            bad += 1
            print(f"DIFF {label}: missing {[x for x in want if x not in got][:3]} "
                  f"extra {[x for x in got if x not in want][:3]}")
    print(f"{bad} differences in {len(cases)} cases")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

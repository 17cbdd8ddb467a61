"""Ask Strudel about Phonon expressions that combine patterns and pin its answers: Tidal's
operator family (`|+ +| |+| ... |% |< |>`) and the list expressions (`stack`, `cat`,
`fastcat`, `randcat`/`choose`, `wchoose`).

    python tests/patterns/pin_strudel_expressions.py /tmp/strudel-oracle   # `npm ci` done there

Copies strudel_expressions_probe.mjs into that folder, runs it and writes
tests/patterns/strudel_expressions.jsonl, read by test_expressions_pinned_strudel.py. Each case
pairs a Phonon expression (compiled as `out: <phonon>`) with the Strudel expression that means
the same: `|op` is Strudel's `op` (`op.in`), `op|` is `op.out`, `|op|` is `op.mix`; `<` is
`keep`, `>` is `set`, `%` is `mod`; `cat` is `cat` (one per cycle), `choose` is
`chooseCycles`, `wchoose` is `wchooseCycles`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "strudel_expressions.jsonl"
PROBE = HERE / "strudel_expressions_probe.mjs"

STRUDEL_OP = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "<": "keep", ">": "set"}
HOW = {"left": ("|{}", "in"), "right": ("{}|", "out"), "both": ("|{}|", "mix")}


def operator_cases() -> list[tuple[str, str, int, int]]:
    """(phonon expression, strudel expression, from, to)."""
    cases = []
    pairs = [('"1 2"', '"10 20 30"', 0, 1), ('"<1 2> 3"', '"[10 20]/2"', 0, 2),
             ('"1 ~ 3"', '"4 5"', 0, 1)]
    for left, right, frm, to in pairs:
        for op, name in STRUDEL_OP.items():
            for how, (shape, method) in HOW.items():
                cases.append((f"{left} {shape.format(op)} {right}",
                              f"mini({left}).{name}.{method}(mini({right}))", frm, to))
    controls = [
        ('(n "0 1 2" # s "x") |+ n "10 20"', 'core.n(mini("0 1 2")).s("x").add.in(core.n(mini("10 20")))'),
        ('(n "0 1 2" # s "x") +| n "10 20"', 'core.n(mini("0 1 2")).s("x").add.out(core.n(mini("10 20")))'),
        ('(n "0 1 2" # s "x") |+| n "10 20"', 'core.n(mini("0 1 2")).s("x").add.mix(core.n(mini("10 20")))'),
        ('s "bd*4" |+ n "0 1"', 'core.s(mini("bd*4")).add.in(core.n(mini("0 1")))'),
        ('s "bd*4" |< n "0 1"', 'core.s(mini("bd*4")).keep.in(core.n(mini("0 1")))'),
        ('s "bd*4" >| n "0 1 2"', 'core.s(mini("bd*4")).set.out(core.n(mini("0 1 2")))'),
        ('(s "bd*2" # n 1) |* n "<2 3>"', 'core.s(mini("bd*2")).n(1).mul.in(core.n(mini("<2 3>")))'),
        ('(s "bd*2" # speed 2) |-| speed "0.5 1 1.5"',
         'core.s(mini("bd*2")).speed(2).sub.mix(core.speed(mini("0.5 1 1.5")))'),
        ('(n "0 .. 7" # s "x") |% n 3', 'core.n(mini("0 .. 7")).s("x").mod.in(core.n(3))'),
        ('"c4 e4" |+ "0 7 12"', 'mini("c4 e4").add.in(mini("0 7 12"))'),
        ('"0 1" |> "5 6 7"', 'mini("0 1").set.in(mini("5 6 7"))'),
        ('3 +| "1 2"', 'core.pure(3).add.out(mini("1 2"))'),
    ]
    cases += [(p, s, 0, 2) for p, s in controls]
    lists = [
        ('cat ["1 2", "3"]', 'core.cat(mini("1 2"), mini("3"))', 0, 4),
        ('slowcat ["1 2", "<3 4>"]', 'core.slowcat(mini("1 2"), mini("<3 4>"))', 0, 6),
        ('fastcat ["1 2", "3"]', 'core.fastcat(mini("1 2"), mini("3"))', 0, 2),
        ('stack ["1 2", "3 4 5"]', 'core.stack(mini("1 2"), mini("3 4 5"))', 0, 1),
        ('s (cat ["bd", "sn"])', 'core.s(core.cat(mini("bd"), mini("sn")))', 0, 4),
        ('cat [s "bd*2", s "sn*3"]', 'core.cat(core.s(mini("bd*2")), core.s(mini("sn*3")))', 0, 4),
        ('stack [s "bd*2", s "hh*3" # gain 0.5]',
         'core.stack(core.s(mini("bd*2")), core.s(mini("hh*3")).gain(0.5))', 0, 1),
        ('randcat ["1", "2 3", "4"]', 'core.randcat(mini("1"), mini("2 3"), mini("4"))', 0, 16),
        ('s (choose ["bd", "sn", "hh"])', 'core.s(core.chooseCycles(mini("bd"), mini("sn"), mini("hh")))', 0, 16),
        ('s (wchoose [["bd", 3], ["sn", 1]])', 'core.s(core.wchooseCycles(["bd", 3], ["sn", 1]))', 0, 32),
        ('wchoose [["1 2", 1], ["3", 0.5], ["4", 2]]',
         'core.wchooseCycles([mini("1 2"), 1], [mini("3"), 0.5], [mini("4"), 2])', 0, 32),
    ]
    cases += lists
    return cases


def main() -> int:
    oracle_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/strudel-oracle")
    shutil.copy(PROBE, oracle_dir / PROBE.name)
    lines = [json.dumps({"id": f"op-{i:03d}", "phonon": p, "strudel": s, "from": f, "to": t})
             for i, (p, s, f, t) in enumerate(operator_cases())]
    proc = subprocess.run(["node", PROBE.name], cwd=oracle_dir, input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=True)
    out = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    OUT.write_text("".join(json.dumps(o) + "\n" for o in out))
    print(f"pinned {len(out)} cases in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Ask Strudel (oracle.mjs) about extra patterns/transforms and pin its answers.

    python tests/patterns/pin_strudel_answers.py /tmp/strudel-oracle   # needs `npm ci` there

Writes tests/patterns/strudel_pinned.jsonl, read by test_patterns_pinned_strudel.py. The cases
below go beyond the shared conformance suite: transforms it does not list, mini-notation corner
cases and exact random choices.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "strudel_pinned.jsonl"

R = True  # marks cases whose answer depends on Strudel's random generator

CASES: list[tuple] = [
    # (pat, transform, from, to[, random])
    # -- mini-notation corners
    ("bd*<2 3>", None, 0, 4), ("bd(<3 5>,8,<0 2>)", None, 0, 4), ("bd(3,8,<0 1 2>)", None, 0, 3),
    ("{a b c, d e}%<2 3>", None, 0, 4), ("{a b}%4 c", None, 0, 2), ("<a b>!2 <c d e>", None, 0, 6),
    ("[a b]@2 . c", None, 0, 2), ("bd _ _ ~ sn", None, 0, 1), ("0 .. <2 4>", None, 0, 2),
    ("c3 eb4 a#2 Bb", None, 0, 1), (".5 1. -0 0x10", None, 0, 1), ("a:<1 2>:3", None, 0, 2),
    ("<a [b c]>*3", None, 0, 2), ("[a <b c>]/2", None, 0, 4), ("<a b>(3,8)", None, 0, 2),
    ("a . b . c d . [e f]", None, 0, 1), ("a@0.5 b@1.5", None, 0, 1), ("a! b!3 c", None, 0, 1),
    ("bd*2!3", None, 0, 1), ("<a!2 b>", None, 0, 4), ("<a@3 b>", None, 0, 8),
    ("[a,b](3,8)", None, 0, 1), ("bd(5,8,2)", None, 0, 1), ("bd(-5,8)", None, 0, 1),
    ("bd*[2 <3 4>]", None, 0, 2), ("a/1.5", None, 0, 3), ("[a b c]/<1 2>", None, 0, 4),
    ("<a <b <c d>>>*2", None, 0, 4), ("{<a b> c}%3", None, 0, 3), ("0 .. 2 . 5", None, 0, 1),
    ("~ a@2 _", None, 0, 1), ("a _ b _ _ _", None, 0, 1), ("[a b c d](3,8)", None, 0, 1),
    ("bd:3?", None, 0, 16, R), ("[a|b|c]*8", None, 0, 8, R), ("a? b? . c?", None, 0, 16, R),
    ("[a? | b?] c?", None, 0, 16, R), ("bd*4?0.8", None, 0, 16, R), ("<a? b>*4", None, 0, 16, R),
    ("[a | b | c] [d | e]", None, 0, 16, R),
    # -- transforms beyond the shared list
    ("a b c d", "linger 0.5", 0, 2), ("a b c d", "linger \"<0.25 0.5>\"", 0, 2),
    ("a b c d", "zoom 0.25 0.75", 0, 2), ("a b", "fastGap 3", 0, 2), ("a b c", "compress 0.5 1", 0, 2),
    ("bd sn", "s ; hurry 2", 0, 2), ("a b c d", "iterBack 4", 0, 4), ("0 1 2 3", "chunkBack 4 (add 10)", 0, 4),
    ("a b c d", "lastOf 3 rev", 0, 6), ("a b", "ply \"2 3\"", 0, 2), ("a b", "pressBy 0.25", 0, 2),
    ("0 0.5", "range 10 20", 0, 1), ("bd sn", "s ; echo 3 0.125 0.5", 0, 1),
    ("bd sn", "s ; stut 3 0.5 0.125", 0, 1), ("a b", "superimpose (late 0.25)", 0, 2),
    ("0 1 2 3", "within 0 0.5 (add 10)", 0, 2), ("bd", "euclidLegato 3 8", 0, 2),
    ("a b", "brak", 0, 4), ("a b c d", "inside 2 (iter 4)", 0, 4), ("a b c d", "outside 2 rev", 0, 4),
    ("a b c d e f g h", "swing 4", 0, 2), ("<a b c>", "repeatCycles 2", 0, 6),
    ("bd sn", "s ; chop 2", 0, 2), ("bd sn", "s ; striate 2", 0, 2), ("bd sn", "s ; juxBy 0.5 rev", 0, 1),
    ("a b c d", "every 2 (fast 2) ; every 3 rev", 0, 6), ("a", "segment \"<2 4>\"", 0, 2),
    ("a b c", "off 0.125 (fast 2)", 0, 1), ("bd*2 sn", "s ; jux (iter 4)", 0, 4),
    ("0 1", "sub 1", 0, 1), ("2 4", "mul \"1 2\"", 0, 1), ("4 6", "div 2", 0, 1), ("c4 e4", "add 1", 0, 1),
    ("a b c d", "palindrome ; fast 2", 0, 4),
    ("a b c d", "struct \"1 0 1 1\"", 0, 1), ("a b c d", "mask \"1 0 1 0\"", 0, 2),
    ("a b c d", "mask \"<1 [0 1]>\"", 0, 2), ("a", "struct \"1 [1 0] <1 0> 1\"", 0, 2),
    ("hh*8", "degradeBy 0.3", 0, 16, R), ("hh*8", "undegradeBy 0.3", 0, 16, R),
    ("0*8", "sometimesBy 0.3 (add 12)", 0, 16, R), ("0*4", "someCyclesBy 0.3 (add 12)", 0, 16, R),
    ("0*8", "often (add 12)", 0, 16, R), ("0*8", "rarely (add 12)", 0, 16, R),
    ("0*8", "almostNever (add 12)", 0, 16, R), ("0*8", "almostAlways (add 12)", 0, 16, R),
    ("0*8", "someCycles (add 12)", 0, 16, R), ("hh*16", "degrade", 0, 8, R),
    ("bev", "slice 4 \"0 2 <1 3>\"", 0, 2), ("bev chin", "s ; splice 4 \"0 [2 3]\"", 0, 2),
    ("a b c d", "shuffle 4", 0, 8, R), ("a b c d", "scramble 4", 0, 8, R), ("0 1 2", "shuffle 3", 0, 6, R),
    # -- transforms added for the Rust original's names (issue 16) that Strudel also has
    ("a b c", "bite 2 \"<0 1> [1 0]\"", 0, 2), ("a b c d e f g h", "bite 4 \"0 2 [1 3]\"", 0, 1),
    ("a b c d", "bite \"<2 4>\" \"0 [1 0]\"", 0, 2),
    ("a b c d", "focus 0.25 0.75", 0, 2), ("a b", "focus 0.5 1.5", 0, 3), ("a b c", "focus \"<0 0.25>\" 1", 0, 2),
    ("hh*8", "undegrade", 0, 16, R), ("a b c d", "segment 2", 0, 1),
]


def main() -> int:
    oracle_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/strudel-oracle")
    lines = []
    for i, case in enumerate(CASES):
        pat, transform, frm, to = case[:4]
        rec = {"id": f"pin-{i:03d}", "feature": "pinned", "pat": pat, "from": frm, "to": to}
        if transform:
            rec["transform"] = transform
        if len(case) > 4 and case[4]:
            rec["random"] = True
        lines.append(json.dumps(rec))
    proc = subprocess.run(["node", "oracle.mjs", "--with-case"], cwd=oracle_dir, input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=True)
    out = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    errors = [o for o in out if "error" in o]
    for o in errors:
        print("Strudel error:", o["pat"], o.get("transform"), o["error"][:100])
    with open(OUT, "w") as fh:
        for o in out:
            if "error" not in o:
                fh.write(json.dumps(o) + "\n")
    print(f"wrote {len(out) - len(errors)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""docs/compat.md: every statement, expression form, mini-notation construct, transform and
node of the Rust original (PHONON-RS.md §1-3 and §5), with its status here.

    python -m phonon.lang.compat                          # print the page
    python -m phonon.lang.compat --write docs/compat.md   # regenerate it
    python -m phonon.lang.compat --check docs/compat.md   # exit 1 when it is out of date

The status column is computed, never typed: a statement or expression row is "yes" when its
example program compiles; a mini-notation row when its example parses; a transform row when
the name is in the pattern engine's transform table; a node row when the built-in node library
registers the name (aliases counted). A row with an entry in `DIFFERENT` is "differs" instead
of "yes" and says how and why; `NOTES` add a remark without changing the status. So a helper
who adds a transform or a node runs `--write` and commits the new page (the test
tests/lang/test_lang_compat.py fails until the page matches), and writes a `DIFFERENT` entry
when the meaning is not the original's.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Iterable

from ..errors import PhononError
from ..patterns import TRANSFORMS, mini
from ..patterns.controls import CONTROLS
from ..plugins.registry import Registry, default_registry
from .compiler import compile_program

YES, DIFFERS, NOT_YET = "yes", "differs", "not yet"

# -- §1.2 statements and §1.3-1.4 expression forms: (row, example program) ----------------------
STATEMENTS: list[tuple[str, str]] = [
    ("`~name $ expr`, `~name: expr` (signal bus)", "~a $ sine 2\n~b: saw 3\nout: ~a + ~b"),
    ("`~name # expr` (modifier bus)", "~m # lpf 800 0.7 # delay 0.2\nout: saw 110 # ~m"),
    ("`~name $ transform` (transform bus)", '~t $ every 4 rev\nout: s "bd sn" $ ~t'),
    ("`~name p1 p2 $ expr` (function bus)", "~f a b $ saw a # lpf b\nout: ~f 110 800 + f 220 900"),
    ("`fn name p1 p2 = expr`", "fn f a b = saw a # lpf b\nout: f 110 800"),
    ("`@name: expr` (template)", "@t: fast 2 $ rev\n@fx: lpf 800 # delay 0.2\n"
                                 'out: s "bd sn" $ @t\nout2: saw 110 # @fx'),
    ("`%name: \"1 2 4\"` (pattern variable)", '%d: "1 2 4"\nout: s "bd" $ fast %d'),
    ("`out $ expr`, `out: expr`, `out # expr`", "out # sine 2"),
    ("`out1`, `o1`, `d1` (numbered outputs)", "out1 $ sine 1\no2: sine 2\nd3 # sine 3"),
    ("`tempo: 0.5`, `cps: 0.5`", "tempo: 0.5\ncps: 0.5\nout: sine 2"),
    ("`bpm: 120`, `bpm: 120 \"4/4\"`", 'bpm: 120 "4/4"\nout: sine 2'),
    ("`outmix: none|gain|sqrt|tanh|hard`", "outmix: tanh\nout: sine 2\nout2: sine 3"),
    ("`buffer: 1024`", "buffer: 1024\nout: sine 2"),
    ("`hush`, `hush2`", "out: sine 1\nout2: sine 2\nhush2\nhush"),
    ("`unhush`, `unhush2`", "out: sine 1\nout2: sine 2\nhush\nunhush2\nunhush"),
    ("`panic`", "out: sine 1\npanic"),
    ("`resetCycles`, `setCycle 4`, `nudge 0.1`", "resetCycles\nsetCycle 4\nnudge 0.1\nout: sine 2"),
    ("auto-routing without `out` (`~master`, `~out`, `~d1`, all buses at -12 dB)",
     "~d1 $ sine 2\n~out1 $ sine 3"),
    ("`#` chain, `$` transform, `+ - * /`, unary `-`",
     'out: s "bd" $ fast 2 # gain 0.8\nout2: -(sine 2) * 0.5 + 0.1'),
    ("`|+ +| |- -| |* *| |/ /| |> <|` (and `|+|`, `|%`, `|<`, `>|` ...)",
     'out: n ("0 1" |+ "<0 12>" +| "0 7" |* 1 |%| 24) # s "x"'),
    ("`~+ ~- ~* ~/` (per-sample)", "out: sine 2 ~+ sine 3 ~* sine 4"),
    ("`~add a b`, `~sub`, `~mul`, `~div`", "out: ~mul (sine 2) (saw 3)"),
    ("keyword arguments `:name value`", "out: saw 110 # lpf :cutoff 800 :q 0.8"),
    ("literal pattern arithmetic `\"1 2\" + \"10 20 30\"`", 'out: sine ("1 2" + "10 20 30")'),
    ("self-reference feedback `~acc $ ~in + ~acc * 0.5`", "~in $ sine 2\n~acc $ ~in + ~acc * 0.5"),
    ("`stack [a, b]`", "out: stack [sine 2, saw 3]"),
    ("`cat [a, b]`", 'out: s (cat ["bd", "sn"])'),
    ("`slowcat [a, b]`", 'out: slowcat [s "bd", s "sn"]'),
    ("`wedge r p1 p2`", 'out: wedge 0.25 (s "bd") (s "sn")'),
    ("`sew \"t f\" p1 p2`", 'out: sew "t f" (s "bd*4") (s "hh*4")'),
    ("`stitch \"t f t f\" p1 p2`", 'out: stitch "t f t f" (s "bd") (s "hh")'),
    ("`choose [a, b]`", 'out: s (choose ["bd", "sn"])'),
    ("`wchoose [[a, 3], [b, 1]]`", 'out: s (wchoose [["bd", 3], ["sn", 1]])'),
    ("effect chains inside transforms `every 4 (# lpf 300 1)`", 'out: s "bd sn" $ every 4 (# lpf 300 1)'),
]

# statement words of this implementation that the original does not have: word -> what it does
ADDITIONS: dict[str, str] = {
    "limiter": "`limiter: C` puts a look-ahead limiter with ceiling C before the master "
               "(`limiter: off`, the default, leaves the master's hard clip)",
}

# -- §2.2 mini-notation: (construct, example) ------------------------------------------------
MINI: list[tuple[str, str]] = [
    ("`a b c` sequence, `~` rest", "a ~ c"),
    ("`[a b]` group", "[a b] c"),
    ("`[a b, c d e]` stack in brackets", "[a b, c d e]"),
    ("`(a b, c)` parenthesised stack", "(a b, c)"),
    ("`a b, c d` at top level", "a b, c d"),
    ("`a b | c d` at top level", "a b | c d"),
    ("`[a | b]`", "[a | b]"),
    ("`<a b c>` alternation", "<a b c>"),
    ("`a*3`, `*0`", "a*3 b*0"),
    ("`a*<2 3>`", "a*<2 3>"),
    ("`a/2`", "a/2"),
    ("`a/<2 3>`", "a/<2 3>"),
    ("`a(3,8)`, `a(3,8,2)` Euclid", "a(3,8) a(3,8,2)"),
    ("`bd(<3 5>,8,<0 2>)` patterned Euclid", "bd(<3 5>,8,<0 2>)"),
    ("`[…](3,8)`, `<…>(3,8)`", "[a b](3,8) <a b>(3,8)"),
    ("`a?`, `a?0.3`", "a? a?0.3"),
    ("`a@0.25`", "a@0.25"),
    ("`a . b c . d` feet", "a . b c . d"),
    ("`bd:3` sample index", "bd:3"),
    ("`c4'maj`, `e'min7`, `c4'maj(3,8)` chords", "c4'maj e'min7 c4'maj(3,8)"),
    ("`!` replicate", "bd!3"),
    ("`_` elongation", "bd _ _ sn"),
    ("`{…}`, `{…}%n` polymeter", "{a b c} {a b c}%4"),
    ("`..` ranges", "0 .. 3"),
    ("`^`", "a ^ b"),
    ("note names `c4`, `c#4`, `eb3`", "c4 c#4 eb3"),
    ("symbols `808bd`, `bd-10`, `kick.wav`, `bd_`", "808bd bd-10 kick.wav bd_"),
]

# -- §3.2 transforms -----------------------------------------------------------------------------
TRANSFORM_NAMES: list[str] = (
    "fast slow hurry squeeze fastGap rev palindrome mirror every every' whenmod foldEvery "
    "sometimes often rarely almostAlways almostNever always sometimesBy degrade degradeBy "
    "degradeSeed undegrade stutter stut echo ply shuffle scramble humanize swing groove chop "
    "striate slice splice bite chew loopAt segment discretise zoom compress compressGap focus "
    "trim trunc linger within inside outside chunk superimpose off jux juxBy iter iterBack rotL "
    "rotR rot early late offset wait spin gap binary dup fit loop loopback reset restart stripe "
    "struct euclid legato staccato stretch dur accelerate range quantize smooth exp log walk "
    "mask weave").split()

# -- §5 nodes: one row per entry, the original's name first, then its aliases ------------------
NODE_ROWS: list[tuple[str, ...]] = [
    ("sine",), ("saw",), ("square",), ("tri", "triangle"), ("sine_trig",), ("saw_trig",),
    ("square_trig",), ("tri_trig",), ("synth",), ("fm",), ("pm",), ("pulse",), ("vco",), ("blip",),
    ("impulse",), ("wavetable",), ("additive",), ("granular",), ("pluck",), ("waveguide",),
    ("formant",), ("vowel",), ("vocoder",), ("pitch_shift",), ("noise", "white_noise"),
    ("pink", "pink_noise"), ("brown_noise",), ("organ_hz", "organ"), ("saw_hz",),
    ("soft_saw_hz", "soft_saw"), ("square_hz",), ("triangle_hz",), ("superkick",), ("supersaw",),
    ("superpwm",), ("superchip",), ("superfm",), ("supersnare",), ("superhat",),
    ("lpf",), ("hpf",), ("bpf",), ("notch",), ("rlpf",), ("rhpf",), ("resonz",), ("bq_lp",),
    ("bq_hp",), ("bq_bp",), ("bq_notch",), ("svf_lp",), ("svf_hp",), ("svf_bp",), ("svf_notch",),
    ("moog_ladder", "moog"), ("moog_hz",), ("comb",), ("allpass",), ("djf",),
    ("parametric_eq", "eq"),
    ("reverb",), ("plate",), ("lush",), ("reverb_stereo",), ("convolve", "convolution"),
    ("freeze",), ("delay",), ("tapedelay", "tape"), ("multitap",), ("pingpong",), ("chorus",),
    ("fchorus",), ("flanger",), ("phaser", "ph"), ("tremolo", "trem"), ("vibrato", "vib"),
    ("distortion", "distort", "dist"), ("bitcrush",), ("coarse",), ("ring",), ("ring_mod",),
    ("fm_crossmod", "fmcrossmod"), ("compressor", "comp"),
    ("sidechain_compressor", "sidechain_comp", "sc_comp"), ("expander", "expand"), ("limiter",),
    ("transient_shaper", "tshaper"), ("widener", "width"), ("pan2",), ("pan2_l",), ("pan2_r",),
    ("gain",), ("amp",), ("tap", "probe"), ("vst", "vst2", "vst3", "au", "clap", "lv2", "plugin"),
    ("adsr",), ("ad",), ("env", "envelope"), ("env_trig",), ("asr",), ("tar",), ("tadsr",),
    ("gate",), ("trig",), ("line",), ("curve",), ("segments",), ("xline",), ("lag",), ("phasor",),
    ("rand",), ("irand",), ("run",), ("scan",), ("every_val",), ("sometimes_val",),
    ("sometimes_by_val",), ("whenmod_val",), ("every_effect",), ("sometimes_effect",),
    ("whenmod_effect",), ("rms",), ("peak_follower",), ("amp_follower",), ("schmidt",),
    ("latch",), ("timer",), ("sample_hold",), ("decimator",), ("wrap",), ("min",), ("range",),
    ("xfade",), ("mix",), ("if",), ("select",), ("mtof",), ("n",), ("note",), ("scale",), ("chord",),
]
# names of §5 that would be pattern transforms or controls here rather than nodes
PATTERN_NAMES = {"rand", "irand", "run", "scan", "n", "note", "scale", "chord"}

# -- how a supported row differs from the original, and why (turns "yes" into "differs") ----
DIFFERENT: dict[str, str] = {
    "`%name: \"1 2 4\"` (pattern variable)":
        "`%name: ~bus` needs a bus holding a pattern; the original samples a signal bus once "
        "per cycle, which patterns (computed ahead of the audio) cannot do here",
    "`outmix: none|gain|sqrt|tanh|hard`":
        "`hard` sounds like `none`: the master always clips at ±1 (the original's at ±0.95)",
    "`buffer: 1024`": "accepted and checked, not used: the block size is `-b` (the output does "
                      "not depend on it); the original stores it unused too",
    "`hush`, `hush2`": "in `phonon live` a save with `hush` silences at the next cycle boundary "
                       "(the hushed outputs' voices and tails stop with them)",
    "`panic`": "in `phonon live` the program swaps at the next block, hands no state over and "
               "fades the old program out over 5 ms",
    "`resetCycles`, `setCycle 4`, `nudge 0.1`":
        "in `phonon live` `setCycle`/`resetCycles` move the clock when the statement is new or "
        "changed, not at every save; a changed `nudge` shifts it by the difference",
    "auto-routing without `out` (`~master`, `~out`, `~d1`, all buses at -12 dB)":
        "with neither `~master` nor `~out`, every bus is summed at -12 dB (the original sums "
        "`~d1…`/`~out1…` at unity first)",
    "`|+ +| |- -| |* *| |/ /| |> <|` (and `|+|`, `|%`, `|<`, `>|` ...)":
        "between signals only `+ - * /` act (per sample); `%`, `<`, `>` are errors there",
    "literal pattern arithmetic `\"1 2\" + \"10 20 30\"`":
        "structure from the left (Tidal's `|+`, Strudel's `add`): 2 events; the original "
        "takes the union (5 events)",
    "self-reference feedback `~acc $ ~in + ~acc * 0.5`":
        "reads the bus 64 frames late (a feedback block), not one sample",
    "`cat [a, b]`": "Tidal's `cat`: one item per cycle (the original's `cat` is `fastcat`)",
    "`choose [a, b]`": "one item per cycle (Strudel's `chooseCycles`); Tidal's `choose` is "
                       "continuous and makes no events without `segment`",
    "`wchoose [[a, 3], [b, 1]]`": "one item per cycle (Strudel's `wchooseCycles`)",
    "`stack [a, b]`": "patterns stack into one pattern; signals are summed, as in the original",
    "`c4'maj`, `e'min7`, `c4'maj(3,8)` chords": "Tidal's chord table and modifiers ('i 'o 'd1 "
        "'5); a note-name root gives note names, c4 = 0 as everywhere here (Tidal names it c5)",
    "`(a b, c)` parenthesised stack": "accepted as a group, like [a b, c]",
    # mini-notation: Tidal wins where the original differs
    "`a b, c d` at top level": "Tidal: a stack (the original drops everything after the comma)",
    "`a b | c d` at top level": "Tidal: a random choice (the original plays both)",
    "`[a | b]`": "Tidal: a random choice (the original skips the `|`)",
    "`a/<2 3>`": "Tidal: patterned slow (the original ignores it)",
    "`a(3,8)`, `a(3,8,2)` Euclid": "Tidal's hit positions and rotation direction (the "
                                   "original's (5,8) is a rotation of Tidal's)",
    "`a?`, `a?0.3`": "Tidal's seeded random stream (the original hashes the onset)",
    "`a@0.25`": "Tidal: `@` is a weight (the original shifts the event late)",
    "`[…](3,8)`, `<…>(3,8)`": "patterned arguments work on groups too",
    "`!` replicate": "Tidal (the original skips `!`)",
    "`_` elongation": "Tidal (the original skips `_`)",
    "`{…}`, `{…}%n` polymeter": "Tidal (the original skips `{ }`)",
    "`..` ranges": "Tidal (not in the original)",
    # transforms: Tidal's meaning where the original's differs
    "rev": "Tidal's time mirror (the original reverses the values and keeps the onsets)",
    "palindrome": "Tidal: every other cycle reversed (the original overlaps two copies)",
    "whenmod": "Tidal: applies when cycle mod m >= o (the original: when (cycle - o) mod m == 0)",
    "shuffle": "Tidal: a permutation of n slices (the original jitters onsets by ±amount cycles)",
    "scramble": "Tidal: n slices picked at random (the original's has no audible effect)",
    "swing": "Tidal's `swing n` (the original shifts odd events of each query)",
    "stut": "Tidal's argument order `stut count feedback time` (the original: n time decay)",
    "echo": "Tidal's `echo count time feedback`, feedback applied (the original ignores it)",
    "segment": "Tidal: samples the pattern n times a cycle (the original splits the query)",
    "iter": "Tidal's rotation by 1/n per cycle (the original shifts queries only)",
    "iterBack": "Tidal's rotation by 1/n per cycle (the original shifts queries only)",
    "chunk": "Tidal: the function applies to one chunk in turn (the original substitutes values)",
    "within": "Tidal's `within (b, e) f`, written `within b e f`",
    "ply": "derived from whole events (the original splits query fragments)",
    "legato": "the legato control (`# legato`); `$ legato 1` sets it",
    "mirror": "= palindrome, Tidal's (the original's overlapped two copies)",
    "focus": "Tidal/Strudel's focus (compress without gaps); the original's was zoom",
    "gap": "Tidal's gap n (chop n, every other grain silent); the original played only the "
           "cycles divisible by n",
    "spin": "Tidal's spin (copies shifted by i/n and panned); the original's was a slowcat of "
            "rotations",
    "stretch": "Tidal's stretch (zoom onto the cycle's sounding span); the original's was legato 1",
    "undegrade": "Strudel's undegrade (the events degrade drops); the original's was the identity",
    "stripe": "Tidal's stripe; the durations come from this engine's random stream",
    "weave": "Tidal's weave t [patterns] (the original always failed)",
    "foldEvery": "both forms: the original's foldEvery [f, g] n and Tidal's foldEvery [3, 5] f",
    "chew": "chew n is the original's (= iter n, from whole events); chew n \"0 1\" is Tidal's",
    "fit": "fit n is the original's (slow n); fit step [list] is Tidal's",
    "inside": "inside b e f is the original's; inside n f is Tidal's",
    "outside": "outside b e f is the original's; outside n f is Tidal's",
    "stutter": "stutter n is the original's (ply n, from whole events); stutter n t is Tidal's",
    "smooth": "smooth a is the original's (per cycle); smooth (no argument) is Tidal's glide",
    "humanize": "velocity varies the gain too (the original ignored it); shifts come from onsets",
    "groove": "delays from each event's onset (the original shifted query fragments)",
    "reset": "the original's meaning (restart every n cycles); Strudel's trigger form is not provided",
    "restart": "the original's meaning (restart every n cycles); Strudel's trigger form is not provided",
    "loop": "$ loop n plays n times per cycle (the original's); # loop n is SuperDirt's sample loop",
    "every'": "Tidal's every' n o f (the original: (cycle - o) mod n == 0, the same cycles for 0 <= o < n)",
    "walk": "restarts every cycle (a walk from whole events cannot carry over all history)",
    "trim": "keeps the events starting in [b, e) in place (the original's code zoomed)",
    "accelerate": "sets the accelerate control (the original's was a no-op)",
    "binary": "bit b of the event's cycle (the original tested the query's cycle)",
}
NOTES: dict[str, str] = {
    "`fn name p1 p2 = expr`": "also `fn name a b: expr`",
    "`@name: expr` (template)": "any transform after `$`; after `#` every stage of a multi-stage "
                                "body is chained with the input kept (the original loses it)",
    "`~name $ transform` (transform bus)": "any transform or composition (the original: one "
                                           "\"simple\" transform)",
    "`~name # expr` (modifier bus)": "a multi-stage body keeps the chain input",
    "`|+ +| |- -| |* *| |/ /| |> <|` (and `|+|`, `|%`, `|<`, `>|` ...)":
        "checked against Strudel (tests/patterns/strudel_expressions.jsonl)",
    "`bpm: 120`, `bpm: 120 \"4/4\"`": "cps = bpm / 60 (one beat per cycle), as in the original; "
                                     "the meter is checked and shown by `phonon check`",
}


def _compiles(source: str) -> bool:
    try:
        compile_program(source)
    except PhononError:
        return False
    return True


def _parses(text: str) -> bool:
    try:
        mini(text)
    except Exception:  # noqa: BLE001 - any failure means "not supported"
        return False
    return True


def _status(available: bool, key: str) -> tuple[str, str]:
    """(status, remark) of a row: a `DIFFERENT` entry makes a supported row "differs"."""
    if not available:
        return NOT_YET, NOTES.get(key, "")
    diff = DIFFERENT.get(key)
    return (DIFFERS if diff else YES), "; ".join(t for t in (diff, NOTES.get(key)) if t)


def _rows(items: Iterable[tuple[str, bool]]) -> list[tuple[str, str, str]]:
    return [(key, *_status(ok, key)) for key, ok in items]


def builtin_names(registry: Registry) -> set[str]:
    """Every name (aliases included) of the built-in node library."""
    names: set[str] = set()
    for entry in registry.entries():
        if entry.source == "built-in":
            spec = entry.cls.spec
            names.add(spec.name)
            names.update(spec.aliases)
    return names


def node_rows(registry: Registry) -> list[tuple[str, str, str]]:
    names = builtin_names(registry)
    out = []
    for row in NODE_ROWS:
        key = " / ".join(f"`{n}`" for n in row)
        have = [n for n in row if n in names or (n in PATTERN_NAMES and n in _pattern_names())]
        status, text = _status(bool(have), key)
        missing = [n for n in row if n not in have]
        if have and missing:
            text = "; ".join(t for t in (f"not yet: {', '.join(missing)}", text) if t)
        if have and row[0] in PATTERN_NAMES and row[0] not in names:
            text = "; ".join(t for t in ("a pattern control or transform here", text) if t)
        out.append((key, status, text))
    return out


def _pattern_names() -> set[str]:
    """Names a program can call as a pattern transform or control."""
    return set(TRANSFORMS) | set(CONTROLS)


def sections(registry: Registry | None = None) -> list[tuple[str, list[tuple[str, str, str]]]]:
    registry = registry if registry is not None else default_registry()
    return [
        ("Statements and expression forms (PHONON-RS §1.2-1.4)",
         _rows((key, _compiles(src)) for key, src in STATEMENTS)),
        ("Mini-notation (§2.2)", _rows((key, _parses(ex)) for key, ex in MINI)),
        ("Transforms (§3.2)", _rows((name, name in TRANSFORMS) for name in TRANSFORM_NAMES)),
        ("Nodes and functions (§5)", node_rows(registry)),
    ]


HEADER = """# Compatibility with the Rust original

One row per statement, expression form, mini-notation construct, transform and node of the Rust
Phonon (the design folder's PHONON-RS.md §1-3 and §5). **yes**: supported with the original's
meaning; **differs**: supported, with the difference and the reason; **not yet**: missing.
Where Tidal/Strudel and the original disagree, Tidal wins (LANGUAGE.md) and the row says so.

This page is generated: `python -m phonon.lang.compat --write docs/compat.md`. The status
column comes from the registries (a statement's example compiles, a construct's example
parses, the transform table, the built-in node library), the remarks from `DIFFERENT` and
`NOTES` in `core/lang/compat.py`. After adding a transform or a node, run the command and
commit the page; add a `DIFFERENT` entry when the meaning is not the original's.
`tests/lang/test_lang_compat.py` fails while the page and the registries disagree.
"""


def _cell(text: str) -> str:
    """Markdown table cell text: `|` escaped."""
    return text.replace("|", "\\|")


def render(registry: Registry | None = None) -> str:
    out = [HEADER]
    for i, (title, rows) in enumerate(sections(registry)):
        counts = {s: sum(1 for _, st, _ in rows if st == s) for s in (YES, DIFFERS, NOT_YET)}
        out.append(f"## {title}\n")
        out.append(f"{counts[YES]} yes, {counts[DIFFERS]} differ, {counts[NOT_YET]} not yet "
                   f"(of {len(rows)}).\n")
        out.append("| original | status | difference, remark |\n|---|---|---|")
        for key, status, text in rows:
            name = key if "`" in key else f"`{key}`"
            out.append(f"| {_cell(name)} | {status} | {_cell(text)} |")
        out.append("")
        if i == 0 and ADDITIONS:
            out.append("Statements the original does not have: "
                       + "; ".join(ADDITIONS[w] for w in sorted(ADDITIONS)) + ".\n")
    return "\n".join(out)


def main(argv: list[str] | None = None, write: Callable[[str], None] = sys.stdout.write) -> int:
    parser = argparse.ArgumentParser(prog="python -m phonon.lang.compat", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="PATH", help="write the page to PATH")
    group.add_argument("--check", metavar="PATH", help="exit 1 when PATH differs from the page")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        return 0
    if args.check:
        if Path(args.check).read_text(encoding="utf-8") != text:
            write(f"{args.check} is out of date: run python -m phonon.lang.compat --write {args.check}\n")
            return 1
        return 0
    write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

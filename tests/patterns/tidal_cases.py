"""Cases answered by real TidalCycles (Debian's libghc-tidal-dev 1.7.10, run in ghci) for the
functions Strudel lacks or defines differently: each is (Tidal expression, kind, begin, end,
the same pattern built with phonon). `pin_tidal_answers.py` asks Tidal and writes
tidal_pinned.jsonl; test_tidal_pinned.py compares. Note names differ between Tidal (c5 = 0) and
Phonon (c4 = 0), so chords here use number roots or octave-less names (`c`, `e`: 0 and 4 in
both)."""
from __future__ import annotations

from phonon.patterns import TRANSFORMS as T, mini
from phonon.patterns.controls import n, pan, s, speed

F2 = T["fast"].fn(2)


def _t(name: str, *args):
    return T[name].fn(*args)


def _v(name: str, arity: int, *args):
    return T[name].for_arity(arity).fn(*args)


# (Tidal expression, kind: str | ctl | dbl, begin, end, phonon builder)
CASES = [
    ('rot 1 "a ~ b c"', "str", 0, 2, lambda: _t("rot", 1, mini("a ~ b c"))),
    ('rot "<0 1 -1>" "a b c d"', "str", 0, 3, lambda: _t("rot", "<0 1 -1>", mini("a b c d"))),
    ('rot 2 "a [b c] ~ d e"', "str", 0, 1, lambda: _t("rot", 2, mini("a [b c] ~ d e"))),
    ('spin 2 $ s "bd sn"', "ctl", 0, 1, lambda: _t("spin", 2, s("bd sn"))),
    ('spin 3 $ s "bd sn" # pan 0.2', "ctl", 0, 2, lambda: _t("spin", 3, s("bd sn").merge(pan(0.2)))),
    ('gap 4 $ s "bd sn"', "ctl", 0, 1, lambda: _t("gap", 4, s("bd sn"))),
    ('gap 3 $ s "bd*2 sn"', "ctl", 0, 1, lambda: _t("gap", 3, s("bd*2 sn"))),
    ('chew 4 "0 1 [2 3]" $ n "0 .. 7" # s "x"', "ctl", 0, 1,
     lambda: _t("chew", 4, "0 1 [2 3]", n("0 .. 7").merge(s("x")))),
    ('chew 4 "0 [1 1]" $ s "a b c d" # speed 2', "ctl", 0, 1,
     lambda: _t("chew", 4, "0 [1 1]", s("a b c d").merge(speed(2)))),
    ('bite 4 "0 2 [1 3]" "a b c d e f g h"', "str", 0, 1,
     lambda: _t("bite", 4, "0 2 [1 3]", mini("a b c d e f g h"))),
    ('fit 3 ["bd","sn","arpy","arpy:1","casio"] "0 [~ 1] 2 1"', "str", 0, 2,
     lambda: _t("fit", 3, ["bd", "sn", "arpy", "arpy:1", "casio"], mini("0 [~ 1] 2 1"))),
    ('stretch "~ a b ~ c ~"', "str", 0, 1, lambda: _t("stretch", mini("~ a b ~ c ~"))),
    ('stretch "~ <a ~> b c ~"', "str", 0, 2, lambda: _t("stretch", mini("~ <a ~> b c ~"))),
    ('scale "major" "0 .. 7"', "dbl", 0, 1, lambda: _t("scale", "major", mini("0 .. 7"))),
    ('scale "<minor ritusen>" "0 2 4 -1 -3 9"', "dbl", 0, 2,
     lambda: _t("scale", "<minor ritusen>", mini("0 2 4 -1 -3 9"))),
    ('scale "hexSus" "-7 .. 7"', "dbl", 0, 1, lambda: _t("scale", "hexSus", mini("-7 .. 7"))),
    ('toScale [0,2,7] "0 1 2 3 4 -1"', "dbl", 0, 1, lambda: _t("toScale", [0, 2, 7], mini("0 1 2 3 4 -1"))),
    ("toScale' 10 [0,2,7] \"0 1 2 3 4 -1\"", "dbl", 0, 1,
     lambda: _t("toScale'", 10, [0, 2, 7], mini("0 1 2 3 4 -1"))),
    ('quantise 1 "0.4 1.6 2.5 -0.5"', "dbl", 0, 1, lambda: _t("quantise", 1, mini("0.4 1.6 2.5 -0.5"))),
    ('quantise 4 "0.3 1.6 -0.13"', "dbl", 0, 1, lambda: _t("quantise", 4, mini("0.3 1.6 -0.13"))),
    ("every' 3 1 (fast 2) \"a b\"", "str", 0, 4, lambda: _t("every'", 3, 1, F2, mini("a b"))),
    ('foldEvery [2,3] (fast 2) "a b"', "str", 0, 4, lambda: _t("foldEvery", [2, 3], F2, mini("a b"))),
    ('discretise 2 "a b c d"', "str", 0, 1, lambda: _t("discretise", 2, mini("a b c d"))),
    ('weave 4 (speed "1 2 3 4") [s "a b", s "c"]', "ctl", 0, 4,
     lambda: _t("weave", 4, [s("a b"), s("c")], speed("1 2 3 4"))),
    ('weave 3 (speed "1 2") [s "a*2", s "c", s "d e"]', "ctl", 0, 3,
     lambda: _t("weave", 3, [s("a*2"), s("c"), s("d e")], speed("1 2"))),
    ('arp "<up down diverge>" $ n "<c\'maj e\'min>"', "ctl", 0, 3,
     lambda: _t("arp", "<up down diverge>", n("<c'maj e'min>"))),
    ('arp "updown thumbup" $ n "<c\'maj7 e\'min7>"', "ctl", 0, 2,
     lambda: _t("arp", "updown thumbup", n("<c'maj7 e'min7>"))),
    ('arp "<converge disconverge pinkyup pinkyupdown thumbupdown>" $ n "0\'major\'4"', "ctl", 0, 5,
     lambda: _t("arp", "<converge disconverge pinkyup pinkyupdown thumbupdown>", n("0'major'4"))),
    ('arp (cat [pure "up&down", pure "down&up", pure "downup"]) $ n "c\'min7"', "ctl", 0, 3,
     lambda: _t("arp", "<up&down down&up downup>", n("c'min7"))),
    ('n "c\'maj e\'min7 0\'major\'i a\'dim7\'5"', "ctl", 0, 1, lambda: n("c'maj e'min7 0'major'i a'dim7'5")),
    ('n "c\'major\'o e\'min7\'10 g\'dom7\'ii"', "ctl", 0, 1, lambda: n("c'major'o e'min7'10 g'dom7'ii")),
    ('n "0\'sixby9 3\'m7f5 5\'nineSus4\'iii 7\'7sus2\'o"', "ctl", 0, 1,
     lambda: n("0'sixby9 3'm7f5 5'nineSus4'iii 7'7sus2'o")),
    ('n "c\'maj(3,8) e\'m9sharp5"', "ctl", 0, 1, lambda: n("c'maj(3,8) e'm9sharp5")),
]

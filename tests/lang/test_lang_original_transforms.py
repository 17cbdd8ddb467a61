"""Programs that use the Rust original's transform calls and pitch forms, compiled with the real
pattern engine: the argument count picks the transform's form (`stutter 4` vs `stutter 4 0.125`),
`every'`, both `foldEvery` forms, `n ... # scale "minor"`, chords, `(a b, c)`, and `n`/`note`
patterns as frequencies of an oscillator (rendered and measured)."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

import phonon
from phonon.lang.compiler import compile_program
from phonon.errors import PhononError


def events(program: str, a=0, b=1):
    """Onsets of the first pattern argument in a compiled program (its `s` event node)."""
    graph = compile_program(program)
    for node in graph.nodes.values():
        for p in node.params.values():
            pat = getattr(p, "pattern", None)
            if pat is not None:
                return [(e.whole.begin, e.value) for e in pat.onsets(a, b)]
    raise AssertionError("no pattern in the program")


def test_the_number_of_arguments_picks_the_form():
    assert [t for t, _ in events('out: s "bd sn" $ stutter 4')] == [F(k, 8) for k in range(8)]
    assert [t for t, _ in events('out: s "bd" $ stutter 3 (1/8)')] == [0, F(1, 8), F(1, 4)]
    inside = events('out: n ("0 1 2 3" $ inside 0 0.5 (fast 2)) # s "x"')
    assert [v["n"] for _, v in inside] == [0, 1, 0, 2, 1, 3]  # f applies to the first half only, then both play
    assert [v["n"] for _, v in events('out: n ("0 1 2 3 4 5 6 7" $ inside 2 rev) # s "x"')] == \
        [3, 2, 1, 0, 7, 6, 5, 4]


def test_every_offset_and_both_fold_every_forms():
    assert [t for t, _ in events("out: s \"a b\" $ every' 3 1 (fast 2)", 0, 2)] == \
        [0, F(1, 2), 1, F(5, 4), F(3, 2), F(7, 4)]
    orig = events('out: s "a b" $ foldEvery [rev, fast 2] 2', 0, 3)
    assert [v["s"] for _, v in orig] == ["b", "a", "a", "b", "a", "b", "a", "b"]
    tidal = events('out: s "a b" $ foldEvery [2, 3] (fast 2)', 2, 3)
    assert [t for t, _ in tidal] == [2, F(9, 4), F(5, 2), F(11, 4)]


def test_scale_chained_with_hash_and_chords():
    assert [v["n"] for _, v in events('out: n "0 2 4 -1" # scale "minor" # s "superpiano"')] == [0, 3, 7, -2]
    assert [v["n"] for _, v in events("out: n \"c'maj e4'min7'ii\" # s \"superpiano\"")] == \
        [0, 4, 7, 11, 14, 16, 19]
    assert [v["s"] for _, v in events('out: s "(bd sn, hh) cp"')] == ["bd", "hh", "sn", "cp"]


def test_bad_scale_and_chord_names_are_located():
    with pytest.raises(PhononError) as e:
        compile_program('out: n "0 2" # scale "minr" # s "x"')
    assert "unknown scale 'minr'" in str(e.value) and e.value.col == 16
    with pytest.raises(PhononError) as e:
        compile_program("out: n \"c4'mja\" # s \"x\"")
    assert "unknown chord 'mja'" in str(e.value) and e.value.col == 9


def _peak_hz(x: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum)) * sr / len(x)


@pytest.mark.parametrize("pitches", ['n "9 21"', 'note "a4 a5"', "note \"a4'one a5'one\""])
def test_n_and_note_patterns_are_frequencies(pitches):
    sr = 48000
    audio = phonon.render(f"cps: 1\nout: sine ({pitches}) * 0.5", 1.0, sr=sr)
    first, second = audio[0, 2000:22000], audio[0, 26000:46000]
    assert abs(_peak_hz(first, sr) - 440) < 3 and abs(_peak_hz(second, sr) - 880) < 3

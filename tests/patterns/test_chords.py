"""Chord words in mini-notation (`c4'maj`, `0'major'i`, Tidal's table and voicing modifiers).
Single-modifier chords are pinned against Tidal 1.7.10 in tidal_pinned.jsonl; Tidal 1.7 reads
one modifier only, so chains of modifiers are checked here against Tidal 1.9's definitions
(each modifier applied in turn)."""
from __future__ import annotations

import pytest

from phonon.errors import MiniNotationError
from phonon.patterns import mini
from phonon.patterns.controls import n, note
from phonon.patterns.harmony import CHORDS, SCALES, chord_notes


def values(pat, a=0, b=1):
    return [e.value for e in pat.onsets(a, b)]


def test_note_name_roots_give_note_names_and_number_roots_numbers():
    assert values(mini("c4'maj")) == ["c4", "e4", "g4"]
    assert values(mini("e'min7")) == ["e4", "g4", "b4", "d5"]       # no octave: octave 4
    assert values(mini("0'major 2.5'five")) == [0, 4, 7, 2.5, 9.5]
    assert values(note("c4'maj e4'min7")) == [{"note": x} for x in (0, 4, 7, 4, 7, 11, 14)]
    assert values(n("c'maj")) == [{"n": 0}, {"n": 4}, {"n": 7}]


@pytest.mark.parametrize("word, want", [
    ("0'major'ii", [7, 12, 16]),                  # two inversions
    ("0'major'i'o", [-8, 0, 7]),                  # invert (4 7 12), then open
    ("0'dom7'd1", [-2, 0, 4, 7]),                 # drop the top voice
    ("0'dom7'd2", [-5, 0, 4, 10]),                # drop the second from the top
    ("0'major'5'i", [4, 7, 12, 16, 12]),          # five voices, then invert
    ("0'maj'o'o", [-24, -8, -5]),                  # open twice
    ("0'one'3", [0, 12, 24]),
])
def test_modifier_chains(word, want):
    assert values(mini(word)) == want


def test_chords_take_the_operators_of_any_step():
    assert [(e.whole.begin, e.value) for e in mini("0'major(3,8)").onsets(0, 1)][:4] == \
        [(0, 0), (0, 4), (0, 7), (0.375, 0)]
    assert len(mini("<0'maj 2'min7>*2").onsets(0, 1)) == 7


@pytest.mark.parametrize("text, message, col", [
    ("bd c4'mja", "unknown chord 'mja'; did you mean 'maj'", 4),
    ("c4'", "needs a chord name", 1),
    ("a 'maj", "needs a root", 3),
    ("x'maj", "neither a number nor a note name", 1),
    ("c'maj'q", "unknown chord modifier 'q'", 1),
])
def test_bad_chord_words_name_the_column(text, message, col):
    with pytest.raises(MiniNotationError) as e:
        mini(text)
    assert message in e.value.message and e.value.col == col


def test_tables_have_tidal_and_the_originals_names():
    assert CHORDS["major"] == (0, 4, 7) and CHORDS["m13"] == (0, 3, 7, 10, 14, 17, 21)
    assert CHORDS["7"] == (0, 4, 7, 10) and CHORDS["hdim7"] == CHORDS["m7b5"] == (0, 3, 6, 10)
    assert len(CHORDS) >= 130 and len(SCALES) >= 85
    assert SCALES["bayati"][1] == 1.5 and SCALES["blues"] == (0, 3, 5, 6, 7, 10)
    assert chord_notes("major", ["i"]) == [4, 7, 12]

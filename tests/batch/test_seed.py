"""A seed fixes all randomness of a render (pattern randomness and seeded nodes) and selects
another stream; seed 0 is Tidal/Strudel's own. Sessions with different seeds in one process do
not disturb each other, and the actor runtime renders the same samples."""
import numpy as np

import phonon
from phonon.engine import SessionOptions, open_session
from phonon.patterns import mini
from phonon.patterns.signals import get_seed, seeded

PATTERNS = 'cps: 1\n~a: s "bd*16?" # gain 0.8\n~b: s "hh*8" $ sometimes (# speed 2)\nout: ~a + ~b\n'
NOISE = 'cps: 1\n~n: noise * 0.2\n~p: pink * 0.2\n~h: superhat\nout: ~n + ~p + ~h\n'
SR = 22050


def test_seed_zero_is_strudels_stream_and_seeds_change_the_choices():
    with seeded(0):
        strudel = [e.whole.begin for e in mini("bd*16?").query(0, 1)]
    with seeded(7):
        other = [e.whole.begin for e in mini("bd*16?").query(0, 1)]
        assert get_seed() == 7
    assert get_seed() == 0
    assert strudel != other and 4 <= len(other) <= 12
    phonon.render(PATTERNS, 0.1, sr=SR, seed=9)
    assert get_seed() == 0                           # a render leaves the caller's seed alone
    a = phonon.render(PATTERNS, 1.0, sr=SR)
    assert np.array_equal(a, phonon.render(PATTERNS, 1.0, sr=SR, seed=0))
    b = phonon.render(PATTERNS, 1.0, sr=SR, seed=7)
    assert np.array_equal(b, phonon.render(PATTERNS, 1.0, sr=SR, seed=7))
    assert not np.array_equal(a, b)


def test_seed_reaches_noise_and_drum_synths():
    a, b = (phonon.render(NOISE, 0.5, sr=SR, seed=s) for s in (0, 3))
    assert np.array_equal(b, phonon.render(NOISE, 0.5, sr=SR, seed=3))
    for ch in range(2):
        assert abs(np.corrcoef(a[ch], b[ch])[0, 1]) < 0.2      # another noise stream


def test_interleaved_sessions_keep_their_own_seed():
    expect = {s: phonon.render(PATTERNS, 1.0, sr=SR, block=512, seed=s) for s in (1, 2)}
    one, two = (open_session(PATTERNS, SessionOptions(sr=SR, block=512, seed=s)) for s in (1, 2))
    got = {1: [], 2: []}
    for _ in range(-(-SR // 512)):
        got[1].append(one.run_block().copy())
        got[2].append(two.run_block().copy())
    for s, sess in ((1, one), (2, two)):
        sess.close()
        assert np.array_equal(np.concatenate(got[s], axis=1)[:, :SR], expect[s])


def test_actor_runtime_renders_the_seeded_stream():
    inline = phonon.render(PATTERNS + "~n: noise * 0.1\nout2: ~n\n", 1.0, sr=SR, seed=5)
    actors = phonon.render(PATTERNS + "~n: noise * 0.1\nout2: ~n\n", 1.0, sr=SR, seed=5, workers=2)
    assert np.array_equal(inline, actors)


def test_every_seed_gives_its_own_choices():
    kept = []
    for seed in range(24):
        with seeded(seed):
            kept.append(tuple(e.whole.begin for e in mini("bd*32?").query(0, 2)))
    assert len(set(kept)) == 24                      # 64 coin flips each: all streams differ
    for k in kept[1:]:                               # and none is Strudel's with a few flips
        assert len(set(k) ^ set(kept[0])) >= 12

"""Live edits (issue 13): a save caught half-written is never played (the reloader waits until
the writer closed the file), and an edit that floods events is rejected at once while the old
program keeps playing (it used to wedge the reload thread at 1.3 GB and rising)."""
from __future__ import annotations

import threading
import time

from phonon.engine.render import compile_source
from phonon.engine.session import Session
from phonon.live.player import Player
from phonon.live.reloader import Reloader

OLD = 'cps: 1\nout: s "rim ~ ~ ~"\n'


def _reloader(tmp_path, results, **kw):
    path = tmp_path / "live.ph"
    path.write_text(OLD)
    player = Player(Session(compile_source(OLD, file=str(path)), 8000, 256))
    reloader = Reloader(path, player, results.append, **kw)
    reloader.last_text = OLD
    return path, player, reloader


def test_a_half_written_save_is_never_played(tmp_path):
    """The first half parsed on its own (`out: sine 440`) and played for a cycle, loud, before
    the rest (`* 0.1`) arrived 0.4 s later."""
    results = []
    path, player, reloader = _reloader(tmp_path, results)
    full = 'cps: 1\nout: sine 440 * 0.1\n'
    reloader.start()
    try:
        with open(path, "w") as f:                     # an in-place save in two writes
            f.write(full[:22])                         # 'cps: 1\nout: sine 440 ' parses
            f.flush()
            time.sleep(0.4)
            f.write(full[22:])
        assert reloader.wait_idle(10)
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        reloader.stop()
    assert [r.ok for r in results] == [True]
    assert reloader.last_text == full


def test_a_writer_that_keeps_the_file_open_is_read_after_it_stays_unchanged(tmp_path):
    results = []
    path, player, reloader = _reloader(tmp_path, results, open_quiet=0.3)
    reloader.notify(complete=False)                    # modified, not closed
    t0 = time.monotonic()
    path.write_text('cps: 1\nout: s "rim rim"\n')
    reloader.start()
    try:
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        reloader.stop()
    assert [r.ok for r in results] == [True] and time.monotonic() - t0 >= 0.3


def test_an_event_flood_is_rejected_at_once_and_the_next_good_edit_plays(tmp_path):
    results = []
    path, player, reloader = _reloader(tmp_path, results)
    path.write_text('cps: 1\nout: s "bd*100000000"\n')
    t0 = time.monotonic()
    bad = reloader.reload()
    assert time.monotonic() - t0 < 5
    assert not bad.ok and not player.pending
    assert bad.message.startswith(f"error: {path}:2:6: the pattern bd*100000000 makes more than "
                                  "10000 events in one cycle")
    path.write_text('cps: 1\nout: s "rim rim ~ ~"\n')
    good = reloader.reload()
    assert good.ok and player.pending
    assert [r.ok for r in results] == [False, True]


def test_live_refuses_bad_arguments_and_special_files_in_one_line(tmp_path):
    from .probe_run import phonon
    (tmp_path / "p.ph").write_text(OLD)
    for args, message in [
        (["p.ph", "-b", "0"], "the block must be 1-65536 frames and the latency 0-10 s"),
        (["p.ph", "-b", "1000000000"], "the block must be 1-65536 frames and the latency 0-10 s"),
        (["p.ph", "--workers", "-1"], "--workers must not be negative"),
        (["p.ph", "--duration", "nan"], "--duration must be a positive number of seconds"),
        (["/dev/zero"], "cannot read /dev/zero: not a regular file (a device, FIFO or socket): "
                        "give a .ph program file"),
    ]:
        run = phonon("live", *args, cwd=tmp_path, timeout=30)
        assert (run.status, run.stderr) == (2, f"phonon live: {message}\n"), args

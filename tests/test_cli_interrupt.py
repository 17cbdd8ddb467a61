"""Ctrl-C at any moment of a command, from its first milliseconds (while the parser and the
command's imports are being built) to its end: exit status 130 and no traceback.

Each command is started as a real `phonon` process and sent SIGINT after several delays, the
first ones just after the interpreter's own start (measured here, as it varies with the
machine's load). A SIGINT that lands before `phonon.cli.main` runs is Python's and is not
counted: inside the interpreter's start (CPython reports "Fatal Python error:
init_import_site") or inside the launcher script's own lines (its first instruction, reported
as "line 0", its `import re`, its `from phonon.cli import main`: about a millisecond, as the
package and the CLI module import nothing heavy). Such a traceback has no frame of `main`:
every line of Phonon's own that runs after the import runs under `main`. Each command must show at
least MIN_INTERRUPTED interruptions of Phonon's own code, each with status 130 and no
traceback."""
from __future__ import annotations

import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

PHONON = [str(Path(sys.executable).with_name("phonon"))]
OFFSETS = (0.0, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.25, 0.4)
MIN_INTERRUPTED = 4
PYTHON_START = "init_import_site"          # CPython's message for an interrupted start


def before_main(err: str) -> bool:
    """Was the SIGINT handled by Python before Phonon's `main` ran?"""
    if PYTHON_START in err:
        return True
    return "Traceback" in err and ", in main\n" not in err and ", in _main\n" not in err


def interpreter_start() -> float:
    """Seconds this machine takes, right now, to start this Python with its site packages."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _terminal_sigint() -> None:
    """In the child: SIGINT's default action, as from a terminal (a test run started in the
    background by a non-interactive shell ignores SIGINT, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(args: list[str], delay: float, cwd: Path, done: str) -> tuple[int | None, str]:
    """Start `phonon ARGS`, SIGINT it after `delay` s; (status, stderr), status None when the
    command had already finished (nothing was interrupted): it had exited before the signal,
    or it exits 0 having printed its result `done` (a SIGINT that lands once the command is over is
    ignored while the process exits: seen for `check` at 0.42 s, between `poll` and the
    signal). A command that swallowed a Ctrl-C and went on would be counted as finished, so
    MIN_INTERRUPTED real interruptions per command are required."""
    proc = subprocess.Popen([*PHONON, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=cwd, preexec_fn=_terminal_sigint)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    finished = finished or (proc.returncode == 0 and done in out)
    return (None if finished else proc.returncode), err


@pytest.mark.parametrize("args, done", [(["render", "prog.ph", "out.wav", "-d", "600"], "wrote"),
                                        (["check", "prog.ph"], "ok")], ids=["render", "check"])
def test_ctrl_c_from_the_first_milliseconds_exits_130_without_traceback(tmp_path, args, done):
    (tmp_path / "prog.ph").write_text('cps: 1\nout: s "bd*4" + saw 55 # lpf 800 0.7\n')
    interrupted = 0
    for attempt in range(3):                    # later, if the load hid the early window
        start = interpreter_start() * (1 + attempt)
        for offset in OFFSETS:
            status, err = interrupt(args, start + offset, tmp_path, done)
            wrote = (tmp_path / "out.wav").exists()
            (tmp_path / "out.wav").unlink(missing_ok=True)      # a finished render's
            if status is None or before_main(err):
                continue
            assert "Traceback" not in err, f"SIGINT after {start + offset:.3f} s:\n{err}"
            assert status == 130, f"SIGINT after {start + offset:.3f} s: status {status}\n{err}"
            assert not wrote, f"SIGINT after {start + offset:.3f} s: out.wav written"
            interrupted += 1
        if interrupted >= MIN_INTERRUPTED:
            break
    assert interrupted >= MIN_INTERRUPTED

"""Capture a JACK client's output independently (run as a subprocess by the live tests).

    python jack_capture.py SOURCE_CLIENT SECONDS OUT.npz

Opens a JACK input stream as client `phonon-capture`, waits for `SOURCE_CLIENT:out_0/1`,
connects them to its inputs, prints `connected` and records SECONDS of audio; the npz holds
`audio` ((frames, 2) float32), `stamps` ((callbacks, 2): frames before the callback, its wall
time) and `overflows` (callbacks flagged input_overflow).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys
import time

import numpy as np

NAME = ctypes.c_char_p(b"phonon-capture")


def main(source: str, seconds: float, out: str) -> int:
    lib = ctypes.CDLL(ctypes.util.find_library("portaudio") or "libportaudio.so.2")
    lib.PaJack_SetClientName(NAME)
    import sounddevice as sd

    jack = next(i for i, a in enumerate(sd.query_hostapis())
                if a["name"] == "JACK Audio Connection Kit")
    device = sd.query_hostapis(jack)["default_input_device"]
    sr = int(sd.query_devices(device)["default_samplerate"])
    total = int(seconds * sr)
    audio = np.zeros((total, 2), dtype=np.float32)
    stamps: list[tuple[int, float]] = []
    state = {"n": 0, "overflows": 0}

    def callback(indata, frames, time_info, status):
        if status.input_overflow:
            state["overflows"] += 1
        n = state["n"]
        stamps.append((n, time.time()))
        take = min(frames, total - n)
        if take > 0:
            audio[n:n + take] = indata[:take]
        state["n"] = n + frames

    deadline = time.time() + 30
    while time.time() < deadline:
        ports = subprocess.run(["jack_lsp"], capture_output=True, text=True).stdout.split()
        if f"{source}:out_0" in ports:
            break
        time.sleep(0.05)
    else:
        print(f"no port {source}:out_0", flush=True)
        return 2
    with sd.InputStream(device=device, channels=2, samplerate=sr, dtype="float32",
                        callback=callback):
        for i in range(2):
            subprocess.run(["jack_connect", f"{source}:out_{i}", f"phonon-capture:in_{i}"],
                           check=True)
        print("connected", flush=True)
        said = 0
        while state["n"] < total:            # progress, for the test's deadline polls
            time.sleep(0.01)
            if state["n"] >= said + sr // 10:
                said = state["n"]
                print(f"frames {said}", flush=True)
    sd._terminate()
    np.savez(out, audio=audio, stamps=np.array(stamps, dtype=np.float64),
             overflows=state["overflows"], sr=sr)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), sys.argv[3]))

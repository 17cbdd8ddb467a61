"""The pieces of `phonon live`: block ring, device choice, reloader, status line."""
from __future__ import annotations

import os
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from phonon.engine.render import compile_source
from phonon.engine.session import Session
from phonon.live import BlockRing, Player
from phonon.live.device import DeviceError, choose_output, describe, output_devices
from phonon.live.reloader import Reloader
from phonon.live.status import Status


# -- ring
def test_ring_passes_frames_in_order_across_the_wrap_and_counts_underruns():
    ring = BlockRing(10)
    blocks = [np.arange(i * 4, i * 4 + 4, dtype=np.float32)[None, :].repeat(2, 0) * [[1], [-1]]
              for i in range(5)]
    out = np.empty((3, 2), np.float32)
    ring.write(blocks[0])
    ring.write(blocks[1])
    assert ring.free == 2
    with pytest.raises(ValueError):
        ring.write(blocks[2])
    got = []
    for b in blocks[2:]:                      # read 3 + 3, write 4: wraps around twice
        for _ in range(2):
            if ring.filled >= 3:
                assert ring.read_into(out) == 3
                got.append(out.copy())
        ring.write(b)
    while ring.filled >= 3:
        ring.read_into(out)
        got.append(out.copy())
    x = np.concatenate(got)
    assert x[:, 0].tolist() == list(range(18)) and (x[:, 1] == -x[:, 0]).all()
    assert ring.underruns == 0
    assert ring.filled == 2 and ring.read_into(out) == 2     # 18, 19 then silence
    assert out[:, 0].tolist() == [18, 19, 0] and ring.underruns == 1


def test_ring_without_a_device_drops_frames_up_to_a_position_never_past_what_was_written():
    ring = BlockRing(8)
    ring.write(np.ones((2, 4), np.float32))
    ring.skip_to(3)
    assert (ring.read, ring.filled) == (3, 1)
    ring.skip_to(2)                           # never backwards
    assert ring.read == 3
    ring.skip_to(100)                         # the render side is behind: up to what exists
    assert (ring.read, ring.filled, ring.underruns) == (4, 0, 0)


# -- device choice
def fake_sd(devices, apis, default_out=-1):
    return SimpleNamespace(query_hostapis=lambda: apis, query_devices=lambda: devices,
                           default=SimpleNamespace(device=[-1, default_out]))


DEVICES = [
    {"name": "HDA Intel", "hostapi": 0, "max_output_channels": 2, "max_input_channels": 2,
     "default_samplerate": 48000.0},
    {"name": "USB mic", "hostapi": 0, "max_output_channels": 0, "max_input_channels": 1,
     "default_samplerate": 48000.0},
    {"name": "system", "hostapi": 1, "max_output_channels": 2, "max_input_channels": 2,
     "default_samplerate": 44100.0},
]
APIS = [{"name": "ALSA", "default_output_device": 0},
        {"name": "JACK Audio Connection Kit", "default_output_device": 2}]


def test_the_jack_server_is_the_default_output_even_when_portaudio_prefers_alsa():
    sd = fake_sd(DEVICES, APIS, default_out=0)
    assert choose_output(sd).index == 2
    assert [d.index for d in output_devices(sd)] == [0, 2]
    assert describe(output_devices(sd)).splitlines()[1].startswith("*   2  system")


def test_without_jack_the_portaudio_default_is_used_and_devices_are_chosen_by_name_or_index():
    sd = fake_sd(DEVICES[:2], APIS[:1], default_out=0)
    assert choose_output(sd).name == "HDA Intel"
    sd = fake_sd(DEVICES, APIS, default_out=0)
    assert choose_output(sd, "hda").index == 0
    assert choose_output(sd, "2").name == "system"
    assert choose_output(sd, "jack").index == 2                 # by host API name
    with pytest.raises(DeviceError, match="no output device with index 1"):
        choose_output(sd, "1")                                   # an input-only device
    with pytest.raises(DeviceError, match="no output device matches 'zzz'"):
        choose_output(sd, "zzz")


def test_no_output_device_explains_what_exists_and_how_to_get_audio():
    sd = fake_sd(DEVICES[1:2], APIS[:1])
    with pytest.raises(DeviceError) as e:
        choose_output(sd)
    text = str(e.value)
    assert text.startswith("no audio output device found.")
    assert "host APIs: ALSA" in text and "0: USB mic (1 in, 0 out)" in text
    assert "jackd -d dummy" in text and "PulseAudio" in text
    assert "phonon render FILE out.wav" in text


# -- reloader
PROGRAM = 'cps: 1\n~d: s "rim ~ ~ ~"\nout: ~d\n'


def save(path, text):
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_reloader_debounces_editor_saves_and_keeps_the_old_program_on_errors(tmp_path):
    path = tmp_path / "beat.ph"
    path.write_text(PROGRAM)
    player = Player(Session(compile_source(PROGRAM, file=str(path)), 44100, 256))
    results, arrived = [], threading.Event()

    def on_result(r):
        results.append(r)
        arrived.set()

    reloader = Reloader(path, player, on_result, quiet=0.05)
    reloader.last_text = PROGRAM
    reloader.start()
    try:
        save(path, PROGRAM.replace('"rim ~ ~ ~"', '"rim ~ ~ ~" #'))   # broken
        assert arrived.wait(10)
        arrived.clear()
        assert len(results) == 1 and not results[0].ok and not player.pending
        assert results[0].message.startswith(f"error: {path}:2:")
        assert "^" in results[0].detail
        # three saves in quick succession: one reload, of the last text
        for text in ('"rim ~"', '"rim ~ rim"', '"rim rim ~ ~"'):
            save(path, PROGRAM.replace('"rim ~ ~ ~"', text))
            time.sleep(0.005)
        assert arrived.wait(10)
        assert reloader.wait_idle(10)           # every event of the three saves handled
        assert [r.ok for r in results] == [False, True]
        assert player.pending and reloader.last_text.endswith('"rim rim ~ ~"\nout: ~d\n')
    finally:
        reloader.stop()
    player.render()                                # the swap happens at the next boundary
    assert player.swaps and player.swaps[0].sample == 0


def test_status_line_shows_every_field():
    s = Status(cycle=12.25, cps=0.5, load=23.4, peak=61.0, voices=5, underruns=0, xruns=2,
               latency_ms=29.0, reload="ok")
    assert s.line().plain == ("cycle    12.25  cps 0.5  cpu   23% (peak 61%)  voices 5  "
                              "underruns 0 (device xruns 2)  latency 29.0 ms  reload: ok")


def test_an_empty_read_mid_save_is_ignored_and_an_unchanged_text_is_not_recompiled(tmp_path):
    path = tmp_path / "beat.ph"
    path.write_text(PROGRAM)
    player = Player(Session(compile_source(PROGRAM, file=str(path)), 44100, 256))
    results = []
    reloader = Reloader(path, player, results.append)
    reloader.last_text = PROGRAM
    path.write_text("")                     # an in-place save, caught after the truncate
    assert reloader.reload() is None
    path.write_text(PROGRAM)
    assert reloader.reload() is None and results == [] and not player.pending


def test_player_counts_the_voices_sounding_in_the_playing_session():
    player = Player(Session(compile_source('cps: 2\n~a: s "cr ~ cr ~"\nout: ~a\n'), 44100, 256))
    assert player.active_voices() == 0
    while player.position < 11025 + 256:     # two crashes (2 s long) started: 0 and 1/2 cycle
        player.render()
    assert player.active_voices() == 2

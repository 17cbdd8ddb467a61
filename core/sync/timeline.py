"""Where the samples of the audio stream are, in JACK frames and in host time.

Phonon renders ahead of the device, so "sample n of the stream" and "now" are different
things. MIDI must leave in the JACK cycle where sample n is output (at the frame offset n has
in that cycle), and Link wants the host time at which sample n is *heard*. The audio callback
knows which stream samples it hands to the device and which JACK cycle that is in:

    on_audio_callback(first, frames, jack_frame)     # stream samples [first, first+frames)

Measured with PortAudio's JACK host API (tests/sync/test_timeline_jack.py): a callback's first
sample is output in the cycle the callback runs in, at the offset where the previous callback
of the same cycle stopped (blocks smaller than the period come several per cycle; larger ones
span several cycles), so `frame_of(n)` is exact to the frame. Host time comes from JACK's
cycle times (its delay-locked loop, on CLOCK_MONOTONIC_RAW, Link's clock) plus the playback
latency of the port the audio goes to, plus a user offset (`--link-offset`).

Without JACK (another audio API) `on_host_callback` anchors host time directly from the
callback's wall clock and the device's reported delay (less exact: scheduling jitter).
"""
from __future__ import annotations

import time
from collections import deque

from .jacklib import CycleTimes

_WRAP = 2 ** 32                  # JACK frame counters are uint32


def _delta(a: int, b: int) -> int:
    """a - b for JACK frame counters (signed, across the uint32 wrap)."""
    return (a - b + 2 ** 31) % _WRAP - 2 ** 31


def host_usecs() -> float:
    """Host time in microseconds on Link's clock (CLOCK_MONOTONIC_RAW)."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW) / 1000.0


class StreamTimeline:
    """Stream sample <-> JACK frame <-> host microseconds (heard time)."""

    def __init__(self, sr: int) -> None:
        self.sr = int(sr)
        self.latency = 0                 # frames from output in the graph to the ear (device)
        self.offset_us = 0.0             # added to every heard time (--link-offset)
        self.cycle: CycleTimes | None = None          # latest JACK cycle times
        self._anchor: tuple[int, int] | None = None   # (stream sample, JACK frame it is in)
        self._cb_frame: int | None = None
        self._cb_offset = 0
        self._cb_frames = 0
        self._host: tuple[int, float] | None = None   # no JACK: (stream sample, heard µs)
        self._host_offsets: deque[float] = deque(maxlen=64)

    # -- anchors (audio callback thread)
    def on_audio_callback(self, first: int, frames: int, jack_frame: int) -> None:
        """The audio callback hands stream samples [first, first + frames) to the device in
        the JACK cycle that starts at `jack_frame`."""
        if jack_frame == self._cb_frame:
            self._cb_offset += self._cb_frames
        else:
            self._cb_frame, self._cb_offset = jack_frame, 0
        self._cb_frames = frames
        self._anchor = (first, (jack_frame + self._cb_offset) % _WRAP)

    def anchor(self, sample: int, frame: int) -> None:
        """Stream sample `sample` is output at JACK frame `frame` (a stream without a
        PortAudio callback, e.g. a test that sends MIDI only)."""
        self._anchor = (int(sample), int(frame) % _WRAP)

    def on_host_callback(self, first: int, dac_delay_s: float) -> None:
        """No JACK: the callback runs now and its first sample is heard `dac_delay_s` later.
        The earliest estimate of the last 64 callbacks wins (callbacks only run late)."""
        t = host_usecs() + dac_delay_s * 1e6 - first * 1e6 / self.sr
        self._host_offsets.append(t)
        self._host = (0, min(self._host_offsets))

    @property
    def anchored(self) -> bool:
        return self._anchor is not None or self._host is not None

    # -- mappings (any thread)
    def frame_of(self, sample: int) -> int | None:
        """The JACK frame at which stream sample `sample` is output (None: not anchored)."""
        a = self._anchor
        if a is None:
            return None
        return (a[1] + sample - a[0]) % _WRAP

    def sample_of(self, frame: int) -> int | None:
        """The stream sample output at JACK frame `frame`."""
        a = self._anchor
        if a is None:
            return None
        return a[0] + _delta(frame, a[1])

    def heard_usecs(self, sample: int) -> float | None:
        """Host time (µs, CLOCK_MONOTONIC_RAW) at which `sample` is heard, plus `offset_us`."""
        a, cyc = self._anchor, self.cycle
        if a is not None and cyc is not None:
            frame = a[1] + sample - a[0] + self.latency
            return cyc.usecs_of(frame % _WRAP) + self.offset_us
        h = self._host
        if h is not None:
            return h[1] + sample * 1e6 / self.sr + self.offset_us
        return None

"""`s` (alias `sound`): sample voices triggered by a pattern, with a bounded pool and stealing.

Each event starts a voice that plays `s` (`name` or `name:i`) from the session's `SampleBank`;
the sample's first frame lands exactly on the trigger's sample offset. Per-event controls,
read at the onset:

    gain     linear amplitude (default 1)
    pan      -1..1 equal power: angle = (pan+1)*pi/4, L = cos, R = sin (centre: 0.7071 each);
             a stereo sample stays stereo, its L/R channels weighted the same way
    speed    playback rate (default 1); negative plays backwards from the end; 0 is silent
    note     semitones (or a note name, c4 = 0), multiplies the rate by 2**(note/12)
    n        file index (floor, mod count); overrides a `name:i` index
    begin/end  0..1 fractions of the sample to play
    cut      cut group > 0: a new voice of the group fades out (5 ms) this node's older ones
    attack/release  seconds: linear fade-in at the start / fade-out at the end of the voice
    legato   the voice lasts legato x event duration, then releases (`release` s, default 5 ms)
    loop     plays the begin..end range that many times
    shape vowel orbit  accepted and ignored for now

The voices live in a `phonon.samples.voicepool.VoicePool`: ONE numba kernel call mixes every
voice of a block, oldest first, so the output never depends on the block size. Speed +-1 copies
sample values exactly (scaled by the gains); other rates interpolate linearly. At most `voices`
(default 256) sound at once: a new voice beyond that steals the oldest, which fades out over
5 ms instead of clicking.
"""
from __future__ import annotations

import math

import numpy as np

from phonon.plugins import Block, Node, Param, Params, Trigger, control_number, node, note_value
from phonon.samples import SampleBank, default_roots, split_name
from phonon.samples.voicepool import VoicePool, mix_voices

__all__ = ["SampleVoices"]

FADE_S = 0.005                 # fade length for cut, stolen and legato-ended voices
MAX_VOICES = 4096              # hard cap of the `voices` argument


_UNSET = object()


def _offset(trig: Trigger) -> int:
    return trig.offset


def _voice_limit(value, default: int) -> int:
    """The `voices` argument as a pool size in 1..MAX_VOICES."""
    return min(max(1, int(control_number(value, default))), MAX_VOICES)


@node("s", aliases=("sound",), category="voices",
      doc="Play samples from a pattern: s \"bd*4 sn\" # gain 0.8 # pan \"-1 1\" # speed 2")
class SampleVoices(Node):
    """Sample voices triggered by a pattern's events, mixed in one numba kernel per block."""

    pattern = Param(None, kind="events", required=True,
                    doc="sample names (mini-notation: \"bd*2 [sn cp]\", \"bd:3\")")
    voices = Param(256, kind="any", lo=1, hi=MAX_VOICES,
                   doc="most voices sounding at once; a new one steals the oldest")

    resources = ("samples",)

    def __init__(self, **static) -> None:
        super().__init__(**static)
        self.samples: SampleBank | None = None
        self.max_voices = _voice_limit(static.get("voices"), 256)
        self.pool: VoicePool | None = None
        self._mix: np.ndarray | None = None
        self._pending: dict | None = None
        self._voices_seen: object = _UNSET          # the `voices` value last applied
        self._prepared: dict[int, tuple] = {}       # id(control map) -> `_prepare` result

    def prepare(self, sr: int, block: int, channels: int) -> None:
        if self.samples is None:
            self.samples = SampleBank(default_roots(), sr=sr)
        if self.samples.sr != sr:
            raise ValueError(f"the sample bank runs at {self.samples.sr} Hz, the engine at {sr} Hz")
        self.pool = VoicePool(self.max_voices, sr, block, FADE_S)
        self._prepared = {}                         # voice rows depend on the pool's sr/fade
        self._mix = None if channels == 2 else np.zeros((2, block), np.float32)
        pending, self._pending = self._pending, None
        self.load_state(pending)

    def active_voices(self) -> int:
        """Voices sounding and not fading out after a cut or a steal (never above `voices`)."""
        return self.pool.active() if self.pool is not None else 0

    def start(self, trig: Trigger) -> int | None:
        """Start the voice of one trigger; its slot, or None (silent or unknown sample)."""
        c = trig.value if isinstance(trig.value, dict) else {"s": trig.value}
        # a periodic pattern hands the same control map every cycle: its voice rows are
        # computed once (the sample is looked up again, so a changed bank is seen)
        entry = self._prepared.get(id(c))
        if entry is None or entry[0] is not c \
                or (entry[1] is not None and entry[1] != trig.duration) \
                or (entry[2] is not None and self.samples.lookup(*entry[2]) is not entry[3]):
            if len(self._prepared) >= 512:
                self._prepared.clear()
            entry = self._prepared[id(c)] = self._prepare(c, trig.duration)
        return self.pool.start_prepared(int(trig.offset), entry[4], entry[5])

    def _prepare(self, c: dict, duration: float) -> tuple:
        """(c, duration when it matters (legato) else None, (name, index) or None, sample ref,
        the pool's voice rows or None when silent, cut group)."""
        pool, sr = self.pool, self.pool.sr
        cut = max(0, int(control_number(c.get("cut"), 0.0)))
        token = c.get("s", c.get("sound"))
        if token is None or str(token).startswith("~"):
            return c, None, None, None, None, cut
        name, colon_index = split_name(str(token))
        index = int(math.floor(control_number(c["n"], 0.0))) if "n" in c else (colon_index or 0)
        ref = self.samples.lookup(name, index)
        if ref is None:
            return c, None, (name, index), None, None, cut
        note = note_value(c.get("note"))
        note = 0.0 if note is None else note
        legato = control_number(c.get("legato"), 0.0)
        voice = pool.voice(
            ref,
            gain=control_number(c.get("gain"), 1.0),
            pan=control_number(c.get("pan"), 0.0),
            speed=control_number(c.get("speed"), 1.0) * 2.0 ** (note / 12.0),
            begin=control_number(c.get("begin"), 0.0),
            end=control_number(c.get("end"), 1.0),
            loops=max(1, int(control_number(c.get("loop"), 1.0))),
            attack=int(round(max(0.0, control_number(c.get("attack"), 0.0)) * sr)),
            release=int(round(max(0.0, control_number(c.get("release"), 0.0)) * sr)),
            hold=int(round(legato * float(duration) * sr)) if legato > 0 else None,
            cut=cut,
        )
        return c, (duration if legato > 0 else None), (name, index), ref, voice, cut

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        voices = p.get("voices") if p is not None else None
        if voices is not self._voices_seen:        # the same constant object every block
            self._voices_seen = voices
            wanted = _voice_limit(voices, self.max_voices)
            if wanted != self.max_voices:
                self.max_voices = wanted
                self.pool.resize(wanted)
        events = ctx.events
        if events:
            for trig in sorted(events, key=_offset) if len(events) > 1 else events:
                self.start(trig)
        frames = ctx.frames
        mix = out if self._mix is None else self._mix
        pool = self.pool
        mix_voices(self.samples.arena, pool.acc, mix, frames, pool.vi, pool.vf)
        if self._mix is not None:                 # mono (or >2 channels): centre = unity
            out[:, :frames] = (mix[0, :frames] + mix[1, :frames]) * np.float32(math.sqrt(0.5))

    # -- hot swap
    def state(self) -> dict | None:
        """The sounding voices, tagged with the sample bank whose arena they play from."""
        state = self.pool.state() if self.pool is not None else None
        if state is not None:
            state["bank"] = self.samples.token
        return state

    def load_state(self, state: dict | None) -> None:
        """Take over a predecessor's voices (before `prepare`: adopted by `prepare`). Voices
        of another sample bank are dropped: their arena offsets mean nothing here."""
        if not state:
            return
        if self.pool is None:
            self._pending = state
        elif state.get("bank") == self.samples.token:
            self.pool.load_state(state)

"""MIDI nodes: notes and controllers out to synths, controllers in from a keyboard or knobs.

    ~synth: midi "c3 e3 g3" # velocity 0.8 # channel 2     -- notes, one per event
    ~sweep: ~synth # cc 74 (sine 0.25 * 0.5 + 0.5)         -- a controller from a signal
    ~knob: midicc 74                                       -- a controller in, 0..1

The nodes talk to the session resource `midi` (a `phonon.sync.hub.MidiHub`: JACK ports in
`phonon live`, a MIDI file with `phonon render --midi`); without one they only output what
their audio contract says (`midi`: silence, `cc`: its input, `midicc`: its initial value).
They are `in_process` (MIDI ports belong to the session's process), and the senders are
`sink`s: the planner keeps them though no output reads them. See docs/sync.md.
"""
from __future__ import annotations

import numpy as np

from phonon.plugins import (Block, Node, Param, Params, control_number, node, note_value,
                            value_at)

__all__ = ["MidiNotes", "MidiCC", "MidiControlIn"]

SIGNAL_GRID = 64          # a controller sampled from a signal sends at most once per 64 frames
HOLD_MAX_S = 60.0         # a held live note whose note-off never comes ends after this


def _bus(node_id: str) -> str:
    """The bus (or output) that made a node: `~synth/0#1:cc` -> `~synth`."""
    return node_id.split("/", 1)[0] if "/" in node_id else node_id


def _channel(x: float | None, default: int = 1) -> int:
    if x is None:
        return default
    return min(16, max(1, int(round(x))))


def _to7(x: np.ndarray | float) -> np.ndarray | int:
    """0..1 -> 0..127 (rounded, clamped)."""
    if isinstance(x, np.ndarray):
        return np.clip(np.rint(x * 127.0), 0, 127).astype(np.int16)
    return int(min(127, max(0, round(x * 127.0))))


@node("midi", category="instrument",
      doc="Play a pattern's notes on a MIDI output: note-on at each onset, note-off after "
          "legato x the event's length (or `sustain` seconds). Outputs silence.")
class MidiNotes(Node):
    resources = ("midi",)
    sink = True
    in_process = True
    pattern = Param(None, kind="events",
                    doc="the notes: names (c3 e3) or numbers (semitones from c4 = MIDI 60)")
    port = Param("out", kind="text", doc="phonon's MIDI output port (JACK: phonon-midi:PORT)")
    channel = Param(1.0, lo=1, hi=16, doc="MIDI channel (per event: # channel)")
    velocity = Param(0.8, lo=0, hi=1, doc="velocity 0..1 (per event: # velocity)")
    legato = Param(1.0, lo=0, hi=16, doc="note length as a share of the event (# legato)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = sr
        self.port_name = str(self.static.get("port", "out"))
        self.track = _bus(self.node_id)
        self.skipped = 0                          # events without a playable note
        self.held: list = []                      # (hold, channel, key, onset): keys down
        if self.midi is not None:
            self.midi.open_output(self.port_name)

    def state(self) -> dict:
        return {"held": list(self.held)}

    def load_state(self, state: dict) -> None:
        self.held = list(state.get("held", ()))      # keys still down: released by the successor

    def key_of(self, value: dict) -> int | None:
        """The MIDI key of an event: `midinote` (absolute), else `note`/`n`/the bare value
        (semitones from c4 = 60)."""
        absolute = control_number(value.get("midinote"))
        if absolute is not None:
            return int(round(absolute))
        for name in ("note", "n", "midi"):
            if name in value:
                semis = note_value(value[name])
                if semis is not None:
                    return 60 + int(round(semis))
        return None

    def _release_held(self, hub, start: int) -> None:
        """Note-offs for held live notes whose key came up (at its sample, or now if past)."""
        still = []
        for hold, channel, key, onset in self.held:
            if hold.release is None and start - onset < HOLD_MAX_S * self.sr:
                still.append((hold, channel, key, onset))
            else:
                at = max(hold.release if hold.release is not None else start, start, onset + 1)
                hub.note_off(at, self.port_name, channel, key, self.track)
        self.held = still

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        out[:, :ctx.frames] = 0.0
        hub = self.midi
        if hub is not None and self.held:
            self._release_held(hub, ctx.start)
        if hub is None or not ctx.events:
            return
        for trig in ctx.events:
            v = trig.value if isinstance(trig.value, dict) else {"midi": trig.value}
            key = self.key_of(v)
            if key is None or not 0 <= key <= 127:
                self.skipped += 1
                continue
            off = trig.offset
            velocity = control_number(v.get("velocity"), value_at(p.velocity, off))
            channel = _channel(control_number(v.get("channel")), _channel(value_at(p.channel, off)))
            hold = v.get("hold")
            if getattr(hold, "release", 0) is None:  # a played key still down (midinote)
                hub.note_on(ctx.start + off, self.port_name, channel, key, _to7(velocity),
                            self.track)
                self.held.append((hold, channel, key, ctx.start + off))
                continue
            sustain = control_number(v.get("sustain"))
            if sustain is None:
                sustain = control_number(v.get("legato"), value_at(p.legato, off)) * trig.duration
            hub.note(ctx.start + off, self.port_name, channel, key, _to7(velocity),
                     max(1, int(round(sustain * self.sr))), self.track)


@node("cc", inputs=1, category="control",
      doc="Send a MIDI controller: `value` (0..1) when given, else the input's level; a "
          "pattern sends at its onsets, a signal at most every 64 frames when the 7-bit value "
          "changes. Passes its input through.")
class MidiCC(Node):
    resources = ("midi",)
    sink = True
    in_process = True
    controller = Param(1, kind="any", lo=0, hi=127, required=True,
                       doc="controller number 0..127")
    value = Param(None, lo=0, hi=1, doc="the value 0..1 (default: the input signal)")
    channel = Param(1, kind="any", lo=1, hi=16, doc="MIDI channel")
    port = Param("out", kind="text", doc="phonon's MIDI output port (JACK: phonon-midi:PORT)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.port_name = str(self.static.get("port", "out"))
        self.number = int(round(float(self.static.get("controller", 1))))
        self.channel_number = _channel(control_number(self.static.get("channel"), 1.0))
        self.track = _bus(self.node_id)
        self.last = -1                            # the last value sent (-1: none yet)
        self.sent_cell = -1                       # the 64-frame cell it was sent in
        if self.midi is not None:
            self.midi.open_output(self.port_name)

    def state(self) -> dict:
        return {"last": self.last, "cell": self.sent_cell}

    def load_state(self, state: dict) -> None:
        self.last = int(state.get("last", -1))
        self.sent_cell = int(state.get("cell", -1))

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        src = ins[0]
        out[:, :n] = src[:, :n]
        hub = self.midi
        if hub is None:
            return
        value = p.get("value")
        if value is None:                          # the input's level (channel mean)
            value = 0.5 * (src[0, :n].astype(np.float64) + src[1, :n])
        controller, channel = self.number, self.channel_number
        if not isinstance(value, np.ndarray):
            q = _to7(float(value))
            if q != self.last:
                hub.cc(ctx.start, self.port_name, channel, controller, q, self.track)
                self.last = q
            return
        q = _to7(value[:n])
        for i in self._sends(q, ctx.start):
            hub.cc(ctx.start + i, self.port_name, channel, controller, int(q[i]), self.track)

    def _sends(self, q: np.ndarray, start: int) -> list[int]:
        """Offsets to send at: in each 64-frame cell of the absolute sample count, the first
        sample whose value differs from the last one sent (a pattern's step lands exactly on
        its onset; a moving signal is sent at most once per cell)."""
        out = []
        n = q.shape[0]
        i = 0
        while i < n:
            cell = (start + i) // SIGNAL_GRID
            end = min(n, (cell + 1) * SIGNAL_GRID - start)
            if cell != self.sent_cell:                 # a cell may span two blocks
                diff = np.flatnonzero(q[i:end] != self.last)
                if diff.size:
                    at = i + int(diff[0])
                    out.append(at)
                    self.last, self.sent_cell = int(q[at]), cell
            i = end
        return out


@node("midicc", category="control",
      doc="A MIDI controller coming in (phonon live --midi-in) as a 0..1 signal that steps at "
          "the exact sample each message is placed on.")
class MidiControlIn(Node):
    resources = ("midi",)
    in_process = True
    controller = Param(1, kind="any", lo=0, hi=127, required=True,
                       doc="controller number 0..127")
    channel = Param(0, kind="any", lo=0, hi=16, doc="MIDI channel (0: any)")
    init = Param(0.0, kind="any", lo=0, hi=1, doc="the value before the controller first moves")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.controller = int(round(float(self.static.get("controller", 1.0))))
        self.want_channel = int(round(float(self.static.get("channel", 0.0))))
        self.value = float(self.static.get("init", 0.0))
        hub = self.midi
        if hub is not None:
            hub.open_input()
            known = hub.control(self.want_channel, self.controller)
            if known is not None:                  # the knob was moved before this node
                self.value = known / 127.0

    def state(self) -> dict:
        return {"value": self.value}

    def load_state(self, state: dict) -> None:
        self.value = float(state.get("value", self.value))

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        hub = self.midi
        msgs = hub.inputs(ctx.start, n) if hub is not None else ()
        done, value = 0, self.value
        for m in msgs:
            if m.status != 0xB0 or m.data1 != self.controller or \
                    (self.want_channel and m.channel != self.want_channel):
                continue
            out[:, done:m.offset] = value
            done, value = m.offset, m.data2 / 127.0
        out[:, done:n] = value
        self.value = value

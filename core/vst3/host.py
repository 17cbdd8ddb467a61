"""`HostedPlugin`: one VST3 effect as the `vst3` node plays it.

Parameters are named as pedalboard reports them (`threshold_db`), case-insensitively; the
parameter's display name works too (`Threshold`, normalised to `threshold`). Values are clamped
to the parameter's range; a choice parameter takes its text or an index.

Channels: buses are stereo. A plugin that accepts the bus's channel count runs as one instance
("native"); a mono-only plugin runs one instance per channel ("per-channel"); a stereo-only
plugin on a mono bus gets the signal on both inputs and its two outputs are averaged.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..dsp import pedal
from ..errors import PhononError, did_you_mean
from .bundles import load_plugin, resolve_plugin


def normalise(name: str) -> str:
    """A parameter name as a keyword: lower case, runs of other characters -> `_`."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def parameter_key(params: dict[str, str], plugin: str, name: str) -> str:
    """The pedalboard key of a user's parameter `name` among `params` ({key: display name})
    of plugin `plugin`: the key itself or the normalised display name, case-insensitively;
    an unknown name is a PhononError with a did-you-mean."""
    lookup: dict[str, str] = {}
    for key, display in params.items():
        lookup.setdefault(normalise(display), key)
    lookup.update({key: key for key in params})
    key = lookup.get(name) or lookup.get(normalise(name))
    if key is None:
        keys = list(params)
        hint = did_you_mean(normalise(name), keys) or ("parameters: " + ", ".join(keys))
        raise PhononError(f"vst3 '{plugin}': unknown parameter '{name}'", hint=hint)
    return key


class HostedPlugin:
    """A loaded VST3 plugin (by installed name or bundle path): its instances, parameter names
    and the values to set on it (`values`, by pedalboard key)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.path: Path = resolve_plugin(label)
        self.instances = [load_plugin(self.path, label)]
        main = self.instances[0]
        self.keys = list(main.parameters)
        self.names = {key: prm.name for key, prm in main.parameters.items()}
        self.values: dict[str, Any] = {}
        self.layout = "native"
        self.stereo_in_mono = False
        self.sr = 0.0
        self.channels = 1

    @property
    def name(self) -> str:
        """The plugin's own name."""
        return self.instances[0].name

    # -- parameters
    def param_key(self, name: str) -> str:
        """The pedalboard key for a user's parameter name; unknown names are a PhononError."""
        return parameter_key(self.names, self.name, name)

    def set(self, key: str, value: Any) -> None:
        """Set a parameter on every instance (clamped to its range; a choice by text or index)."""
        prm = self.instances[0].parameters[key]
        if not isinstance(value, str):
            lo, hi, _ = prm.range
            if lo is not None:
                value = min(hi, max(lo, float(value)))
            elif prm.valid_values:
                value = prm.valid_values[int(min(len(prm.valid_values) - 1, max(0, round(float(value)))))]
        try:
            for inst in self.instances:
                setattr(inst, key, value)
        except (ValueError, TypeError) as exc:
            raise PhononError(f"vst3 '{self.name}': bad value {value!r} for '{key}': {exc}") from None

    def apply_values(self) -> None:
        """Set every value of `values` (after loading or adopting instances)."""
        for key, value in self.values.items():
            self.set(key, value)

    # -- audio
    def prepare(self, sr: float, channels: int) -> None:
        """Choose the channel layout for `channels` (loading more instances if needed), then
        apply `values`."""
        self.sr = float(sr)
        self.channels = channels
        main = self.instances[0]
        self.stereo_in_mono = False
        if self._accepts(main, channels):
            self.layout = "native"
            self.instances = self.instances[:1]
        elif channels > 1 and self._accepts(main, 1):
            self.layout = "per-channel"
            self._add_instances()
        elif channels == 1 and self._accepts(main, 2):
            self.layout = "native"
            self.stereo_in_mono = True
        else:
            raise PhononError(f"vst3 '{main.name}': accepts neither mono nor stereo audio")
        for inst in self.instances:                   # same output for any block size
            pedal.prime(inst, 2 if self.stereo_in_mono else (1 if self.layout == "per-channel"
                                                             else channels), self.sr)
        self.apply_values()

    def _accepts(self, plugin, channels: int) -> bool:
        try:
            plugin.process(np.zeros((channels, 64), dtype=np.float32), self.sr, reset=True)
            return True
        except Exception:  # noqa: BLE001 - pedalboard reports unsupported layouts as RuntimeError/ValueError
            return False

    def _add_instances(self) -> None:
        while len(self.instances) < self.channels:
            self.instances.append(load_plugin(self.path, self.label))

    def run(self, x: np.ndarray, a: int, b: int, y: np.ndarray) -> None:
        """Process samples a..b of `x` (channels, frames) into the same span of `y`, keeping the
        plugin's state (`reset=False`)."""
        if self.layout == "per-channel":
            for c, inst in enumerate(self.instances):
                y[c:c + 1, a:b] = pedal.process(inst, x[c:c + 1, a:b], self.sr)
        elif self.stereo_in_mono:
            stereo = np.repeat(x[:, a:b], 2, axis=0)
            y[:, a:b] = pedal.process(self.instances[0], stereo, self.sr).mean(axis=0, keepdims=True)
        else:
            y[:, a:b] = pedal.process(self.instances[0], x[:, a:b], self.sr)

    # -- hot swap
    def state(self) -> dict:
        """The instances (with their envelopes and tails), for a successor on the same bundle."""
        return {"path": str(self.path), "instances": self.instances}

    def load_state(self, state: dict) -> bool:
        """Adopt a predecessor's instances when it hosted the same bundle, then apply `values`;
        returns whether it did."""
        if state.get("path") != str(self.path) or not state.get("instances"):
            return False
        self.instances = list(state["instances"])
        if self.layout == "per-channel":
            self._add_instances()
        self.apply_values()
        return True

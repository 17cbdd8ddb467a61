"""`vst3`: a VST3 effect on a bus, hosted through `phonon.vst3`.

`~drums # vst3 "ZamComp" :threshold_db -30 :ratio 10` loads the plugin by name (searched in
`PHONON_VST3_PATH` and the standard VST3 folders) or by path, and sets its parameters by the
names pedalboard reports (case-insensitive; the parameter's display name works too, e.g.
`:Threshold` for `threshold_db`). Parameter values may be patterns or signals like any other:
the block is split at pattern onsets and signals update the plugin every 64 samples.

How keyword arguments reach the node: `vst3` is declared with `extra_params=True`, so the
compiler accepts any `:name value`; constants arrive in the constructor's `static` (checked at
once, so a misspelled parameter is a compile error), and every extra parameter also arrives in
`p` each block under its lower-cased name (float or float64 array), which is what is applied.
Plugin state (envelopes, tails) survives across blocks (`reset=False`) and across hot swaps
(the instances are handed to the successor node). Channel layouts: `phonon.vst3.host`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from phonon.plugins import Block, Node, Param, Params, PhononError, node, segments, value_at

__all__ = ["VST3"]


@node("vst3", inputs=1, aliases=("vst",), extra_params=True, category="effect",
      doc='Host a VST3 effect: `vst3 "ZamComp" :threshold_db -30 :ratio 10` (params by plugin names).')
class VST3(Node):
    plugin = Param("", kind="text", required=True, doc="installed plugin name or path of a .vst3 bundle")

    @classmethod
    def validate(cls, **static: Any) -> None:
        """The plugin (inside the plugin folders) and every parameter name, checked against
        the scan (a child process loads the plugin once; then the cache answers)."""
        from phonon.vst3 import parameter_key, plugin_info, resolve_plugin   # only when used
        label = _label(static)
        path = resolve_plugin(label)
        info = plugin_info(path)
        if info.error:
            raise PhononError(f"vst3: cannot load plugin '{label}' ({path}): {info.error}")
        names = {key: str(entry.get("name", key)) for key, entry in info.params.items()}
        for name in static:
            if name != "plugin":
                parameter_key(names, info.name, name)

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        label = _label(static)
        from phonon.vst3 import HostedPlugin    # here: a program without vst3 never loads it
        self.host = HostedPlugin(label)
        for name, value in static.items():
            if name != "plugin":
                self.host.values[self.host.param_key(name)] = value

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.applied: dict[str, Any] = {}       # pedalboard key -> the value last set from `p`
        self.keys: dict[str, str] = {}          # parameter name in `p` -> pedalboard key
        self.host.prepare(sr, channels)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0][:, :n]
        given = []
        for name, value in p.items():
            if name == "plugin":
                continue
            key = self.keys.get(name)
            if key is None:
                key = self.keys[name] = self.host.param_key(name)
            given.append((key, value))
        for a, b in segments([v for _, v in given], n):
            for key, value in given:
                v = value if isinstance(value, str) else value_at(value, a)
                if self.applied.get(key) != v:
                    self.host.set(key, v)
                    self.applied[key] = v
            self.host.run(x, a, b, out)

    def state(self) -> dict:
        return self.host.state()

    def load_state(self, state: dict) -> None:
        if self.host.load_state(state):
            self.applied = {}                   # the adopted instances hold other values


def _label(static: dict) -> str:
    label = str(static.get("plugin", ""))
    if not label:
        raise PhononError("vst3: needs a plugin name", hint='vst3 "ZamComp" :threshold_db -20')
    return label

"""Nothing silently ignored: the controls merged into an event pattern that the node receiving
the events does not apply are reported, with their position, by `phonon check` and at render.

A node declares the per-event controls it reads (`@node(controls=...)`; `s`, `dirt_orbit` and
`poly` declare SuperDirt's). Reported on a node: a name no module knows (`# squiz2 3`), one of
SuperDirt's effect or orbit controls it does not declare, and, when it declares controls, any
other control it does not declare except the common ones (`note`, `n`, `freq`, `gain`, `pan`,
`velocity`, `legato`, `s`, `cps`): `s "bd" # detune 0.3` gives "control `detune` has no effect
on `s`". A plugin that reads a name of its own declares it, and it is never reported.
"""
from __future__ import annotations

import difflib

from ..patterns.controls import CONTROLS, EFFECT_CONTROLS, ORBIT_CONTROLS, canonical
from ..plugins.registry import Registry
from . import ast as A
from .diagnostics import Reporter

#: SuperDirt's effect and orbit controls: only a node that declares them applies them
DIRT_EFFECTS = frozenset(c for names in EFFECT_CONTROLS.values() for c in names) \
    | frozenset(ORBIT_CONTROLS)
#: controls every instrument is assumed to read (never reported on a node without them)
COMMON = frozenset(("s", "n", "note", "freq", "gain", "pan", "velocity", "legato", "cps"))


class ControlReport:
    """Warns once per control position and receiving node."""

    def __init__(self, report: Reporter, registry: Registry) -> None:
        self.report = report
        self.registry = registry
        self.done: set[tuple[str, A.Pos, str]] = set()
        self._known: frozenset | None = None

    def known(self) -> frozenset:
        """Every control some module reads: the language's and every node's declared ones."""
        if self._known is None:
            declared = set()
            for name in self.registry.names():
                cls = self.registry.get(name)
                declared |= set(getattr(cls.spec, "controls", ()) or ())
            self._known = frozenset(CONTROLS) | frozenset(declared)
        return self._known

    def check(self, merged: tuple, kinds: list[str]) -> None:
        """Report the `merged` (name, position) controls that none of `kinds` apply."""
        for name, pos in merged:
            for kind in dict.fromkeys(kinds):
                key = (name, pos, kind)
                if key in self.done:
                    continue
                self.done.add(key)
                message = self._problem(name, kind)
                if message:
                    self.report.warn(pos, message)

    def _problem(self, name: str, kind: str) -> str | None:
        cls = self.registry.get(kind)
        if cls is None:
            return None
        declared = frozenset(cls.spec.controls)
        c = canonical(name)
        if c in declared:
            return None
        if c in DIRT_EFFECTS or c not in self.known() or (declared and c not in COMMON):
            hint = ""
            if c not in self.known() or declared:       # a typo, or a node's own list
                pool = sorted((declared or self.known()) - {name, c})
                close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
                hint = f"; did you mean `{close[0]}`?" if close else ""
            return f"control `{name}` has no effect on `{kind}`{hint}"
        return None

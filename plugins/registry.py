"""The node registry, filled from the `phonon.nodes` entry-point group.

Built-in nodes come through the same group (`builtin = "phonon.nodes"` in Phonon's own
pyproject), so a third-party package is registered exactly like the built-ins. An entry point
may name a `Node` subclass or a module; for a module, every decorated node class it exposes is
registered. A name already taken is never silently shadowed: the first registration keeps the
name (built-ins load first) and the clash is recorded in `Registry.clashes`. An entry point that
fails to import is recorded in `Registry.broken` with the reason.
"""
from __future__ import annotations

import importlib.metadata as md
import inspect
import traceback
from dataclasses import dataclass
from types import ModuleType

from .api import Node

ENTRY_POINT_GROUP = "phonon.nodes"
BUILTIN_DIST = "phonon-live"


@dataclass(frozen=True)
class Entry:
    """A registered node class and where it came from ("built-in" or a package name)."""

    cls: type[Node]
    source: str


@dataclass(frozen=True)
class Broken:
    """An entry point that could not be loaded."""

    name: str
    source: str
    reason: str


class Registry:
    """Node classes by name and alias."""

    def __init__(self) -> None:
        self._by_name: dict[str, Entry] = {}
        self._aliases: dict[str, str] = {}
        self.clashes: list[str] = []
        self.broken: list[Broken] = []

    # -- filling
    def register(self, cls: type[Node], source: str = "built-in") -> bool:
        """Register one node class; returns False (and records the clash) if a name is taken."""
        spec = getattr(cls, "spec", None)
        if spec is None:
            raise TypeError(f"{cls.__name__} has no @node declaration")
        for name in (spec.name, *spec.aliases):
            if name in self._by_name or name in self._aliases:
                owner = self.entry(name)
                if owner is not None and owner.cls is cls:
                    return True
                self.clashes.append(
                    f"node '{name}' from {source} ({cls.__module__}.{cls.__qualname__}) clashes with "
                    f"'{name}' from {owner.source if owner else '?'}; keeping the {owner.source if owner else 'first'} one"
                )
                return False
        self._by_name[spec.name] = Entry(cls, source)
        for alias in spec.aliases:
            self._aliases[alias] = spec.name
        return True

    def register_module(self, module: ModuleType, source: str) -> int:
        """Register every node class a module exposes; returns how many were added."""
        count = 0
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Node) and "spec" in vars(obj):
                count += self.register(obj, source)
        return count

    def load_entry_points(self) -> None:
        """Load the `phonon.nodes` group: built-ins first, then third-party packages by name."""
        eps = list(md.entry_points(group=ENTRY_POINT_GROUP))

        def source_of(ep: md.EntryPoint) -> str:
            dist = getattr(ep, "dist", None)
            name = dist.metadata["Name"] if dist is not None else "?"
            return "built-in" if name == BUILTIN_DIST else name

        eps.sort(key=lambda ep: (source_of(ep) != "built-in", source_of(ep), ep.name))
        seen: set[tuple[str, str]] = set()
        for ep in eps:
            source = source_of(ep)
            if (source, ep.value) in seen:  # the same distribution seen twice on sys.path
                continue
            seen.add((source, ep.value))
            try:
                target = ep.load()
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break Phonon
                reason = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                self.broken.append(Broken(ep.name, source, reason))
                continue
            if isinstance(target, ModuleType):
                self.register_module(target, source)
            elif isinstance(target, type) and issubclass(target, Node):
                self.register(target, source)
            else:
                self.broken.append(Broken(ep.name, source, f"{ep.value} is neither a module nor a Node class"))

    # -- lookup
    def entry(self, name: str) -> Entry | None:
        name = self._aliases.get(name, name)
        return self._by_name.get(name)

    def get(self, name: str) -> type[Node] | None:
        e = self.entry(name)
        return e.cls if e else None

    def canonical(self, name: str) -> str | None:
        e = self.entry(name)
        return e.cls.spec.name if e else None

    def __contains__(self, name: str) -> bool:
        return self.entry(name) is not None

    def names(self, with_aliases: bool = False) -> list[str]:
        names = list(self._by_name)
        if with_aliases:
            names += list(self._aliases)
        return sorted(names)

    def entries(self) -> list[Entry]:
        return [self._by_name[n] for n in sorted(self._by_name)]


_default: Registry | None = None


def default_registry() -> Registry:
    """The process-wide registry, loaded from entry points on first use."""
    global _default
    if _default is None:
        reg = Registry()
        reg.load_entry_points()
        _default = reg
    return _default

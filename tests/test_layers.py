"""Imports point one way: the layer contract of docs/architecture.md ("Layers"), enforced.

Every module under core/ (`phonon`), nodes/ (`phonon.nodes`) and plugins/ (`phonon.plugins`)
is read with `ast`, not imported, and every import it makes is checked, at module level or
inside a function alike: a module may import its own component and the components of lower
layers, never a higher layer nor another component of its own layer. No two modules may import
each other, directly or through others (no import cycles).

A new package under core/ must be given a layer here (the test fails until it is).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"core": "phonon", "nodes": "phonon.nodes", "plugins": "phonon.plugins"}

#: Bottom first. A component is a module or package; a module belongs to the longest component
#: that is a prefix of its name (`phonon.lang.ir` to itself, `phonon.lang.parser` to `phonon.lang`).
LAYERS: list[tuple[str, ...]] = [
    ("phonon.errors", "phonon.program_file", "phonon.collector"),   # errors; reading a program; GC phases
    ("phonon.patterns", "phonon.lang.ir", "phonon.dsp", "phonon.osc"),   # pure foundations
    ("phonon.plugins", "phonon.samples", "phonon.vst3"),    # node API + registry; samples; VST3 host
    ("phonon.lang", "phonon.plan", "phonon.nodes"),         # compiler; planner; node library
    ("phonon.timing", "phonon.sync"),                       # clock, event streams; Link, MIDI
    ("phonon.runtime",),                                    # executors
    ("phonon.engine",),                                     # Session, render
    ("phonon.live", "phonon.plot", "phonon.batch"),         # live; pictures; batch rendering
    ("phonon.dirt",),                                       # the SuperDirt OSC receiver (on live)
    ("phonon.commands",),                                   # one module per subcommand
    ("phonon",),                                            # the package: phonon.render()
    ("phonon.cli",),
    ("phonon.__main__",),
]

#: Known upward imports (importer, imported), each to be removed with its cause. An entry that
#: matches no import any more fails the test: delete it then.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module name -> (file, is a package __init__)."""
    out = {}
    for folder, package in SOURCES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            is_pkg = parts[-1] == "__init__"
            name = ".".join((package, *(parts[:-1] if is_pkg else parts)))
            out[name] = (path, is_pkg)
    return out


MODULES = _modules()


def _imports(name: str) -> list[tuple[str, int]]:
    """(imported phonon module, line) for every import statement of module `name`."""
    path, is_pkg = MODULES[name]
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
            # `from . import kit` imports the submodule phonon.samples.kit, not the package
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        found += [(t, node.lineno) for t in targets if t == "phonon" or t.startswith("phonon.")]
    return found


def _component(module: str) -> str | None:
    best = None
    for layer in LAYERS:
        for c in layer:
            fits = module == c if c == "phonon" else module == c or module.startswith(c + ".")
            if fits and (best is None or len(c) > len(best)):
                best = c
    return best


LEVEL = {c: i for i, layer in enumerate(LAYERS) for c in layer}


def _violations() -> list[tuple[str, str, int]]:
    """(importer, imported, line) for each import that does not point down."""
    bad = []
    for name in MODULES:
        mine = _component(name)
        for target, line in _imports(name):
            theirs = _component(target)
            if theirs == mine or (theirs is not None and LEVEL[theirs] < LEVEL[mine]):
                continue
            bad.append((name, target, line))
    return bad


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if _component(m) is None] == []


def test_imports_point_down_the_layers() -> None:
    bad = [f"{MODULES[a][0].relative_to(ROOT)}:{line}: {a} imports {b} "
           f"({_component(a)} is layer {LEVEL[_component(a)]}, {_component(b)} is "
           f"{'unknown' if _component(b) is None else f'layer {LEVEL[_component(b)]}'})"
           for a, b, line in _violations() if (a, b) not in EXCEPTIONS]
    assert bad == [], "imports pointing up or sideways:\n" + "\n".join(bad)


def test_every_listed_exception_is_still_needed() -> None:
    seen = {(a, b) for a, b, _ in _violations()}
    stale = sorted(set(EXCEPTIONS) - seen)
    assert stale == [], f"these imports are gone: delete them from EXCEPTIONS in {__file__}: {stale}"


def _cycle() -> list[str] | None:
    """One import cycle between modules (a list of names, first == last), or None."""
    graph = {m: sorted({t for t, _ in _imports(m) if t in MODULES and t != m}) for m in MODULES}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for t in graph[m]:
            if state.get(t) == 1:
                return path[path.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        state[m] = 2
        path.pop()
        return None

    for m in graph:
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycles_between_modules() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


@pytest.mark.parametrize("importer, imported, allowed", [
    ("phonon.plan.planner", "phonon.lang.ir", True),          # down
    ("phonon.lang.parser", "phonon.lang.ir", True),           # down (ir is below the compiler)
    ("phonon.lang.ir", "phonon.lang.ast", False),             # up: ir is a foundation
    ("phonon.patterns.mini", "phonon.plugins.api", False),    # up
    ("phonon.lang.compiler", "phonon.plan", False),           # sideways: siblings stay apart
    ("phonon.nodes.poly", "phonon.runtime.step", False),      # up
    ("phonon.runtime.step", "phonon.engine.session", False),  # up
])
def test_the_rule_itself(importer: str, imported: str, allowed: bool) -> None:
    a, b = _component(importer), _component(imported)
    assert (a == b or LEVEL[b] < LEVEL[a]) is allowed

"""Batch manifests (TOML or JSON) -> a list of `Job`s, each with its program text ready to render.

```toml
seconds = 4                  # defaults for every job (any job key except name/program)
[[jobs]]                     # one job per entry
name = "a"
program = "a.ph"             # relative to the manifest
seed = 1
[[grid]]                     # one program x every combination of params x every seed
program = "bass.ph"
name = "bass-{cutoff}-{seed}"    # optional; default: stem, params and seed
seeds = 3                    # 0, 1, 2 (or a list)
params = { cutoff = [400, 800], "~drive" = [0.1, 0.5] }
```
A param `x` replaces every `%x` in the program text (or, when the program defines the pattern
variable `%x: ...`, the expression of that definition); a param `~bus` replaces the expression of
the bus's definition (`~bus: ...`), `cps`/`tempo`/`bpm` the tempo statement. Errors are
`ManifestError`s naming `manifest:line:col` and the job.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import PhononError, did_you_mean
from ..program_file import ProgramFileError, read_program, read_text_file

MAX_MANIFEST_BYTES = 64 << 20     # 64 MiB: a job list of hundreds of thousands of lines

FORMATS = ("wav", "flac")
JOB_KEYS = {"name", "program", "seconds", "cycles", "sr", "block", "format", "seed", "params",
            "samples", "stems", "stems_post"}
GRID_KEYS = (JOB_KEYS - {"seed"}) | {"seeds"}
TOP_KEYS = (JOB_KEYS - {"name", "program"}) | {"jobs", "grid"}
TEMPO_HEADS = ("cps", "tempo", "bpm")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.+=@,-][A-Za-z0-9_.+=@,~-]*\Z")
_PLACEHOLDER = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)")


class ManifestError(PhononError):
    """A manifest that cannot be read or a job that cannot be built."""


@dataclass(frozen=True)
class Job:
    """One render: program text (after substitution), its length, format and seed."""

    name: str
    program: str                       # the program file, as written in the manifest
    source: str                        # the text rendered (params substituted)
    seconds: float | None = None
    cycles: Fraction | None = None
    sr: int = 44100
    block: int = 2048
    format: str = "wav"
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    samples: tuple[str, ...] = ()      # sample roots (absolute)
    stems: tuple[str, ...] | None = None   # None: no stems; (): every bus; else these names
    stems_post: bool = False           # stems after the master stage
    plugin_paths: tuple[str, ...] = ()  # --allow-plugin-path folders (absolute)

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.format}"

    @property
    def program_hash(self) -> str:
        """sha256 of the program text as rendered (after substitution)."""
        return hashlib.sha256(self.source.encode()).hexdigest()

    def identity(self) -> dict[str, Any]:
        """What determines the audio: equal identities render bit-identical files."""
        return {"program_hash": self.program_hash, "params": self.params, "seed": self.seed,
                "seconds": self.seconds, "cycles": None if self.cycles is None else str(self.cycles),
                "sr": self.sr, "block": self.block, "format": self.format,
                "samples": list(self.samples),
                "stems": None if self.stems is None else list(self.stems),
                "stems_post": self.stems_post}


# ------------------------------------------------------------------------------- reading
def load_manifest(path: str | Path) -> list[Job]:
    """Read a .toml or .json manifest and build every job (programs read, params substituted);
    `ProgramFileError` (an OSError) when the manifest cannot be read, `ManifestError` (with
    its location) for what it says."""
    path = Path(path)
    try:
        text = read_text_file(path, MAX_MANIFEST_BYTES, "a manifest",
                              "give a .toml or .json manifest")
    except ProgramFileError as exc:
        raise ProgramFileError(f"manifest {path}", exc.reason) from None
    data = _parse(text, path)
    return build_jobs(data, path, text)


def _parse(text: str, path: Path) -> dict:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(exc.msg, file=str(path), line=exc.lineno, col=exc.colno) from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            line, col = (int(m[1]), int(m[2])) if m else (1, 1)
            raise ManifestError(msg, file=str(path), line=line, col=col,
                                hint="is it TOML? name a JSON manifest *.json") from None
    if not isinstance(data, dict):
        raise ManifestError("a manifest is a table with `jobs` and/or `grid` lists", file=str(path))
    return data


class _Where:
    """Locates a job in the manifest text for messages: the line of its name or program."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines = path, text.splitlines()

    def error(self, message: str, *needles: str, hint: str | None = None) -> ManifestError:
        for needle in needles:
            for i, line in enumerate(self.lines):
                col = line.find(needle) if needle else -1
                if col >= 0:
                    return ManifestError(message, file=str(self.path), line=i + 1, col=col + 1,
                                         hint=hint)
        return ManifestError(message, file=str(self.path), hint=hint)


def build_jobs(data: dict, path: Path, text: str = "") -> list[Job]:
    """Jobs from a parsed manifest; names unique, programs readable, params all used."""
    where = _Where(path, text)
    _check_keys(data, TOP_KEYS, "the manifest", where, "")
    defaults = {k: v for k, v in data.items() if k not in ("jobs", "grid")}
    entries = data.get("jobs", [])
    grids = data.get("grid", [])
    if not isinstance(entries, list) or not isinstance(grids, list):
        raise where.error("`jobs` and `grid` must be lists ([[jobs]] / [[grid]] in TOML)",
                          "jobs", "grid")
    if not entries and not grids:
        raise where.error("the manifest lists no jobs", hint='add [[jobs]] with name and program')
    jobs: list[Job] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise where.error(f"job {i + 1} is not a table", "jobs")
        _check_keys(entry, JOB_KEYS, f"job {i + 1}", where, _needle(entry))
        jobs.append(_job({**defaults, **entry}, path, where, f"job {i + 1}"))
    for i, grid in enumerate(grids):
        if not isinstance(grid, dict):
            raise where.error(f"grid {i + 1} is not a table", "grid")
        _check_keys(grid, GRID_KEYS, f"grid {i + 1}", where, _needle(grid))
        jobs.extend(_expand(grid, defaults, path, where, f"grid {i + 1}"))
    seen: dict[str, int] = {}
    for job in jobs:
        if job.name in seen:
            raise where.error(f"two jobs are named '{job.name}' (each writes {job.filename})",
                              f'"{job.name}"', hint="give grids a name template with {seed} "
                              "and the params that vary")
        seen[job.name] = 1
    return jobs


def _needle(entry: dict) -> str:
    for key in ("name", "program"):
        if isinstance(entry.get(key), str):
            return f'"{entry[key]}"'
    return ""


def _check_keys(entry: dict, allowed: set[str], what: str, where: _Where, needle: str) -> None:
    for key in entry:
        if key not in allowed:
            guess = did_you_mean(key, sorted(allowed))
            raise where.error(f"{what}: unknown key '{key}'", key, needle,
                              hint=guess or f"keys: {', '.join(sorted(allowed))}")


def _job(spec: dict, path: Path, where: _Where, what: str, seed: int | None = None) -> Job:
    needle = _needle(spec)
    name, program = spec.get("name"), spec.get("program")
    if not isinstance(program, str) or not program:
        raise where.error(f"{what}: needs `program` (a .ph file, relative to the manifest)", needle)
    if not isinstance(name, str) or not _SAFE_NAME.match(name):
        raise where.error(f"{what}: needs a `name` usable as a file name (letters, digits, "
                          f"`_ . - + = , @ ~`), got {name!r}", needle)
    label = f"{what} '{name}'"
    prog_path = (path.parent / program)
    try:
        text = read_program(prog_path)
    except ProgramFileError as exc:
        raise where.error(f"{label}: cannot read program {prog_path}: {exc.reason}",
                          f'"{program}"', needle) from None
    params = spec.get("params", {}) or {}
    if not isinstance(params, dict):
        raise where.error(f"{label}: `params` must be a table of values", needle)
    try:
        source = substitute(text, params)
    except ValueError as exc:
        raise where.error(f"{label}: {exc}", needle) from None
    fmt = spec.get("format", "wav")
    if fmt not in FORMATS:
        raise where.error(f"{label}: format must be one of {', '.join(FORMATS)}, got {fmt!r}", needle)
    seconds, cycles = spec.get("seconds"), spec.get("cycles")
    if (seconds is None) == (cycles is None):
        raise where.error(f"{label}: give exactly one of `seconds` or `cycles`", needle,
                          hint="e.g. seconds = 4 at the top of the manifest for every job")
    length = seconds if seconds is not None else cycles
    if not isinstance(length, (int, float)) or isinstance(length, bool) or length <= 0:
        raise where.error(f"{label}: the length must be a positive number, got {length!r}", needle)
    for key in ("sr", "block", "seed"):
        v = spec.get(key, 0 if key == "seed" else 1)
        if not isinstance(v, int) or isinstance(v, bool) or (key != "seed" and v <= 0) or v < 0:
            raise where.error(f"{label}: `{key}` must be a {'non-negative' if key == 'seed' else 'positive'}"
                              f" integer, got {v!r}", needle)
    samples = spec.get("samples", [])
    samples = [samples] if isinstance(samples, str) else list(samples)
    stems, post = spec.get("stems", False), spec.get("stems_post", False)
    if not (isinstance(stems, bool) or (isinstance(stems, list)
                                        and all(isinstance(x, str) for x in stems))) \
            or not isinstance(post, bool):
        raise where.error(f"{label}: `stems` is true, false or a list of bus names and "
                          "`stems_post` true or false", needle)
    if post and stems is False:
        stems = True
    stems = None if stems is False else tuple(x.lstrip("~") for x in (() if stems is True else stems))
    return Job(name=name, program=program, source=source,
               seconds=None if seconds is None else float(seconds),
               cycles=None if cycles is None else Fraction(str(cycles)),
               sr=int(spec.get("sr", 44100)), block=int(spec.get("block", 2048)), format=fmt,
               seed=int(spec.get("seed", 0) if seed is None else seed), params=dict(params),
               samples=tuple(str((path.parent / s).resolve()) for s in samples),
               stems=stems, stems_post=post)


def _expand(grid: dict, defaults: dict, path: Path, where: _Where, what: str) -> list[Job]:
    """Every combination of the grid's params (in the order written) times every seed."""
    needle = _needle(grid)
    seeds = grid.get("seeds", [grid.get("seed", defaults.get("seed", 0))])
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seeds = list(range(seeds))
    params = grid.get("params", {}) or {}
    if not isinstance(params, dict) or not isinstance(seeds, list) or not seeds:
        raise where.error(f"{what}: `params` maps names to lists of values and `seeds` is a "
                          "count or a non-empty list", needle)
    names = list(params)
    values = [v if isinstance(v, list) else [v] for v in params.values()]
    stem = Path(str(grid.get("program", "job"))).stem
    template = grid.get("name") or "-".join([stem, *(f"{_plain(n)}{{{_plain(n)}}}" for n in names),
                                             "seed{seed}"])
    jobs = []
    for combo in itertools.product(*values):
        chosen = dict(zip(names, combo))
        for seed in seeds:
            fields = {_plain(n): _text(v) for n, v in chosen.items()}
            try:
                name = template.format(seed=seed, stem=stem, **fields)
            except (KeyError, IndexError, ValueError) as exc:
                raise where.error(f"{what}: name template {template!r} uses {exc} which is not "
                                  f"a param", needle, hint=f"fields: seed, stem, {', '.join(fields)}") from None
            spec = {**defaults, **{k: v for k, v in grid.items() if k not in ("seeds", "params")},
                    "name": name, "params": chosen}
            jobs.append(_job(spec, path, where, what, seed=seed))
    return jobs


def _plain(name: str) -> str:
    """A param name usable in a name template: `~drive` -> `drive`."""
    return name.lstrip("~")


# --------------------------------------------------------------------------- substitution
def _text(value: Any) -> str:
    """A value as program text: numbers shortest round-trip (`0.1`, `3`), text verbatim."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e16 else str(int(value))
    return str(value)


def substitute(text: str, params: dict[str, Any]) -> str:
    """Program text with `params` put in: `%name` placeholders, `~bus` definitions and the
    tempo (`cps`/`tempo`/`bpm`). Line numbers are kept, so errors still point at the file."""
    from ..lang.lexer import split_statements

    # `%name: 800` in the program is a pattern variable (docs/language.md): a param sets its
    # definition, and its uses stay `%name`
    defined = {t[0].value for t in split_statements(text)
               if len(t) > 1 and t[0].text.startswith("%") and t[1].kind == ":"}
    used: set[str] = set()
    for key, value in params.items():
        if key.startswith("~") or key in TEMPO_HEADS:
            text = _replace_statement(text, key, _text(value), split_statements)
        elif key in defined:
            text = _replace_statement(text, "%" + key, _text(value), split_statements)
            used.add(key)

    def put(m: re.Match) -> str:
        if m[1] in defined:
            return m[0]
        if m[1] not in params or m[1].startswith("~"):
            raise ValueError(f"%{m[1]} in the program has no value"
                             + (f" (params: {', '.join(sorted(params))})" if params else ""))
        used.add(m[1])
        return _text(params[m[1]])

    text = _PLACEHOLDER.sub(put, text)
    unused = [k for k in params if not k.startswith("~") and k not in TEMPO_HEADS and k not in used]
    if unused:
        raise ValueError(f"param '{unused[0]}' is not used: the program has no %{unused[0]}"
                         f" (a bus constant is written '~{unused[0]}')")
    return text


def _replace_statement(text: str, head: str, value: str, split_statements) -> str:
    """Replace the expression of statement `head` (`~bus`; for a tempo word, whichever tempo
    statement the program has), keeping its lines. A tempo the program does not set is
    appended at the end (line numbers stay); a bus it does not define is an error."""
    lines = text.split("\n")
    heads = TEMPO_HEADS if head in TEMPO_HEADS else (head,)
    for toks in split_statements(text):
        if len(toks) >= 2 and toks[0].text in heads and toks[1].kind == ":":
            first, last = toks[0].line, max(t.line for t in toks)
            indent = lines[first - 1][:toks[0].col - 1]
            lines[first - 1] = f"{indent}{head}: {value}"
            for n in range(first, last):                     # continuation lines: emptied
                lines[n] = ""
            return "\n".join(lines)
    if head in TEMPO_HEADS:
        return text + ("" if text.endswith("\n") or not text else "\n") + f"{head}: {value}\n"
    raise ValueError(f"param '{head}' names a bus the program does not define ({head}: ...)")

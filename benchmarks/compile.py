"""Parse + compile time of a 200-line Phonon program (target: under 30 ms in total), and,
apart, the compile-time probe of its patterns.

    python benchmarks/compile.py [--repeat 30] [--cpu]

The program cycles through every statement and expression form (buses, chains, controls,
transforms, keyword arguments, pattern arithmetic, feedback). Reports the median of `--repeat`
runs for: tokenizing only, parsing (tokens -> AST), compiling (AST -> IR, with the real node
registry and pattern engine), and the whole `compile_program`. Baseline measured in the same
run: `mini()` of every string literal of the program alone, i.e. the share of the time that
belongs to the pattern engine rather than to the language.
"""
from __future__ import annotations

import argparse
import re
import statistics
import time

from phonon.lang import compile_ast, compile_program, parse
from phonon.lang.diagnostics import Reporter
from phonon.lang.lexer import split_statements
from phonon.lang.probe import probe_patterns
from phonon.lang.patterns_bridge import default_backend
from phonon.plugins.registry import default_registry

TEMPLATES = [   # `{i}` makes every line, and every pattern string, distinct
    '~k{i}: s "bd*{i} [~ bd] bd:{i} sn" # gain 0.9 # pan "-0.5 0.{i}"',
    '~h{i}: s "hh*{i}" $ every 3 (fast 2) # speed "1 {i}"',
    '~c{i}: fast 2 $ rev $ s "<cp [cp cp]> ~ cp:{i}"',
    '~d{i}: ~k{i} + ~h{i} * 0.5 + ~c{i}',
    '~r{i}: ~d{i} # reverb 0.5 0.4 :mix 0.3',
    '~e{i}: ~d{i} # delay 0.25 0.6 # lpf (sine 0.25 * 1500 + {i}) 0.8',
    '~b{i}: saw "55 110 {i}" # lpf "300 800 1{i}" 0.7 # gain 0.3',
    '~f{i}: saw 110 * 0.1 + (~f{i} # delay 0.1 0.3) * 0.4',
    '~p{i}: sine ("220 330" + "0 1{i}") * adsr "x ~ x x*{i}" 0.01 0.1 0.5 0.2',
    '~m{i}: (~r{i} + ~e{i} + ~b{i} + ~f{i} + ~p{i}) # compressor 0.7 # limiter 0.9',
]


def program(lines: int = 200) -> str:
    out = ["-- benchmark program", "tempo: 0.5"]
    i = 1
    while len(out) < lines - 1:
        for t in TEMPLATES:
            if len(out) >= lines - 1:
                break
            out.append(t.format(i=i))
        i += 1
    mixes = [m for m in re.findall(r"^~(m\d+):", "\n".join(out), re.M)]
    out.append("out: " + " + ".join("~" + m for m in mixes) if mixes else "out: ~d0")
    return "\n".join(out) + "\n"


CLOCK = time.perf_counter


def median_ms(fn, repeat: int, setup=lambda: None) -> float:
    """Median milliseconds of `fn()` on CLOCK (wall time, or CPU time with --cpu); `setup()`
    runs untimed before each call."""
    times = []
    for _ in range(repeat):
        setup()
        t = CLOCK()
        fn()
        times.append((CLOCK() - t) * 1e3)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--cpu", action="store_true",
                    help="measure process CPU time instead of wall time (steadier on a busy machine)")
    args = ap.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    src = program()
    registry, backend = default_registry(), default_backend()
    compile_program(src, file="bench.ph")                      # warm up imports and caches
    ast = parse(src)
    strings = re.findall(r'"([^"]*)"', src)

    lex = median_ms(lambda: split_statements(src), args.repeat)
    par = median_ms(lambda: parse(src), args.repeat)
    com = median_ms(lambda: compile_ast(ast, registry=registry, patterns=backend, probe=False),
                    args.repeat)
    total = median_ms(lambda: compile_program(src, file="bench.ph", probe=False), args.repeat)
    probed = compile_program(src, file="bench.ph", probe=False)
    reporter = Reporter("bench.ph", src.splitlines(), [])
    probe = median_ms(lambda: probe_patterns(probed, reporter), args.repeat)
    mini = backend.mini
    raw_mini = getattr(getattr(backend, "_mini", None), "__wrapped__", None) or mini
    clear = getattr(getattr(backend, "_mini", None), "cache_clear", lambda: None)

    cold_total = median_ms(lambda: compile_program(src, file="bench.ph", probe=False), args.repeat,
                           setup=clear)
    unique = sorted(set(strings))
    base = median_ms(lambda: [raw_mini(s) for s in unique], args.repeat)
    ir = compile_program(src, file="bench.ph")
    print(f"clock: {'process CPU time' if args.cpu else 'wall time'}, median of {args.repeat}")
    print(f"program: {src.count(chr(10))} lines, {len(ir.nodes)} nodes, {len(ir.buses)} buses, "
          f"{len(strings)} pattern strings ({len(set(strings))} distinct)")
    print(f"tokenize      {lex:7.2f} ms")
    print(f"parse         {par:7.2f} ms")
    print(f"compile       {com:7.2f} ms")
    print(f"total warm    {total:7.2f} ms   (target < 30 ms: {'ok' if total < 30 else 'MISSED'})")
    print(f"total cold    {cold_total:7.2f} ms   (target < 30 ms: {'ok' if cold_total < 30 else 'MISSED'})")
    print(f"probe         {probe:7.2f} ms   (querying every pattern's first cycles under the "
          "event budget: the work the engine's first cycles do anyway)")
    print(f"baseline: uncached mini() of the strings alone {base:.2f} ms = {base / cold_total:.0%} of the cold "
          f"total; the language's own share is {cold_total - base:.2f} ms")


if __name__ == "__main__":
    main()

"""The Phonon language: text -> AST -> graph IR (no numpy, no audio).

    from phonon.lang import compile_program, parse
    ir = compile_program(open("beat.ph").read(), file="beat.ph")

`parse` returns the syntax tree (`phonon.lang.ast.Program`); `compile_program` validates every
call against the node registry and the pattern transforms and returns a `GraphIR`. Both raise
`phonon.errors.PhononErrors` listing every problem found (file:line:col, source line, caret).
"""
from __future__ import annotations

from .compiler import compile_ast, compile_program
from .parser import parse, parse_with_errors

__all__ = ["compile_program", "compile_ast", "parse", "parse_with_errors"]

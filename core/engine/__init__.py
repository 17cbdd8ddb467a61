"""The engine: clock and events, `Session` (graph -> plan -> executor) and offline `render`.

Submodules are imported on use (`phonon.engine.session`, `phonon.engine.render`, ...) so that
importing the package stays cheap; see docs/engine.md.
"""

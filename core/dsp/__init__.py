"""Numba kernels for recursive DSP (oscillators, filters, envelopes, delay lines).

Core modules (the built-in nodes in `phonon.nodes` call them):
- `params`: float-or-array parameters -> preallocated float64 arrays (one kernel signature).
- `blep`: minimum-phase band-limited step table; `oscillators`: sine/saw/pulse/tri and noise.
- `svf`: resonant TPT state-variable filter and its exact analytic response.
- `envelopes`: event-triggered perc/ar/adsr; `delay`: feedback delay line and one-pole lag.
- `limiter`: look-ahead brick-wall limiter; `segments`: per-segment parameters for pedalboard.
Every kernel carries its state in small arrays owned by the node, so output never depends on
the block size.
"""

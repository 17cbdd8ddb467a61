"""Numba kernels for recursive DSP (oscillators, filters, envelopes, delay lines)."""

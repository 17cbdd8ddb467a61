"""`phonon.dsp`: the kernel library, numba kernels for recursive DSP, public for node authors.

The built-in nodes are thin classes around these kernels, and a plugin may call them the same
way (docs/plugins.md, "The kernel library"). Each module is one family:

| module | kernels |
|---|---|
| `oscillators` | `oscillator` (sine/saw/pulse/tri by `shape`, band-limited), `colored_noise` |
| `blep` | the minBLEP/minBLAMP tables the oscillators use (`RESIDUAL`, `RAMP_RESIDUAL`) |
| `svf` | `svf` (resonant TPT state-variable filter, 4 modes), `response` (its exact response), `djf` |
| `biquad` | `biquad` (RBJ cookbook low/high/band-pass, notch, peak, all-pass), `peaking_eq`, `response` |
| `ladder` | `ladder` (Moog 4-pole ladder, zero-delay feedback), `response` |
| `comb` | `comb` (feedback comb with a one-sample loop: pitch-exact), `allpass` (first order) |
| `waves` | `wavetable` (mipmapped, `build_tables`), `blip`, `impulse`, `pm`, `phasor` |
| `strings` | `string` (Karplus-Strong / waveguide string, one-sample loop tuned exactly) |
| `grains` | `granular` (grains of a live input) |
| `vocoder` | `vocoder` (channel vocoder), `band_centres`, `band_coefficients` |
| `envelopes` | `envelope` (perc/ar/adsr from onsets and gates) |
| `delay` | `feedback_delay` (+ `_fixed`/`_constant` fast paths), `one_pole` (lag) |
| `limiter` | `limiter`, `limiter_stereo` (look-ahead brick wall), `lookahead_samples`, `new_state` |
| `fx_kernels` | `pitch_shift`, `bitcrush`, `flanger`, `pingpong`, `tremolo_gain`, `sidechain_gain` |
| `echo` | `tape_delay`, `multitap`, `chorus_voices`, `vibrato`, `phaser` |
| `modulation` | `ring`, `decimate`, `widen` |
| `reverbs` | `plate` (Dattorro), `fdn` (8-line feedback delay network with freeze) |
| `freeverb` | `Freeverb` (state and parameters), `freeverb`: JUCE's reverb, bit-identical to `pedalboard.Reverb` |
| `compressor` | `JuceCompressor` (state and coefficients), `compress`, `decibels_to_gain`: JUCE's compressor, bit-identical to `pedalboard.Compressor` |
| `dynamics` | `expander_gain`, `transient_gain`, `follower` (peak, attack/release), `moving_rms` |
| `control` | `asr` (gate-driven envelope), `schmidt`, `sample_hold`, `timer` |
| `synth_kernels` | `fm`, `supersaw`, `superpwm`, `superkick`, `supersnare`, `superhat`, `vibrato` |
| `voice_fx` | SuperDirt's per-event modules on one voice: `apply_chain` (vowel, shape, hpf, bpf, crush, coarse, lpf, envelope, tremolo, phaser, then the extras), SuperCollider's `rlpf_coefficients`/`rhpf_coefficients`/`bpf_coefficients` |
| `orbit_fx` | an orbit's global effects: `dirt_delay` (comb with feedback), `dirt_reverb` (SuperDirt's room), `dirt_leslie` (rotary speaker) |
| `voice_fx_extra` | the extra modules: waveloss, squiz, fshift, triode, krush, octer, ring, distort, djf (`apply_extra`) |
| `pedal` | `prime`, `process`: a pedalboard plugin (built-in or VST3) with the same output for any block size |
| `mixsum` | `weighted_sum`, `weighted_add`, `mix_sum` (left-to-right float32 sum in chunks of at most 64 inputs, bit-identical to an add chain) |
| `clean` | `clean_clip` (NaN/Inf -> 0 and clip to [-1, 1] in one pass), `finite_copy` (NaN/Inf -> 0) |
| `direct` | `compiled` (a kernel's compiled version for given arguments, called without numba's type resolution: a node's steady call, docs/plugins.md) |
| `primitives` | the inlined pieces the kernels share: `clamp`, `wrap`, `next_index`, `locate`, `read_linear`, `fan_out`, `finite_state` |

Conventions shared by every kernel: it renders `n` samples (`ctx.frames`) into `out[:, :n]`
(float32, one row per channel) from float64 arrays of `n` samples for every modulatable
parameter (`phonon.plugins.ParamBuffers` makes them, so each kernel has one numba signature
whether a value is constant, patterned or a signal), and keeps all of its state in small numpy
arrays the node allocates in `prepare` and passes in every block, so the output never depends
on the block size and the state is what `StateArrays` hands over on hot swap. Names starting
with `_` are helpers of their module, not part of the library.
"""

# -- numba's start-up without the 0.1 s of SciPy it does not need for these kernels ----------
# When numba prepares its first kernel (compiling it or loading it from the cache) it imports
# `numba.np.arraymath`, which probes for BLAS at import time by importing `scipy.linalg`
# (`ensure_blas`): about 90 ms on a 2-core machine (most of a SciPy 1.17 `scipy.linalg` import
# is its array-API layer), in every process that runs a kernel. The probe's only use is
# `_HAVE_BLAS`, read when a kernel's `np.convolve`/`np.correlate` is typed (to call `np.dot`,
# whose own typing imports BLAS itself). `_defer_blas_probe()` imports `numba.np.arraymath` with
# `scipy.linalg` hidden, then sets `_HAVE_BLAS` to what the probe finds when SciPy is
# installed, so typing behaves as before and `scipy.linalg` is imported only by a kernel that
# uses BLAS. It runs when `phonon.dsp` is imported, before any kernel of the library, the
# nodes or the voice pool. A process that imported `scipy.linalg` or numba's array maths
# already is left alone.
import importlib.util  # noqa: E402
import sys  # noqa: E402


class _HideScipyLinalg:
    """A meta-path finder that makes `scipy.linalg` (and its submodules) unimportable."""

    @staticmethod
    def find_spec(name: str, path=None, target=None):
        if name == "scipy.linalg" or name.startswith("scipy.linalg."):
            raise ModuleNotFoundError(f"{name} hidden while numba starts", name=name)
        return None


def _defer_blas_probe() -> None:
    """Import numba's array maths without its eager SciPy probe (see the comment above)."""
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    hide = _HideScipyLinalg()
    sys.meta_path.insert(0, hide)
    try:
        import numba.np.arraymath as arraymath
    finally:
        sys.meta_path.remove(hide)
    if not arraymath._HAVE_BLAS:
        arraymath._HAVE_BLAS = importlib.util.find_spec("scipy") is not None


_defer_blas_probe()

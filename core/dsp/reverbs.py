"""Numba reverb kernels: the Dattorro plate (`plate`) and an 8-line feedback delay network
(`fdn`: `lush`, `reverb_stereo`).

Both keep their delay lines in one 2-D array the node allocates (`lines[k, :lengths[k]]` plus
room for modulation), their write indices in `heads`, filter memories and LFO phases in
`state`. Decay is set as a reverberation time: every recirculating path is scaled so energy
falls 60 dB in `decay` seconds (before damping).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import clamp, locate, next_index, read_linear, wrap

TWO_PI = 2.0 * np.pi

# Dattorro (1997), "Effect Design part 1", delay lengths at his 29761 Hz
DATTORRO_SR = 29761.0
#: input diffusers (4 all-passes), the tank (per side: modulated all-pass, delay, all-pass,
#: delay) - line indices 0-3 are the diffusers, 4-7 the left half, 8-11 the right half
PLATE_LENGTHS = (142, 107, 379, 277, 672, 4453, 1800, 3720, 908, 4217, 2656, 3163)
PLATE_EXCURSION = 16.0            # modulation excursion of the tank's first all-passes (samples)
#: output taps (line index, offset at 29761 Hz, sign) for the left and right outputs (the
#: node turns them into the kernel's `taps` array)
PLATE_TAPS_LEFT = ((9, 266, 1.0), (9, 2974, 1.0), (10, 1913, -1.0), (11, 1996, 1.0),
                   (5, 1990, -1.0), (6, 187, -1.0), (7, 1066, -1.0))
PLATE_TAPS_RIGHT = ((5, 353, 1.0), (5, 3627, 1.0), (6, 1228, -1.0), (7, 2673, 1.0),
                    (9, 2111, -1.0), (10, 335, -1.0), (11, 121, -1.0))
#: the tank loop length at 29761 Hz (both halves), for the decay -> gain conversion
PLATE_LOOP = 672 + 4453 + 1800 + 3720 + 908 + 4217 + 2656 + 3163

#: the FDN's 8 delay lengths (ms) and its input diffusers (ms)
FDN_LENGTHS_MS = (31.7, 37.3, 41.9, 47.7, 53.1, 59.3, 67.7, 73.9)
FDN_DIFFUSERS_MS = (4.7, 3.6, 12.7, 9.3)


@njit(cache=True, inline="always")
def _read(line: np.ndarray, head: int, length: int, back: float) -> float:
    """The sample `back` samples before the newest (back >= 0, fractional: linear), in a
    circular line of `length` samples whose newest sample is at head - 1."""
    return read_linear(line, head - 1, length, back)


@njit(cache=True, inline="always")
def _read_cubic(line: np.ndarray, head: int, length: int, back: float) -> float:
    """`_read` with 4-point Hermite interpolation (back >= 1): modulated lines keep their
    high frequencies, so modulation hardly shortens the tail."""
    i1, t = locate(head - 1, length, back)
    i0 = i1 - 1 if i1 > 0 else length - 1
    i2 = i1 + 1 if i1 + 1 < length else 0
    i3 = i2 + 1 if i2 + 1 < length else 0
    y0 = line[i0]
    y1 = line[i1]
    y2 = line[i2]
    y3 = line[i3]
    c1 = 0.5 * (y2 - y0)
    c2 = y0 - 2.5 * y1 + 2.0 * y2 - 0.5 * y3
    c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2)
    return ((c3 * t + c2) * t + c1) * t + y1


@njit(cache=True, inline="always")
def _allpass(line: np.ndarray, heads: np.ndarray, k: int, length: int, delay: float, g: float,
             v: float) -> float:
    """Schroeder all-pass of `delay` samples (fractional) on line k: w = v + g*w[-d],
    y = w[-d] - g*w."""
    h = int(heads[k])
    delayed = _read(line, h, length, delay - 1.0)
    w = v + g * delayed
    line[h] = w
    h = next_index(h, length)
    heads[k] = h
    return delayed - g * w


@njit(cache=True, inline="always")
def _delay(line: np.ndarray, heads: np.ndarray, k: int, length: int, v: float) -> float:
    """A plain delay of `length` samples on line k: returns the sample written `length` ago."""
    h = int(heads[k])
    out = line[h]
    line[h] = v
    h = next_index(h, length)
    heads[k] = h
    return out


@njit(cache=True)
def plate(x: np.ndarray, out: np.ndarray, n: int, predelay: np.ndarray, decay: np.ndarray,
          diffusion: np.ndarray, damping: np.ndarray, mod_depth: np.ndarray,
          lines: np.ndarray, lengths: np.ndarray, delays: np.ndarray, heads: np.ndarray,
          taps: np.ndarray, pre: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Wet Dattorro plate (stereo out from the mono sum of the input).

    predelay in ms (0-500, fractional), decay = RT60 in seconds (0.1-30; the tank gain
    g = 10**(-3*loop/(4*decay*sr)): the loop passes g four times), diffusion 0-1 scales the
    input diffusers (0.75, 0.625 at 0.7) and the tank's first all-passes (= diffusion, at most
    0.9), damping 0-1 the tank's one-pole low-passes (coefficient 0.8*damping), mod_depth 0-1
    the tank all-passes' excursion (16 samples at 29761 Hz per 0.3).

    `lines` (12, L): the lines of PLATE_LENGTHS scaled to sr (`delays`, in samples), each a
    ring of `lengths[k]` samples (the two modulated all-passes have room for the excursion);
    `taps` (14, 3): line, offset (samples), sign of the 7 left then 7 right output taps;
    `pre` the pre-delay line; `state` = [pre head, bandwidth filter, damp L, damp R,
    tank L out, tank R out, lfo phase].
    """
    scale = sr / DATTORRO_SR
    loop = PLATE_LOOP * scale
    pre_len = pre.shape[0]
    ph = int(state[0])
    bw = state[1]
    damp_l = state[2]
    damp_r = state[3]
    fb_l = state[4]
    fb_r = state[5]
    phase = state[6]
    last_decay = -1.0
    g = 0.0
    exc_unit = PLATE_EXCURSION * scale / 0.3
    channels = x.shape[0]
    for i in range(n):
        t = clamp(decay[i], 0.1, 30.0)
        if t != last_decay:
            last_decay = t
            g = 10.0 ** (-3.0 * loop / (4.0 * t * sr))
        diff = clamp(diffusion[i], 0.0, 1.0)
        in1 = min(0.75 * diff / 0.7, 0.9)
        in2 = min(0.625 * diff / 0.7, 0.9)
        dec1 = min(diff, 0.9)
        dec2 = clamp(g + 0.15, 0.25, 0.5)
        d = 0.8 * clamp(damping[i], 0.0, 1.0)
        exc = exc_unit * clamp(mod_depth[i], 0.0, 1.0)
        # pre-delay and input band-limiting
        v = 0.0
        for c in range(channels):
            v += x[c, i]
        v /= channels
        if not (v == v):
            v = 0.0
        pre[ph] = v
        back = clamp(predelay[i], 0.0, 500.0) * 0.001 * sr
        if back > pre_len - 2.0:
            back = pre_len - 2.0
        ph = next_index(ph, pre_len)
        v = _read(pre, ph, pre_len, back)
        bw = bw + 0.9995 * (v - bw)
        v = bw
        # input diffusers
        for k in range(4):
            v = _allpass(lines[k], heads, k, lengths[k], delays[k], in1 if k < 2 else in2, v)
        # tank: each half takes the input plus the other half's output
        a = v + fb_r
        b = v + fb_l
        a = _allpass(lines[4], heads, 4, lengths[4], delays[4] + exc * np.sin(TWO_PI * phase),
                     -dec1, a)
        a = _delay(lines[5], heads, 5, lengths[5], a)
        damp_l = a + d * (damp_l - a)
        a = _allpass(lines[6], heads, 6, lengths[6], delays[6], dec2, damp_l * g)
        fb_l = _delay(lines[7], heads, 7, lengths[7], a) * g
        b = _allpass(lines[8], heads, 8, lengths[8], delays[8] + exc * np.cos(TWO_PI * phase),
                     -dec1, b)
        b = _delay(lines[9], heads, 9, lengths[9], b)
        damp_r = b + d * (damp_r - b)
        b = _allpass(lines[10], heads, 10, lengths[10], delays[10], dec2, damp_r * g)
        fb_r = _delay(lines[11], heads, 11, lengths[11], b) * g
        # output taps
        left = 0.0
        right = 0.0
        for t_ in range(14):
            k = int(taps[t_, 0])
            v = taps[t_, 2] * _read(lines[k], int(heads[k]), lengths[k], taps[t_, 1])
            if t_ < 7:
                left += v
            else:
                right += v
        out[0, i] = 0.6 * left
        out[channels - 1, i] = 0.6 * right if channels > 1 else 0.3 * (left + right)
        phase = wrap(phase + 1.0 / sr)
    state[0] = ph
    state[1] = bw
    state[2] = damp_l
    state[3] = damp_r
    state[4] = fb_l
    state[5] = fb_r
    state[6] = phase


@njit(cache=True)
def fdn(x: np.ndarray, out: np.ndarray, n: int, predelay: np.ndarray, decay: np.ndarray,
        diffusion: np.ndarray, damping: np.ndarray, rate: np.ndarray, depth: np.ndarray,
        freeze: np.ndarray, lines: np.ndarray, lengths: np.ndarray, delays: np.ndarray,
        heads: np.ndarray, pre: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Wet 8-line feedback delay network with a Householder matrix (stereo in, stereo out).

    predelay in seconds (0-1), decay = RT60 in seconds (0.1-60: line k's gain
    10**(-3*len_k/(decay*sr))), diffusion 0-1 the gain of 4 input all-passes (0.7 at 1),
    damping 0-1 a one-pole low-pass in each line (coefficient 0.7*damping), rate (Hz) and depth
    (ms) a sine modulation of each line's length (phases spread over the lines), freeze >= 0.5:
    the loop keeps its energy (gain 1, no damping, input muted).

    `lines` (12, L): lines 0-7 the FDN, 8-11 the diffusers, delays of `delays` samples in rings
    of `lengths` (the FDN's with room for the modulation); `pre` (P, 2) the pre-delay line;
    `state` = [pre head, lfo phase, damping memory x 8, modulation amount 0..1].
    """
    pre_len = pre.shape[0]
    ph = int(state[0])
    phase = state[1]
    channels = x.shape[0]
    gains = np.empty(8)
    taps = np.empty(8)
    last_decay = -1.0
    fade = 1.0 - np.exp(-1.0 / (0.05 * sr))
    for i in range(n):
        t = clamp(decay[i], 0.1, 60.0)
        frozen = freeze[i] >= 0.5
        if t != last_decay:
            last_decay = t
            for k in range(8):
                gains[k] = 10.0 ** (-3.0 * delays[k] / (t * sr))
        diff = 0.7 * clamp(diffusion[i], 0.0, 1.0)
        d = 0.0 if frozen else 0.7 * clamp(damping[i], 0.0, 1.0)
        # frozen, the modulation fades out (50 ms) so the lines settle on whole-sample delays
        # and the loop is lossless; unfrozen it fades back in
        amount = state[10]
        if frozen:
            amount -= amount * fade
        else:
            amount += (1.0 - amount) * fade
        state[10] = amount
        swing = clamp(depth[i], 0.0, 5.0) * 0.001 * sr * amount
        # input: mid and side through the pre-delay, then the diffusers on the mid
        left = x[0, i]
        right = x[channels - 1, i]
        if not (left == left):
            left = 0.0
        if not (right == right):
            right = 0.0
        if frozen:
            left = 0.0
            right = 0.0
        pre[ph, 0] = left
        pre[ph, 1] = right
        back = clamp(predelay[i], 0.0, 1.0) * sr
        if back > pre_len - 2.0:
            back = pre_len - 2.0
        ph = next_index(ph, pre_len)
        pos = ph - 1 - back
        while pos < 0.0:
            pos += pre_len
        i0 = int(pos)
        frac = pos - i0
        i1 = i0 + 1 if i0 + 1 < pre_len else 0
        left = pre[i0, 0] + frac * (pre[i1, 0] - pre[i0, 0])
        right = pre[i0, 1] + frac * (pre[i1, 1] - pre[i0, 1])
        mid = 0.5 * (left + right)
        side = 0.5 * (left - right)
        for k in range(4):
            mid = _allpass(lines[8 + k], heads, 8 + k, lengths[8 + k], delays[8 + k], diff, mid)
        # read the lines (modulated), damp, scale
        total = 0.0
        for k in range(8):
            back_k = delays[k] + swing * np.sin(TWO_PI * (phase + k * 0.125)) - 1.0
            v = _read_cubic(lines[k], int(heads[k]), lengths[k], clamp(back_k, 1.0, lengths[k] - 3.0))
            m = v + d * (state[2 + k] - v)
            state[2 + k] = m
            taps[k] = m if frozen else m * gains[k]
            total += taps[k]
        total *= 0.25                      # Householder: v - (2/8)*sum
        for k in range(8):
            feed = taps[k] - total
            inject = 0.0
            if not frozen:
                inject = mid + (side if k % 2 == 0 else -side)
            h = int(heads[k])
            lines[k, h] = feed + 0.5 * inject
            h += 1
            if h >= lengths[k]:
                h = 0
            heads[k] = h
        out_l = taps[0] - taps[2] + taps[4] - taps[6] + 0.5 * (taps[1] + taps[5])
        out_r = taps[1] - taps[3] + taps[5] - taps[7] + 0.5 * (taps[0] + taps[4])
        out[0, i] = 0.85 * out_l
        out[channels - 1, i] = 0.85 * out_r if channels > 1 else 0.425 * (out_l + out_r)
        phase = wrap(phase + clamp(rate[i], 0.0, 20.0) / sr)
    state[0] = ph
    state[1] = phase

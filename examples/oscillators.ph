-- Oscillators, summed and scaled.
-- check: buses=0 outputs=out samples=
out: (sine 220 + saw 110 * 0.3 + square 55 * 0.1 + tri 440 * 0.2) * 0.3

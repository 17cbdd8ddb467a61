-- No `out` and no ~master/~out: all buses are summed at -12 dB (with a warning).
-- check: buses=2 outputs= samples=bd warnings=1
~a: s "bd*2"
~b: saw 55 * 0.2

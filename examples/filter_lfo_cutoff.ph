-- A signal expression modulates the cutoff every sample.
-- check: buses=0 outputs=out samples=
out: saw 110 # lpf (sine 0.25 * 1500 + 2000) 0.8

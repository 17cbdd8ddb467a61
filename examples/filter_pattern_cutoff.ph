-- A pattern string steps the cutoff on its onsets.
-- check: buses=0 outputs=out samples=
out: saw 55 # lpf "300 800 1600 3200" 0.7

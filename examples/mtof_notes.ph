-- Notes to frequencies: a note pattern through mtof.
-- check: buses=1 outputs=out samples=
~freq: mtof "48 55 60 63"
out: saw ~freq # lpf 1500 * 0.3

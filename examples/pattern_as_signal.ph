-- A pattern string in signal arithmetic becomes a stepped control signal.
-- check: buses=0 outputs=out samples=
out: saw 110 * "0.8 0.4 0.2 0"

-- A pattern string in signal arithmetic becomes a stepped control signal.
-- check: buses=0 outputs=out samples=
out: saw 110 * "1 0.5 0.25 0"

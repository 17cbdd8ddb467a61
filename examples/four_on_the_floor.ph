-- The smallest beat: a kick on every quarter.
-- check: buses=0 outputs=out samples=bd cps=0.5
out: s "bd*4"

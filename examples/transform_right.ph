-- A transform after the pattern: `p $ t`.
-- check: buses=0 outputs=out samples=bd,sn
out: s "bd sn" $ fast 2

-- Transform arguments may be patterns.
-- check: buses=0 outputs=out samples=bd,sn
out: s "bd sn" $ fast "<1 2 4>"

-- A transform taking a transform: (fast 2) is a partially applied function.
-- check: buses=0 outputs=out samples=bd,sn
out: s "bd sn" $ every 3 (fast 2)

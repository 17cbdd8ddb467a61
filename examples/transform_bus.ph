-- A bus may hold a transform; apply it with `$`.
-- check: buses=0 outputs=out samples=bd,hh
~swingit: every 4 (fast 2)
out: s "bd hh*2" $ ~swingit

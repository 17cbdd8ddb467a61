-- A transform before the pattern: `t $ p` (Tidal order).
-- check: buses=0 outputs=out samples=bd,hh
out: fast 2 $ rev $ s "bd hh hh"

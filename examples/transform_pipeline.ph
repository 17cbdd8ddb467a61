-- Several transforms with the pattern on the left apply left to right.
-- check: buses=0 outputs=out samples=bd,cp,hh
out: s "bd cp hh" $ fast 2 $ every 4 rev $ degradeBy 0.2

-- A transform applied to a bus whose value is a pattern.
-- check: buses=1 outputs=out,out2 samples=bd,sn
~d: s "bd sn bd sn"
out: ~d $ every 2 rev
out2: fast 2 $ ~d # gain 0.5

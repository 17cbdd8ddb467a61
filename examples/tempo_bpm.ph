-- bpm: 120 means cps = 120/60 (one beat is one cycle).
-- check: buses=0 outputs=out samples=bd,sn cps=2
bpm: 120
out: s "bd sn"

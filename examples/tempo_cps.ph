-- Tempo in cycles per second.
-- check: buses=1 outputs=out samples=bd,hh cps=0.75
cps: 0.75
~beat: s "bd hh bd hh"
out: ~beat

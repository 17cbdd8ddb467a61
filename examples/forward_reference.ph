-- Buses may be used above the line that defines them.
-- check: buses=3 outputs=out samples=bd,sn
out: ~mix
~mix: ~a + ~b
~a: s "bd*4" # gain 0.6
~b: s "~ sn" # gain 0.6

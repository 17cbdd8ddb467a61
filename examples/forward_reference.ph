-- Buses may be used above the line that defines them.
-- check: buses=3 outputs=out samples=bd,sn
out: ~mix
~mix: ~a + ~b
~a: s "bd*4"
~b: s "~ sn"

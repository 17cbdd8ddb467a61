-- A 303-style line through the Moog ladder (input first, as in the original), then a DJ filter.
-- check: buses=3 outputs=out samples=bd,hh cps=0.5
cps: 0.5
~line: saw_trig "c2 c2 [c3 c2] eb2 c2 [g2 c3] bb1 c2" 0.002 0.15 0.3 0.05
~acid: moog_ladder ~line (sine 0.25 * 900 + 1300) 0.8 :drive 2
~drums: s "bd*4 [~ hh]*4" # gain 0.7
out: (~acid * 0.9 + ~drums * 0.9) # djf (sine 0.125 * 0.35 + 0.5) # limiter 0.9

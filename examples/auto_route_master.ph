-- No `out`: the bus named ~master plays.
-- check: buses=2 outputs= samples=bd
~drums: s "bd*4"
~master: ~drums # lpf 2000

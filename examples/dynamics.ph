-- Dynamics of the original: an upward expander on the drums, a transient shaper for punch,
-- the five-argument compressor, a sidechain duck, and a ring-modulated bell.
-- check: buses=5 outputs=out samples=bd,sn,hh cps=0.5
cps: 0.5
~drums: s "bd ~ [~ bd] ~, ~ sn, hh*8" # gain 0.3
~punch: ~drums # transient_shaper 6 -3 # expander -18 1.5 0.001 0.08
~bass: saw 55 * 0.4 # lpf 300 # sidechain_compressor ~drums -24 6 0.002 0.15
~bell: sine 660 # ring 230 * perc "x(3,8)" 0.002 0.4
~glue: (~punch + ~bass) # comp -16 3 0.01 0.12 2
out: ~glue * 0.6 + ~bell * 0.15

-- The original's envelope forms: a cycle-synced adsr (numbers first), # ar on samples, a
-- bus whose own adsr follows each note when s plays it, struct and env_trig gates, and a
-- sample-and-hold melody from noise.
-- check: buses=7 outputs=out samples=bd,hh cps=1
cps: 1
~swell: saw 110 # lpf 800 # adsr 0.3 0.2 0.5 0.3
~kick: s "bd*4" # ar 0.001 0.15
~hats: s "hh*8" # gain 0.5 # ar 0.001 0.04
~lead: sine 440 # adsr 0.02 0.1 0.4 0.2
~steps: struct "t ~ t t ~ t ~ t" (square 220 # lpf 1500) # env_trig "x*2" 0.01 0.2 0.6 0.1
~melody: sine (sample_hold (noise * 300 + 500) (square 4)) * asr (sine 0.5) 0.05 0.4
~notes: s "~lead*4 ~lead*2" # note "<0 3 7 5>" # gain 0.3
out: ~swell * 0.25 + ~kick * 0.45 + ~hats * 0.4 + ~notes * 0.7 + ~steps * 0.25 + ~melody * 0.15

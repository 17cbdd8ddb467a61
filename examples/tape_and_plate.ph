-- Space and motion from the original's effects: a tape echo that wobbles, a Dattorro plate,
-- a phaser with 8 stages, a widened pad, and the automatic master limiter.
-- check: buses=6 outputs=out samples=bd,hh,sn cps=0.5
cps: 0.5
limiter: 0.9
~drums: s "bd*2 [~ bd] [sn ~] ~, hh*8" # gain "1 0.6"
~echo: ~drums # tapedelay 0.375 0.45 0.4 0.01 6 0.05 0.5 1
~plate: ~drums # plate 15 2.2 0.7 0.4 0.3 1
~bass: saw "55 55 82.5 73.4" * 0.5 # lpf 900 1.5 # phaser 0.25 0.7 0.3 8
~pad: (supersaw 220 0.2 7 + supersaw 277.2 0.2 7) * 0.25 # fchorus 0.012 0.004 0.3 # widener 1.6
~wobble: ~pad # tremolo 6 0.5 # vibrato 5 0.2
out: ~drums * 0.6 + ~echo * 0.25 + ~plate * 0.2 + ~bass * 0.5 + ~wobble * 0.3

-- Plucked strings with one-sample feedback loops: pitch-exact at any block size.
-- check: buses=4 outputs=out samples= cps=0.5
cps: 0.5
~gtr: pluck "<c3 e3 g3 b3>*4" 0.4 :decay 1.5
~harp: waveguide "c5 [e5 g5] b4 [d5 c5]" 0.2 0.3
~bell: superhat 0.9 0.02 :trig "x(3,8)" # comb "<440 660>" 0.97
~space: (~gtr + ~harp) # reverb 0.6 0.5 1
out: (~gtr * 0.6 + ~harp * 0.5 + ~bell * 0.8 + ~space * 0.2) * 1.6

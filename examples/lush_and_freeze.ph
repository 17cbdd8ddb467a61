-- Reverb tails you can hold: lush freezes its tail on the last quarter of every other cycle,
-- the spectral freeze holds a chord while the notes move on, and a convolution room.
-- check: buses=5 outputs=out samples=cp cps=0.5
cps: 0.5
limiter: 0.9
~chord: (saw "<110 130.8>" + saw "<164.8 196>" + saw "<220 261.6>") * 0.2 # lpf 1800 0.8
~pluck: sine "440 660 550 880" * perc "x*4" 0.005 0.3
~wash: ~pluck * 0.15 # lush 5 0.8 0.3 0.4 1 "<[0 0 0 1] 0>" 1 0.02
~held: ~chord # freeze "<0 [0 1]>"
~room: s "~ cp" # convolve :mix 1
out: ~held * 0.5 + ~pluck * 0.3 + ~wash * 0.4 + ~room * 0.3

-- Band-limited tables, additive partials, a granular cloud and a pitch shifter.
-- check: buses=4 outputs=out samples= cps=0.5
cps: 0.5
~pad: (organ "c3" + additive "g3" "1 0 0.3 0 0.2" * 0.5) * 0.4
~cloud: granular ~pad 80 30 "<1 2 1.5 0.5>" :spray 0.2
~fifth: pitch_shift (wavetable 130.81 "soft_saw" * 0.3) 7
~bleep: blip "<440 660>*4" * 0.15 # formant 800 1150 2900 80 90 120
out: (~pad * 0.4 + ~cloud * 0.5 + ~fifth * 0.3 + ~bleep) * 1.4

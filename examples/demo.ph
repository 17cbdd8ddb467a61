-- Phonon demo: a drum groove on the built-in kit, a send reverb and a filtered bass line.
cps: 0.55

~kick: s "bd*4" # gain 0.95
~snare: s "~ sn ~ sn" # gain 0.8
~hats: s "hh*8" # gain "0.5 0.3" # pan 0.3
~clap: s "~ ~ ~ cp" $ every 4 (fast 2)
~drums: ~kick + ~snare + ~hats + ~clap * 0.6

~bass: saw "55 55 82.5 73.4" # lpf "400 1200" 0.8 # gain 0.25
~space: ~drums # reverb 0.7 0.5 1

out: (~drums + ~bass + ~space * 0.25) # compressor -10 3 # limiter 0.95

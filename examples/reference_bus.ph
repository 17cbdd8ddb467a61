-- The design's reference bus program: drums summed, sent to reverb and delay in parallel.
-- check: buses=7 outputs=out samples=bd,hh,sn
~kick: s "bd*4"
~snare: s "sn*4"
~hats: s "hh*8"
~drums: ~kick + ~snare + ~hats
~drums_reverb: ~drums # reverb 0.5
~drums_delay: ~drums # delay 0.25 0.6
~drums_wet: ~drums_reverb * 0.3 + ~drums_delay * 0.2
out: (~drums + ~drums_wet) # compressor 0.7 # limiter 0.9

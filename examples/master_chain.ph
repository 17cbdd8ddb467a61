-- A mastering chain on the main output.
-- check: buses=2 outputs=out samples=bd,hh,sn
~drums: s "bd*4" + s "~ sn" + s "hh*8" # gain 0.7
~bass: saw 55 # lpf 400 # distortion 2
out: (~drums + ~bass * 0.5) # eq # compressor 0.5 4 # limiter 0.9

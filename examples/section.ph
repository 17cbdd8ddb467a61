-- `(# control ...)` inside a transform: every other cycle, play faster and softer.
-- check: buses=0 outputs=out samples=hh
out: s "hh*8" $ every 2 (# speed 2 # gain 0.7)

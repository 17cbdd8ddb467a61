-- `range lo hi sig` maps a -1..1 signal; the signal may also come through `#`.
-- check: buses=2 outputs=out samples=
~lfo: range 200 2000 (sine 0.5)
~lfo2: sine 0.25 # range 0.5 4
out: saw 55 # lpf ~lfo ~lfo2 # gain 0.5

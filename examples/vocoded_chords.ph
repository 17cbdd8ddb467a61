-- Drums talk through saw chords: a 16-band vocoder (modulator first, then carrier).
-- check: buses=3 outputs=out samples=bd,sn,hh cps=0.5
cps: 0.5
~beat: s "bd [~ sn] bd*2 sn, hh*8"
~chords: synth "<[c3,eb3,g3] [ab2,c3,eb3] [f2,ab2,c3] [g2,b2,d3]>" "saw" 0.01 0.2 0.8 0.3
~voc: vocoder ~beat ~chords 16
out: (~voc * 0.8 + ~chords * 0.15) # parametric_eq 120 2 1 900 -3 1.5 6000 3 1 # limiter 0.9

-- Euclidean rhythms in mini-notation and as a transform.
-- check: buses=0 outputs=out,out2 samples=bd,hh
out: s "bd(3,8) hh(5,8,2)" # gain 0.7
out2: s "hh" $ euclid 5 8 # gain 0.4

-- Numbered outputs (out2, d1, o3...) are summed into the master with `out`.
-- check: buses=0 outputs=out,out2,d1,o3 samples=bd,hh,sn
out: s "bd*4" # gain 0.6
out2: s "~ sn" # gain 0.6
d1: s "hh*8" # gain 0.4
o3: sine 55 * 0.1

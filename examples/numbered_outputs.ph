-- Numbered outputs (out2, d1, o3...) are summed into the master with `out`.
-- check: buses=0 outputs=out,out2,d1,o3 samples=bd,hh,sn
out: s "bd*4"
out2: s "~ sn"
d1: s "hh*8" # gain 0.6
o3: sine 55 * 0.1

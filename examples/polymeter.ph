-- Mini-notation: polymeter, alternation, replicate and weights.
-- check: buses=0 outputs=out samples=bd,cp,hh,sn
out: s "{bd sn hh}%4 <cp [cp cp]> hh!2 bd@2"

-- A two-input effect: the chain gives the signal, the first argument the key.
-- check: buses=2 outputs=out samples=bd
~kick: s "bd*4"
~pad: saw 55 * 0.3
out: ~kick + (~pad # sidechain ~kick -30 8)

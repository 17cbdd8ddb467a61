-- `tempo:` is the same as `cps:`; the tempo may be an arithmetic expression.
-- check: buses=0 outputs=out samples=cp cps=1.5
tempo: 3 / 2
out: s "cp*2"

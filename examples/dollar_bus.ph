-- `~bus $ expr` and `out $ expr` are the same as the ':' forms.
-- check: buses=2 outputs=out samples=bd,sn
~kick $ s "bd*2" # gain 0.6
~snare $ s "~ sn" # gain 0.6
out $ ~kick + ~snare

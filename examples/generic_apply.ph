-- `f args $ x` passes the signal as the last argument.
-- check: buses=0 outputs=out samples=
out: lpf 800 0.7 $ saw 110

-- Numbers: 2, 0.5, .5, 1e3.
-- check: buses=0 outputs=out samples=
out: sine 1e3 * .5 * 0.5 + saw 2.5e2 * 1e-1

-- A cycle through two buses: the read that closes the cycle is delayed.
-- check: buses=2 outputs=out samples= feedback=1
~a: saw 110 * 0.1 + ~b * 0.4
~b: ~a # lpf 900 # delay 0.05 0.3
out: ~a

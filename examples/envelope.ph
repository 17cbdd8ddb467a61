-- An event-triggered envelope as a VCA.
-- check: buses=0 outputs=out samples=
out: saw 110 * adsr "x ~ x x" 0.01 0.1 0.5 0.2 * 0.8

-- Negative literals as arguments, unary minus on signals.
-- check: buses=0 outputs=out samples=
out: (sine 2 # range -1 1) * -0.5 + -(saw 3) * 0.1 - .05

-- Arithmetic between literal patterns folds into one pattern (structure from the left).
-- check: buses=0 outputs=out samples=
out: sine ("220 330" + "0 110" * 2) * 0.2

-- Comments run to the end of the line, also after code.
-- check: buses=1 outputs=out samples=hh
~hats: s "hh*8" -- eighth notes
-- a comment between statements

out: ~hats * 0.5 -- half level

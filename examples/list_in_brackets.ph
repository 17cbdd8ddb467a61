-- Brackets may span lines.
-- check: buses=0 outputs=out samples=bd,sn
out: s "bd sn" $ every 2 (
  fast 2
)

-- Tidal style: the note pattern first, the sound merged in.
-- check: buses=0 outputs=out samples=lt
out: n "0 .. 3" # s "lt" # legato 1

-- `#` with a per-event control merges into the event pattern: one sample-voice node.
-- check: buses=0 outputs=out samples=bd,sn
out: s "bd*2 sn" # gain "1 0.8" # pan "-1 1" # speed 2

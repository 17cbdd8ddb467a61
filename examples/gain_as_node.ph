-- `gain`/`pan` after a signal are effect nodes; after events they are per-event controls.
-- check: buses=2 outputs=out,out2 samples=bd
~tone: sine 330 # gain 0.5 # pan -0.5
~beat: s "bd*2" # gain 0.8 # pan 0.3
out: ~tone
out2: ~beat

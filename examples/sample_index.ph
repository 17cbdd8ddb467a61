-- `name:i` picks a file; `# n` does too.
-- check: buses=0 outputs=out,out2 samples=bd,cp
out: s "bd:3 bd:1" # gain 0.7
out2: s "cp*4" # n "0 1 2 3" # gain 0.6

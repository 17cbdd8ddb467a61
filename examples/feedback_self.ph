-- A bus that reads itself gets its own previous block (one-block delay).
-- check: buses=1 outputs=out samples=bd feedback=1
~echo: s "bd ~ ~ ~" + (~echo # delay 0.2 0) * 0.5
out: ~echo

-- Send buses: pure returns with mix 1.
-- check: buses=4 outputs=out samples=bd,cp,sn
~dry: s "bd cp sn cp"
~verb: ~dry # reverb 0.9 0.5 1
~echo: ~dry # delay 0.375 0.5 1
~wet: ~verb * 0.3 + ~echo * 0.2
out: ~dry + ~wet

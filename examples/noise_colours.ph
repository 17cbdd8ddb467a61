-- Noise sources through filters.
-- check: buses=3 outputs=out samples=
~w: noise # hpf 8000
~p: pink # bpf 1000 4
~b: brown # lpf 200
out: (~w + ~p + ~b) * 0.1

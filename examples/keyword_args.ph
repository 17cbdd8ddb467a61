-- Keyword arguments `:name value`, in any order, after positional ones.
-- check: buses=0 outputs=out samples=
out: saw 110 * 0.4 # lpf :q 2 :cutoff 800 # reverb 0.8 :mix 0.2 :damp 0.3

-- A line that starts with an operator (or is indented) continues the previous statement.
-- check: buses=1 outputs=out samples=
~pad: saw 110 + saw 110.5
  # lpf 1200 0.9
  # reverb 0.7
* 0.3
out: ~pad

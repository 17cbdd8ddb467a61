"""`phonon dirt`: Phonon as SuperDirt, the sound engine TidalCycles and Strudel talk to.

- `events`   `/dirt/play` arguments -> `DirtEvent` with SuperDirt's reading of the keys;
- `receiver` the UDP socket: handshake/hello replies, events to the engine, bad packets counted;
- `clock`    wall time -> output frame, through the output stream's DAC stamps;
- `engine`   orbits of sample voices, each event started on the exact frame of its timetag;
- `runner`   the device, the render thread, status line, recording, clean stop.

See docs/dirt.md.
"""

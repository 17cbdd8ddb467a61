"""Pictures of programs and renders (`phonon plot`): see docs/plot.md.

`phonon.plot.events` (the exact events of a program, laid out as a roll or punchcard),
`phonon.plot.audio` (wave envelopes and spectrograms, numpy) and `phonon.plot.figures`
(matplotlib pages). Importing this package does not import matplotlib.
"""

#: what `phonon plot --kind` draws
KINDS = ("wave", "spectrogram", "roll", "punchcard", "all")

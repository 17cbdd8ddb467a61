"""Where the test data lives (tests/data, see its README for the sources)."""
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CC0_KIT = DATA / "cc0-kit"                       # Dirt-Samples layout, 15 CC0 FLAC files
REFERENCE = DATA / "bench" / "reference.ph"      # the reference workload
REFERENCE_SAMPLES = DATA / "bench" / "samples"   # its four one-shots: kick, snare, hat, perc

"""OSC 1.0: parse and build packets (messages, bundles, nested bundles, timetags).

Pure Python on `struct`, no dependencies: `phonon dirt` parses every packet Tidal or Strudel
sends on its receive thread, and this parser costs a few microseconds per message (see
benchmarks/dirt.py). Bad input raises `OSCError` naming what is wrong; nothing else escapes.
"""
from .codec import (IMMEDIATELY, NTP_EPOCH_OFFSET, Message, OSCError, Timed, bundle, message,
                    ntp_to_unix, parse_packet, unix_to_ntp)

__all__ = ["IMMEDIATELY", "NTP_EPOCH_OFFSET", "Message", "OSCError", "Timed", "bundle",
           "message", "ntp_to_unix", "parse_packet", "unix_to_ntp"]

"""Time: the exact sample <-> cycle clock and the pattern event streams.

Below both the engine (`phonon.engine`) and the executors (`phonon.runtime`), which share them:
`clock.Clock` maps samples to cycles exactly, `events` turns pattern onsets into per-block
triggers (`TriggerSource`) and stepped parameter blocks (`SteppedParam`). Imports only
`phonon.patterns` and the node API (`phonon.plugins.api`).
"""

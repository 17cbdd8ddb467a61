"""Batch rendering (`phonon batch`): see docs/batch.md."""

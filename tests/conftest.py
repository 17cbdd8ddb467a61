"""Test-wide settings. The suite carries all the data it reads (tests/data, see its README):
it needs nothing beside the repository."""

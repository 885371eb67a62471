"""Readers: one module per source format, each registering itself with formats.importing."""

"""Pure-Python domain: types, errors, offsets and statistics. No Qt, no SQL."""

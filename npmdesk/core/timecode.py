"""Times in a recording as people write them: hh:mm:ss for display, and back."""

from __future__ import annotations

import re

_HMS = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\s*$")


def format_hms(ms: int | None) -> str:
    """12345678 -> '03:25:45' (rounded down to the second); None -> ''."""
    if ms is None:
        return ""
    s = max(0, int(ms)) // 1000
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def parse_hms(text: str) -> int | None:
    """'1:02:03', '02:03', '00:01:02.5' -> milliseconds; None if it is not such a time."""
    m = _HMS.match(text or "")
    if not m:
        return None
    h, mnt, s, frac = m.groups()
    if int(s) > 59 or (h is not None and int(mnt) > 59):
        return None
    return ((int(h or 0) * 60 + int(mnt)) * 60 + int(s)) * 1000 + int((frac or "0").ljust(3, "0")[:3])

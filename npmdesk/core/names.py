"""What npmdesk accepts as a name (code, document, participant, coder, attribute) and as a colour."""

from __future__ import annotations

import re

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import MAX_NAME

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_name(name: str, what: str) -> str:
    """The name trimmed, or InvalidValueError saying why it cannot be one."""
    name = (name or "").strip()
    if not name:
        raise InvalidValueError(f"a {what} needs a name")
    if any(ord(ch) < 32 for ch in name):
        raise InvalidValueError(f"a {what} name cannot contain line breaks or control characters")
    if len(name) > MAX_NAME:
        raise InvalidValueError(f"a {what} name can be at most {MAX_NAME} characters (this one has "
                                f"{len(name)}); put the rest in its definition or memo")
    return name


def check_color(color: str) -> str:
    if not _COLOR.match(color or ""):
        raise InvalidValueError(f"{color!r} is not a colour of the form #rrggbb")
    return color.lower()

"""What npmdesk accepts as a name (code, document, participant, coder, attribute) and as a colour."""

from __future__ import annotations

import re

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import MAX_NAME, UNSAFE_NAME_CHARS

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def check_name(name: str, what: str) -> str:
    """The name trimmed, or InvalidValueError saying why it cannot be one.

    Control characters (C0, DEL, C1 such as NEL) and the invisible bidirectional controls are
    refused: a right-to-left override can make "x\\u202egpj" read as "xjpg" in a report, so a name
    could pose as another. Names from outside (file names, other tools' codes) go through
    model.fit_name instead, which removes them."""
    name = (name or "").strip()
    if not name:
        raise InvalidValueError(f"a {what} needs a name")
    bad = UNSAFE_NAME_CHARS.search(name)
    if bad:
        ch = bad.group()
        if _BIDI.match(ch):
            raise InvalidValueError(f"a {what} name cannot contain the invisible text-direction control "
                                    f"U+{ord(ch):04X} (it can make a name look like another)")
        raise InvalidValueError(f"a {what} name cannot contain line breaks or control characters "
                                f"(it contains U+{ord(ch):04X})")
    if len(name) > MAX_NAME:
        raise InvalidValueError(f"a {what} name can be at most {MAX_NAME} characters (this one has "
                                f"{len(name)}); put the rest in its definition or memo")
    return name


def check_color(color: str) -> str:
    if not _COLOR.match(color or ""):
        raise InvalidValueError(f"{color!r} is not a colour of the form #rrggbb")
    return color.lower()

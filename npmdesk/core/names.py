"""What npmdesk accepts as a name (code, document, participant, coder, attribute) and as a colour."""

from __future__ import annotations

import difflib
import re

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import MAX_NAME, UNSAFE_NAME_CHARS, split_path

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


def close_code_paths(paths: list[str], wanted: str, n: int = 3) -> list[str]:
    """The code paths `wanted` most likely means, best first (at most n): the same path in another
    case, the path as the end of a longer one (a code moved under a theme: 'Belonging' ->
    'Identity/Belonging'), a typo in its last name wherever that code now is, else the nearest whole
    path. One rule for the store's messages and the command line's."""
    try:
        parts = [x.casefold() for x in split_path(wanted)]
    except ValueError:
        return []
    if not parts:
        return []
    folded = {p: [x.casefold() for x in split_path(p)] for p in paths}
    found = [p for p, names in folded.items() if names == parts]
    found += [p for p, names in folded.items() if len(names) > len(parts) and names[-len(parts):] == parts]
    if not found:
        leaves: dict[str, list[str]] = {}
        for p, names in folded.items():
            leaves.setdefault(names[-1], []).append(p)
        for leaf in difflib.get_close_matches(parts[-1], list(leaves), n=n, cutoff=0.75):
            found += leaves[leaf]
    if not found:
        found = difflib.get_close_matches(wanted, paths, n=n, cutoff=0.6)
    return list(dict.fromkeys(found))[:n]


"""A code's inclusion and exclusion criteria and example in REFI-QDA, whose Code has only a
<Description>: written after the definition as labelled lines, and split back on import.

    Feeling part of medicine

    Inclusion: the speaker says they fit in
    Exclusion: belonging to a family (use First generation)
    Example: I felt like I belonged in medicine

Any tool shows the whole text as the code's description; npmdesk reads the labelled lines back
into their fields, so an npmdesk-to-npmdesk exchange keeps them. A label starts a line, and the
labels come in this order, each once; a field may run over several lines (up to the next label).
"""

from __future__ import annotations

import re
from typing import NamedTuple

LABELS = {"inclusion": "Inclusion", "exclusion": "Exclusion", "example": "Example"}
_LABEL_LINE = re.compile(r"(Inclusion|Exclusion|Example):(?:[ \t]|$)")
_ORDER = list(LABELS.values())


class Described(NamedTuple):
    """A REFI-QDA description as npmdesk's definition fields."""

    description: str
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""

    def criteria(self) -> dict[str, str]:
        """The criteria fields that are filled in (keyword arguments of Project.set_code_definition)."""
        return {field: getattr(self, field) for field in LABELS if getattr(self, field)}


def join_description(description: str, inclusion: str = "", exclusion: str = "", example: str = "") -> str:
    """The Description to write: the definition, then a blank line and one labelled line per criterion."""
    values = {"inclusion": inclusion, "exclusion": exclusion, "example": example}
    lines = [f"{LABELS[field]}: {text.strip()}" for field, text in values.items() if text.strip()]
    if not lines:
        return description
    head = description.rstrip()
    return "\n".join(lines) if not head.strip() else head + "\n\n" + "\n".join(lines)


def split_description(text: str) -> Described:
    """The definition and criteria in a Description (the text as it is when it has no labelled lines)."""
    lines = text.split("\n")
    starts: list[tuple[int, str]] = []  # (line index, label), labels in codebook order
    for i, line in enumerate(lines):
        m = _LABEL_LINE.match(line)
        if m and (not starts or _ORDER.index(m.group(1)) > _ORDER.index(starts[-1][1])):
            starts.append((i, m.group(1)))
    if not starts:
        return Described(text)
    fields: dict[str, str] = {}
    for n, (i, label) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        first = lines[i][len(label) + 1:]
        field = next(f for f, lab in LABELS.items() if lab == label)
        fields[field] = "\n".join([first, *lines[i + 1:end]]).strip()
    return Described("\n".join(lines[:starts[0][0]]).strip(), **fields)

"""Participant attribute values: validation by type, type inference, natural ordering of IDs."""

from __future__ import annotations

import re
from datetime import date

from npmdesk.core.errors import InvalidValueError

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


def check_attribute_value(type_: str, value) -> str | None:
    """Validate a value against an attribute type and return its stored (text) form."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        if type_ == "integer":
            return str(int(text))
        if type_ == "float":
            return repr(float(text))
        if type_ == "boolean":
            if isinstance(value, bool):
                return "true" if value else "false"
            low = text.lower()
            if low in _TRUE:
                return "true"
            if low in _FALSE:
                return "false"
            raise ValueError
        if type_ == "date":
            return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidValueError(f"{text!r} is not a valid {type_} value") from None
    return text


def infer_attribute_type(values: list[str]) -> str:
    """The narrowest type every non-empty value fits (for CSV import of participants)."""
    present = [v.strip() for v in values if v is not None and v.strip()]
    if not present:
        return "text"
    for type_ in ("integer", "float", "boolean", "date"):
        try:
            for v in present:
                check_attribute_value(type_, v)
            return type_
        except InvalidValueError:
            continue
    return "text"


def natural_key(name: str) -> tuple:
    """NPM-2 before NPM-10: digits compare as numbers, letters without case."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", name) if part)

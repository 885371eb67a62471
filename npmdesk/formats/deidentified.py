"""The one de-identifying layer every export uses on the way out.

`deidentified(project)` makes the rules once — the project's pseudonym table (terms marked replace),
the values of attributes marked identifying (written as "[attribute]"), and coder names (written as
their role, or their initials when no role is set, or as `coder_names` asks) — the same rules as the
de-identified copy (store/deidentified_copy.copy_rules) — and, while it is active:
- every text a Word report writes (quotes, headings, table cells, citations, document and
  participant names, the footer and the document properties) and every CSV cell passes through
  `scrub()`, which applies the rules (whole words, any case; core/deidentify.py);
- the project is seen through `DeidentifiedProject`, in which attributes marked identifying do not
  exist, so no report lists them;
- the title page says the report is de-identified.
Nothing in the project changes: quotes are cut from the stored text at their exact offsets first,
and only the words written out are replaced.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from typing import Any

from npmdesk.core.deidentify import CODER_NAMES, Deidentifier, Rule, apply, coder_note, initials
from npmdesk.core.errors import InvalidValueError
from npmdesk.store.deidentified_copy import copy_rules, save_deidentified_copy

__all__ = ["CODER_NAMES", "Deidentification", "DeidentifiedProject", "active", "deidentified",
           "export_exchange_deidentified", "initials", "note", "scrub"]


def note(coder_names: str = "role") -> str:
    """What a de-identified report's title page says was done."""
    return ("names and other identifiers are replaced by pseudonyms or category labels from the project's "
            f"pseudonym table; identifying attributes are left out; {coder_note(coder_names)}.")


class Deidentification:
    """The rules of one project, compiled once."""

    def __init__(self, rules: list[Rule], identifying: set[str], coder_names: str = "role"):
        self.rules = rules
        self.identifying = identifying
        self.coder_names = coder_names
        self._apply = Deidentifier(rules)

    @property
    def note(self) -> str:
        return note(self.coder_names)

    @classmethod
    def of(cls, project, coder_names: str = "role") -> Deidentification:
        """The same rules as the de-identified copy (store/deidentified_copy.copy_rules): one rule set."""
        if coder_names not in CODER_NAMES:
            raise InvalidValueError(f"coders in a de-identified output are named by {', '.join(CODER_NAMES)}")
        return cls(copy_rules(project, coder_names), set(project.identifying_attributes()), coder_names)

    def __call__(self, text: str) -> str:
        # Reports print IDs with non-breaking hyphens and spaces ("NPM\u20111"): match them as the
        # plain ones (same length, so the spans fit the text as printed).
        plain = text.translate(_PLAIN)
        return apply(text, self._apply.replacements(plain))


_PLAIN = str.maketrans({"\u2011": "-", "\u00a0": " ", "\u202f": " "})
_ACTIVE: ContextVar[Deidentification | None] = ContextVar("npmdesk_deidentification", default=None)


def active() -> Deidentification | None:
    return _ACTIVE.get()


def scrub(value: Any) -> Any:
    """A text as a de-identified export writes it (unchanged outside `deidentified()`); non-text as is."""
    d = _ACTIVE.get()
    if d is None or not isinstance(value, str) or not value:
        return value
    return d(value)


class DeidentifiedProject:
    """A read-only view of a project without its identifying attributes (everything else delegated)."""

    def __init__(self, project, deid: Deidentification):
        self._project = project
        self._deid = deid

    def __getattr__(self, name: str) -> Any:
        return getattr(self._project, name)

    @property
    def deidentification(self) -> Deidentification:
        return self._deid

    def attributes(self):
        return [a for a in self._project.attributes() if a.name not in self._deid.identifying]

    def _without(self, case):
        if not self._deid.identifying:
            return case
        return replace(case, attributes={k: v for k, v in case.attributes.items() if k not in self._deid.identifying})

    def cases(self):
        return [self._without(c) for c in self._project.cases()]

    def case(self, case_id: int):
        return self._without(self._project.case(case_id))

    def case_by_name(self, name: str):
        return self._without(self._project.case_by_name(name))


@contextmanager
def deidentified(project, coder_names: str = "role") -> Iterator[DeidentifiedProject]:
    """Exports inside write de-identified text; `project` seen without identifying attributes."""
    if isinstance(project, DeidentifiedProject):
        yield project
        return
    deid = Deidentification.of(project, coder_names)
    token = _ACTIVE.set(deid)
    try:
        yield DeidentifiedProject(project, deid)
    finally:
        _ACTIVE.reset(token)


def export_exchange_deidentified(project, export: Callable[[Any, Any], Any], out, coder_names: str = "role") -> Any:
    """A de-identified .qdpx/.qdc: REFI-QDA files carry full texts with positions, so they are written
    from a de-identified temporary copy of the project (store/deidentified_copy.py: texts replaced,
    codings moved exactly), never by rewriting positions on the way out. The copy is deleted after."""
    from npmdesk.store import Project

    with tempfile.TemporaryDirectory(prefix="npmdesk-deid-") as tmp:
        copy_path = Path(tmp) / "deidentified.npmdesk"
        save_deidentified_copy(project, copy_path, coder_names=coder_names)
        copy = Project.open(copy_path, project.coder_name, read_only=True)
        try:
            with deidentified(copy, coder_names) as view:
                return export(view, out)
        finally:
            copy.close()


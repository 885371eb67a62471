"""The one de-identifying layer every export uses on the way out.

`deidentified(project)` makes the rules once — the project's pseudonym table (terms marked replace),
the values of attributes marked identifying (written as "[attribute]"), and coder names (written as
their role, or their initials when no role is set) — and, while it is active:
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

import importlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from typing import Any

from npmdesk.core.deidentify import Deidentifier, Rule, apply
from npmdesk.core.errors import NpmdeskError

NOTE = ("De-identified: names and other identifiers are replaced by pseudonyms or category labels from the "
        "project's pseudonym table; identifying attributes are left out; coders are named by role or initials.")


def initials(name: str) -> str:
    """'Ana Ruiz' -> 'A.R.'; 'ana' -> 'A.'."""
    parts = [p for p in name.replace("-", " ").replace(".", " ").split() if p]
    return "".join(p[0].upper() + "." for p in parts) or "Coder"


class Deidentification:
    """The rules of one project, compiled once."""

    def __init__(self, rules: list[Rule], identifying: set[str]):
        self.rules = rules
        self.identifying = identifying
        self._apply = Deidentifier(rules)

    @classmethod
    def of(cls, project) -> Deidentification:
        rules = list(project.pseudonym_rules())
        known = {" ".join(r.term.split()).casefold() for r in rules}
        keep = {p.term.casefold() for p in project.pseudonyms() if p.action != "replace"}

        def add(term: str, replacement: str) -> None:
            key = " ".join(term.split()).casefold()
            if key and key not in known and key not in keep:
                known.add(key)
                rules.append(Rule(term, replacement))

        identifying = set(project.identifying_attributes())
        if identifying:
            types = {a.name: a.type for a in project.attributes()}
            for case in project.cases():
                for attr, value in case.attributes.items():
                    if attr in identifying and types.get(attr) == "text" and isinstance(value, str) \
                            and len(value.strip()) >= 3:
                        add(value.strip(), f"[{attr}]")
        for name, role in project.coder_roles().items():
            add(name, role or initials(name))
        return cls(rules, identifying)

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
def deidentified(project) -> Iterator[DeidentifiedProject]:
    """Exports inside write de-identified text; `project` seen without identifying attributes."""
    if isinstance(project, DeidentifiedProject):
        yield project
        return
    deid = Deidentification.of(project)
    token = _ACTIVE.set(deid)
    try:
        yield DeidentifiedProject(project, deid)
    finally:
        _ACTIVE.reset(token)


def export_exchange_deidentified(project, export: Callable[[Any, Any], Any], out) -> None:
    """A de-identified .qdpx/.qdc: REFI-QDA files carry full texts with positions, so they are written
    from a de-identified temporary copy of the project (store/deidentified_copy.py: texts replaced,
    codings moved exactly), never by rewriting positions on the way out. The copy is deleted after."""
    make_copy = _copy_function()
    from npmdesk.store import Project

    with tempfile.TemporaryDirectory(prefix="npmdesk-deid-") as tmp:
        copy_path = Path(tmp) / "deidentified.npmdesk"
        make_copy(project, copy_path)
        copy = Project.open(copy_path, project.coder_name, read_only=True)
        try:
            with deidentified(copy) as view:
                export(view, out)
        finally:
            copy.close()


def _copy_function() -> Callable[..., Any]:
    try:
        module = importlib.import_module("npmdesk.store.deidentified_copy")
    except ImportError:
        module = None
    fn = getattr(module, "save_deidentified_copy", None) if module else None
    if fn is None:
        raise NpmdeskError("a de-identified REFI-QDA file is written from a de-identified copy of the project, "
                           "which this build of npmdesk cannot make; Word and CSV reports can be exported "
                           "--deidentified")
    return fn

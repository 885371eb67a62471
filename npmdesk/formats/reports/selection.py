"""Which excerpts a report covers, in the researcher's terms (code paths, participant and
document names, coders, attribute values), resolved to the store's ExcerptFilter and described
in words for the report's title page."""

from __future__ import annotations

from dataclasses import dataclass, field

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.paragraphs import Paragraphs
from npmdesk.store import ExcerptFilter


@dataclass(frozen=True)
class ReportSelection:
    code_paths: tuple[str, ...] = ()
    with_children: bool = False
    participants: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    exemplars_only: bool = False
    attributes: tuple[tuple[str, str], ...] = field(default=())  # (name, value): all must hold

    def is_everything(self) -> bool:
        return not (self.code_paths or self.participants or self.documents or self.coders
                    or self.exemplars_only or self.attributes)

    def to_filter(self, project) -> ExcerptFilter:
        """The store filter; unknown names raise NotFoundError naming them."""
        code_ids = tuple(project.code_by_path(p).id for p in self.code_paths) or None
        doc_ids = tuple(project.document_by_name(n).id for n in self.documents) or None
        coder_ids = tuple(project.coder_by_name(n) for n in self.coders) or None
        return ExcerptFilter(code_ids=code_ids, with_descendants=self.with_children, document_ids=doc_ids,
                             case_ids=self.case_ids(project), coder_ids=coder_ids,
                             exemplars_only=self.exemplars_only)

    def case_ids(self, project) -> tuple[int, ...] | None:
        """Participants named and/or matching every attribute condition (None: no restriction)."""
        if not self.participants and not self.attributes:
            return None
        cases = project.cases()
        chosen = {project.case_by_name(n).id for n in self.participants} if self.participants else {c.id for c in cases}
        known = {a.name.lower(): a.name for a in project.attributes()}
        for name, value in self.attributes:
            if name.strip().lower() not in known:
                raise NotFoundError(f"no participant attribute named {name!r}")
            real = known[name.strip().lower()]
            chosen &= {c.id for c in cases if attribute_matches(c.attributes.get(real), value)}
        return tuple(sorted(chosen))

    def describe(self) -> list[str]:
        """Each filter in words, for the title page ('all coded excerpts' when there is none)."""
        out = []
        if self.code_paths:
            out.append("codes: " + "; ".join(self.code_paths) + (" (with sub-codes)" if self.with_children else ""))
        if self.participants:
            out.append("participants: " + ", ".join(self.participants))
        if self.attributes:
            out.append("participants with " + ", ".join(f"{n} = {v}" for n, v in self.attributes))
        if self.documents:
            out.append("documents: " + ", ".join(self.documents))
        if self.coders:
            out.append("coders: " + ", ".join(self.coders))
        if self.exemplars_only:
            out.append("exemplar quotes only")
        return out or ["none (all coded excerpts)"]


def attribute_matches(actual, wanted: str) -> bool:
    """Compare a typed attribute value with the text a user typed (yes/true, 3/3.0, any case)."""
    if actual is None:
        return wanted.strip() == ""
    w = wanted.strip().lower()
    if isinstance(actual, bool):
        return w in (("yes", "y", "true", "1") if actual else ("no", "n", "false", "0"))
    if isinstance(actual, (int, float)):
        try:
            return float(w) == float(actual)
        except ValueError:
            return False
    return str(actual).strip().lower() == w


def parse_attribute_condition(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InvalidValueError(f"--attribute takes NAME=VALUE, e.g. rural=yes (got {text!r})")
    return name.strip(), value.strip()


def paragraph_label(first: int, last: int) -> str:
    return f"¶ {first}" if first == last else f"¶ {first}–{last}"


class DocumentTexts:
    """Paragraph numbering per document, computed once per document for a whole report."""

    def __init__(self, project):
        self.project = project
        self._numbers: dict[int, Paragraphs] = {}

    def paragraphs(self, doc_id: int, start: int, end: int) -> tuple[int, int]:
        numbers = self._numbers.get(doc_id)
        if numbers is None:
            numbers = self._numbers[doc_id] = Paragraphs(self.project.document_text(doc_id))
        return numbers.range(start, end)

"""How a project's reports look, one setting per project (kept in its meta table by
store/report_settings.py): citation style, table style, page size, language, author, attribute
labels, the source line of each framework's definitions, and the table options."""

from __future__ import annotations

import json
import locale
import os
from dataclasses import asdict, dataclass, field, replace

from npmdesk.core.quotes import CITATION_STYLES, Citation

TABLE_STYLES = {
    "report": "Report (grey header, thin grey grid)",
    "apa": "APA 7 (horizontal rules only)",
    "grid": "Journal grid (black borders, no shading)",
}
PAGE_SIZES = ("auto", "a4", "letter")
# Where US Letter is the usual paper (else A4): the United States, Canada, Mexico, the Philippines
# and a few countries of the Americas.
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "PR", "DO", "SV", "NI", "BZ"}


def _locale_name() -> str:
    for var in ("LC_ALL", "LC_PAPER", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value
    try:
        return locale.getlocale()[0] or ""
    except ValueError:
        return ""


def locale_tag() -> str:
    """The user's locale as a BCP 47 tag ('en-GB'), else 'en-US'."""
    name = _locale_name().split(".")[0].split("@")[0].replace("_", "-")
    parts = name.split("-")
    if len(parts) >= 2 and parts[0].isalpha() and parts[1].isalpha():
        return f"{parts[0].lower()}-{parts[1].upper()}"
    return "en-US"


def locale_page_size() -> str:
    return "letter" if locale_tag().split("-")[-1] in LETTER_TERRITORIES else "a4"


@dataclass(frozen=True)
class ReportStyle:
    citation: str = "id"  # a key of CITATION_STYLES
    prefix: str = ""  # participant ID prefix in citations ('P' makes NPM-4 'P4')
    tags: tuple[str, ...] | None = None  # attributes tagged in citations (None: all in 'tagged')
    table_style: str = "report"
    page_size: str = "auto"  # auto (from the locale), a4, letter
    language: str = ""  # BCP 47; '' = the locale's
    author: str = ""  # the document's author property; '' leaves it blank (never the login)
    labels: dict = field(default_factory=dict)  # attribute name -> label printed
    definition_sources: dict = field(default_factory=dict)  # framework name -> 'adapted from ...'
    show_subcodes: bool = False  # alignment table: sub-codes under each theme
    show_rationale: bool = False  # alignment table: the rationale after each theme
    aggregate_only: bool = False  # participants report: the sample's make-up only, no per-person rows

    def __post_init__(self):
        if self.citation not in CITATION_STYLES:
            raise ValueError(f"unknown citation style {self.citation!r} (use {', '.join(CITATION_STYLES)})")
        if self.table_style not in TABLE_STYLES:
            raise ValueError(f"unknown table style {self.table_style!r} (use {', '.join(TABLE_STYLES)})")
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"unknown page size {self.page_size!r} (use {', '.join(PAGE_SIZES)})")

    @property
    def cite(self) -> Citation:
        return Citation(self.citation, self.prefix, self.tags)

    @property
    def paper(self) -> str:
        return locale_page_size() if self.page_size == "auto" else self.page_size

    @property
    def lang(self) -> str:
        return self.language or locale_tag()

    def label(self, attribute: str) -> str:
        return self.labels.get(attribute) or attribute

    def with_changes(self, **kw) -> ReportStyle:
        return replace(self, **{k: v for k, v in kw.items() if v is not None})

    def to_json(self) -> str:
        d = asdict(self)
        d["tags"] = list(self.tags) if self.tags is not None else None
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> ReportStyle:
        """A stored setting; unknown keys and bad values fall back to the defaults one by one."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        out = cls()
        for key in cls.__dataclass_fields__:
            if key not in data:
                continue
            value = data[key]
            if key == "tags" and isinstance(value, list):
                value = tuple(str(v) for v in value)
            try:
                out = replace(out, **{key: value})
            except (ValueError, TypeError):
                continue
        return out

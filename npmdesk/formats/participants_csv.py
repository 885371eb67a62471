"""Participants (cases) and their attributes from a CSV, as researchers keep them in Excel.

One row per participant; the first column (or one headed ID, Participant, Case or Name) is the
participant's name, every other column becomes an attribute whose type (integer, float, boolean,
date, text) is the narrowest all its values fit. Excel's dialects are accepted: comma, semicolon or
tab separators, UTF-8 with or without BOM, UTF-16, Windows code pages, CRLF, LF or bare CR line
ends. All rows or none.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from npmdesk.core.errors import BadInputError, InvalidValueError
from npmdesk.formats.readers.text import decode_text
from npmdesk.core.attributes import check_attribute_value, infer_attribute_type
from npmdesk.core.offsets import normalise_newlines

_ID_HEADERS = ("id", "participant", "participant id", "case", "name", "pseudonym")
MAX_CSV_BYTES = 20 * 2**20


@dataclass
class ParticipantsReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # name -> type
    encoding: str = ""
    linked_documents: list[tuple[str, str]] = field(default_factory=list)  # (document, participant)
    linked_speakers: list[tuple[str, str]] = field(default_factory=list)  # (document, speaker label)


def read_participants(path: str | Path) -> tuple[str, list[str], list[list[str]], str]:
    """(id column name, attribute names, rows as [id, values...], encoding) or BadInputError."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise BadInputError(path, "the participants file is over 20 MB; is it really one row per participant?")
        data = path.read_bytes()
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror})") from None
    text, encoding = decode_text(data, path)
    rows = csv_rows(text, path, delimiters=",;\t")
    if len(rows) < 2:
        raise BadInputError(path, "a participants CSV needs a header row and at least one participant row")
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    if any(not h for h in header):
        col = header.index("") + 1
        raise BadInputError(path, f"column {col} has no heading; every column needs a name")
    if len(set(h.casefold() for h in header)) != len(header):
        raise BadInputError(path, "two columns have the same heading")
    id_col = next((i for i, h in enumerate(header) if h.casefold() in _ID_HEADERS), 0)
    order = [id_col] + [i for i in range(len(header)) if i != id_col]
    out_rows, seen = [], set()
    for n, row in enumerate(rows[1:], start=2):
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise BadInputError(path, f"row {n} has more cells than there are headings")
        row = [c.strip() for c in row] + [""] * (len(header) - len(row))
        name = row[id_col]
        if not name:
            raise BadInputError(path, f"row {n} has no participant {header[id_col]}")
        if name in seen:
            raise BadInputError(path, f"row {n}: participant {name!r} appears twice")
        seen.add(name)
        out_rows.append([row[i] for i in order])
    return header[id_col], [header[i] for i in order[1:]], out_rows, encoding


def csv_rows(text: str, path, delimiters: str | None = None) -> list[list[str]]:
    """The non-blank rows of CSV text, or BadInputError saying which row is wrong and why.

    Line ends are normalised first, so a file saved with bare CR line ends (old Mac Excel) reads
    as the rows it shows; a quoted cell keeps its line breaks. The csv module's own limit of
    131,072 characters a cell is kept (no participant attribute or framework element is that
    long) and reported as a refusal, not as the module's error."""
    text = normalise_newlines(text)
    dialect: type[csv.Dialect] = csv.excel
    if delimiters:
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=delimiters)
        except csv.Error:
            pass
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            line = reader.line_num
            if "field larger than field limit" in str(e):
                raise BadInputError(path, f"line {line}: a cell is longer than {csv.field_size_limit():,} characters; "
                                          "is this really a table of one row per item?") from None
            raise BadInputError(path, f"line {line}: not readable as CSV ({e})") from None
        except (TypeError, ValueError) as e:
            raise BadInputError(path, f"not readable as CSV ({e})") from None
        if any(c.strip() for c in row):
            rows.append(row)
    return rows


def import_participants(project, path: str | Path) -> ParticipantsReport:
    """Create or update one participant per row and set typed attributes; one transaction."""
    path = Path(path)
    _, names, rows, encoding = read_participants(path)
    report = ParticipantsReport(encoding=encoding)
    existing_types = {a.name: a.type for a in project.attributes()}
    for j, name in enumerate(names):
        values = [r[j + 1] for r in rows]
        type_ = existing_types.get(name) or infer_attribute_type(values)
        for n, v in enumerate(values, start=2):
            try:
                check_attribute_value(type_, v)
            except InvalidValueError as e:
                raise BadInputError(path, f"row {n}, column {name!r}: {e} (the attribute is already {type_})") from None
        report.attributes[name] = type_
    cases = {c.name: c.id for c in project.cases()}
    with project.write("import participants", file=str(path), rows=len(rows)):
        for name, type_ in report.attributes.items():
            if name not in existing_types:
                project.add_attribute(name, type_)
        for row in rows:
            case_id = cases.get(row[0])
            if case_id is None:
                case_id = project.add_case(row[0])
                report.created.append(row[0])
            else:
                report.updated.append(row[0])
            for name, value in zip(names, row[1:]):
                project.set_case_attribute(case_id, name, value or None)
        report.linked_documents, report.linked_speakers = link_by_name(project)
    return report


def link_by_name(project) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Link what is not linked yet by the participant IDs in it: a speaker labelled exactly like a
    participant ("NPM-3"), and an interview (not a focus group) whose name holds one participant
    ID as a word ("Interview NPM-3"). Researchers often import transcripts before the participant
    table; this makes the order not matter. Nothing already linked is changed."""
    cases = {c.name.casefold(): c for c in project.cases()}
    if not cases:
        return [], []
    docs_linked, speakers_linked = [], []
    with project.write("link by participant ID"):
        for doc in project.documents():
            if doc.case_id is None and doc.kind != "focus-group":
                found = [c for key, c in cases.items()
                         if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", doc.name.casefold())]
                if len(found) == 1:
                    project.set_document_case(doc.id, found[0].id)
                    docs_linked.append((doc.name, found[0].name))
            for sp in project.speakers(doc.id):
                case = cases.get(sp.name.casefold())
                if sp.case_id is None and case is not None:
                    project.link_speaker(doc.id, sp.name, case.id)
                    speakers_linked.append((doc.name, sp.name))
    return docs_linked, speakers_linked

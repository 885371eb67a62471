"""The intercoder agreement table as CSV and Word, and the methods sentence to paste into a paper.

Every output states the unit, what "neither" counts, and each measure by name, so a reviewer can
tell what was computed. Writing goes through atomic_output (never over a project, never half a file).
"""

from __future__ import annotations

import csv
from pathlib import Path

from npmdesk.core.agreement import MEASURE_NAMES, MEASURES
from npmdesk.formats.export_support import atomic_output

CSV_COLUMNS = ["scope", "code", "document", "unit", "coders", "units", "both", "only_a", "only_b", "neither",
               *MEASURES, *(f"{m}_ci_low" for m in MEASURES), *(f"{m}_ci_high" for m in MEASURES)]
_NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight", 9: "Nine", 10: "Ten"}
_UNIT_PHRASE = {"character": "at the character level", "segment": "at the segment level",
                "document": "at the document level (code present or absent per transcript)"}


def fmt(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def methods_sentence(result) -> str:
    """One paragraph for the methods section, with the pooled figures."""
    p = result.pooled
    v = p.values
    coders = result.coders
    who = f"{_NUMBERS.get(len(coders), str(len(coders)))} coders ({', '.join(coders)})"
    n_docs = len(result.documents)
    docs = f"{n_docs} transcript{'s' if n_docs != 1 else ''}"
    unit = _UNIT_PHRASE[result.unit]
    if result.unit == "segment":
        unit += f" (passages matched when they overlapped by at least {result.overlap:.0%})"
    kappa_name = "Cohen's κ" if len(coders) == 2 else "Fleiss' κ"
    ci = p.ci.get("kappa")
    kappa = f"{kappa_name} = {fmt(v['kappa'])}" + (f" (95% CI {fmt(ci[0])}–{fmt(ci[1])})" if ci else "")
    n_codes = len(result.codes)
    return (f"{who} independently coded {docs}; agreement {unit}, pooled over {n_codes} code"
            f"{'s' if n_codes != 1 else ''}, was {fmt(v['percent'], 1)}% ({kappa}; "
            f"Krippendorff's α = {fmt(v['alpha'])}; "
            f"Gwet's AC1 = {fmt(v['ac1'])}; Brennan–Prediger = {fmt(v['bp'])}). Units neither coder coded count as "
            f"agreement on \"not coded\" ({result.neither_means}). Agreement was computed with npmdesk.")


def table_rows(result, per_document: bool = True) -> list[list]:
    rows = []
    for r in result.rows(per_document):
        j = r.to_json()
        rows.append([r.scope, r.code or "", r.document or "", r.unit, ", ".join(result.coders), j["units"],
                     j.get("both", ""), j.get("only_a", ""), j.get("only_b", ""), j.get("neither", ""),
                     *(j[m] for m in MEASURES),
                     *((j[f"{m}_ci"] or ["", ""])[0] for m in MEASURES),
                     *((j[f"{m}_ci"] or ["", ""])[1] for m in MEASURES)])
    return rows


def export_agreement_csv(result, out: str | Path, *, per_document: bool = True) -> int:
    rows = table_rows(result, per_document)
    with atomic_output(out) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            w.writerows(rows)
    return len(rows)


def export_agreement_docx(result, out: str | Path, *, per_document: bool = True) -> int:
    """A Word document: the methods sentence, what was counted, and the table."""
    import docx

    doc = docx.Document()
    doc.add_heading("Intercoder agreement", level=1)
    doc.add_paragraph(methods_sentence(result))
    notes = [f"Coders: {', '.join(result.coders)} (A = {result.coders[0]}, B = {result.coders[1]}).",
             f"Unit: {result.unit}. \"Neither\" counts {result.neither_means}.",
             "Measures: " + "; ".join(MEASURE_NAMES[m] for m in MEASURES) + ". 95% confidence intervals are "
             "percentile bootstraps over documents."]
    for line in notes:
        doc.add_paragraph(line, style="List Bullet")
    header = ["Code", "Both", "Only A", "Only B", "Neither", "Percent", "κ", "α", "AC1", "B–P", "κ 95% CI"]
    rows = result.rows(per_document)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for r in rows:
        t, v = r.table, r.values
        label = (r.code if r.scope == "code" else f"Document: {r.document}" if r.scope == "document"
                 else "All codes (pooled)")
        ci = r.ci.get("kappa")
        cells = [label, t.both, t.only_a, t.only_b, t.neither, fmt(v["percent"], 1), fmt(v["kappa"]), fmt(v["alpha"]),
                 fmt(v["ac1"]), fmt(v["bp"]), f"{fmt(ci[0])}–{fmt(ci[1])}" if ci else "–"]
        for cell, text in zip(table.add_row().cells, cells):
            cell.text = str(text)
    with atomic_output(out) as tmp:
        doc.save(str(tmp))
    return len(rows)

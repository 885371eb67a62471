"""A matrix as CSV (for statistics packages and spreadsheets): one header row, one row per label."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.core.model import Matrix


def format_cell(matrix: Matrix, value: float) -> str:
    """Counts as whole numbers; coverage as a fraction with four decimals (0.2500 = 25 %)."""
    return f"{value:.4f}" if matrix.measure == "coverage" else str(int(round(value)))


def _text(value: str) -> str:
    """A label a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def matrix_csv(matrix: Matrix) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    corner = f"{matrix.row_kind} \\ {matrix.col_kind} ({matrix.measure})"
    w.writerow([corner, *(_text(c) for c in matrix.col_labels)])
    for label, row in zip(matrix.row_labels, matrix.cells):
        w.writerow([_text(label), *(format_cell(matrix, v) for v in row)])
    return buf.getvalue()


def write_matrix_csv(matrix: Matrix, path: str | Path) -> None:
    """UTF-8 with a byte-order mark so that Excel shows names with accents correctly."""
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    try:
        tmp.write_text(matrix_csv(matrix), encoding="utf-8-sig", newline="")
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise BadInputError(path, f"cannot be written ({e.strerror or e})") from None

"""Drag-and-drop payloads between npmdesk's own widgets."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

SPAN_MIME = "application/x-npmdesk-span"  # "document_id,start,end" (code points)
CODES_MIME = "application/x-npmdesk-codes"  # "id,id,..."


def set_span(mime: QMimeData, doc_id: int, start: int, end: int) -> None:
    mime.setData(SPAN_MIME, f"{doc_id},{start},{end}".encode())


def get_span(mime: QMimeData) -> tuple[int, int, int] | None:
    if not mime.hasFormat(SPAN_MIME):
        return None
    try:
        doc, start, end = (int(x) for x in bytes(mime.data(SPAN_MIME).data()).decode().split(","))
    except ValueError:
        return None
    return doc, start, end


def codes_mime(ids: list[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(CODES_MIME, ",".join(str(i) for i in ids).encode())
    return mime


def get_codes(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(CODES_MIME):
        return []
    try:
        return [int(x) for x in bytes(mime.data(CODES_MIME).data()).decode().split(",") if x]
    except ValueError:
        return []


def local_files(mime: QMimeData) -> list[str]:
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []

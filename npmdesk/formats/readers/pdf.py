"""PDF: the text layer, page by page (pypdf, pure Python); a page break is a paragraph break.

A PDF stores lines, not paragraphs, so lines are joined back into paragraphs: a line continues
the one before it when that line ran (nearly) to the right margin and the new line does not
start with a speaker label. A PDF without a text layer (a scan) is refused: npmdesk does no OCR.
Page headers and footers cannot be told apart from body text in a PDF and are kept; the original
.docx, where there is one, imports more cleanly.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.formats.importing import ParsedSource, reader
from npmdesk.formats.speakers import compile_speaker_pattern

_FULL_LINE = 0.8  # a line at least this share of the page's longest line ran to the margin


@reader(".pdf")
def read_pdf(path: Path, data: bytes, options) -> ParsedSource:
    import pypdf
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:1024].count(b"%PDF-"):
        raise BadInputError(path, "this is not a PDF file (it has no PDF header)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable files warn loudly
    try:
        pdf = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if pdf.is_encrypted and not pdf.decrypt(""):
            raise BadInputError(path, "the PDF is password-protected; remove the password and import again")
        pages = [page.extract_text() or "" for page in pdf.pages]
    except BadInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        if "encrypt" in str(e).lower() or "password" in str(e).lower():
            raise BadInputError(path, "the PDF is password-protected; remove the password and import again") from None
        raise BadInputError(path, f"the PDF is damaged or unreadable ({e})") from None
    if not any(p.strip() for p in pages):
        raise BadInputError(path, f"this PDF has no text layer ({len(pages)} page(s) of images only, probably a "
                                  "scan); npmdesk does not do OCR: import the original transcript, or run OCR "
                                  "on the PDF first")
    label = compile_speaker_pattern(options.speaker_pattern) if options.detect_speakers else None
    paragraphs = []
    for page in pages:
        paragraphs.extend(reflow(page, label))
    notes = [f"{len(pages)} page(s); line breaks inside paragraphs were joined"]
    return ParsedSource("\n".join(paragraphs), "PDF text layer", "pdf", notes=notes)


def reflow(page: str, label=None) -> list[str]:
    """Join a page's lines into paragraphs (see the module docstring)."""
    lines = [line.rstrip() for line in page.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    longest = max((len(x) for x in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    previous_full = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            previous_full = False
            continue
        starts_turn = label is not None and label.match(stripped) is not None
        if current and previous_full and not starts_turn:
            current.append(stripped)
        else:
            if current:
                paragraphs.append(" ".join(current))
            current = [stripped]
        previous_full = len(line) >= _FULL_LINE * longest
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs

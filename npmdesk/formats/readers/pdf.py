"""PDF: the text layer, page by page (pypdf, pure Python); a page break is a paragraph break.

A PDF stores lines, not paragraphs, so lines are joined back into paragraphs: a line continues
the one before it when that line ran (nearly) to the right margin and the new line does not
start with a speaker label. A PDF without a text layer (a scan) is refused: npmdesk does no OCR.
Page headers and footers cannot be told apart from body text in a PDF and are kept; the original
.docx, where there is one, imports more cleanly.

Reading a PDF's text is interpretation in pure Python, and a few kilobytes can describe minutes
of it (a compressed stream of millions of drawing operators, forms drawn inside forms). The work
is therefore bounded, and going past a bound is a refusal that says which: at most MAX_PAGES
pages, at most MAX_PAGE_CONTENT_BYTES of (decompressed) drawing instructions a page and
MAX_STREAM_TOKENS tokens in one stream (a dense page of transcript has a few thousand), at most
MAX_FORMS_PER_PAGE embedded forms drawn a page, MAX_OPERATORS drawing operators in the whole file,
and MAX_SECONDS for the whole file.
"""

from __future__ import annotations

import io
import logging
import time
import zlib
from pathlib import Path
from typing import Any

from npmdesk.core.errors import BadInputError
from npmdesk.formats.importing import ParsedSource, reader
from npmdesk.formats.speakers import compile_speaker_pattern

_FULL_LINE = 0.8  # a line at least this share of the page's longest line ran to the margin

MAX_PAGES = 2_000  # a transcript of 100,000 turns prints on about 2,000 pages
MAX_PAGE_CONTENT_BYTES = 4 * 2**20
MAX_STREAM_TOKENS = 100_000  # a page of transcript text is about 1,000
MAX_FORMS_PER_PAGE = 200
MAX_OPERATORS = 1_000_000  # in the whole file; 2,000 pages of text draw about 500,000
MAX_SECONDS = 45.0
_MAX_STREAM_BYTES = 64 * 2**20  # what pypdf may inflate from one stream (its default is 75 MB)


class _TooSlow(Exception):
    pass


class _TooMuch(Exception):
    pass


@reader(".pdf")
def read_pdf(path: Path, data: bytes, options) -> ParsedSource:
    import pypdf
    from pypdf.errors import LimitReachedError, PdfReadError

    if not data.lstrip()[:1024].count(b"%PDF-"):
        raise BadInputError(path, "this is not a PDF file (it has no PDF header)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable files warn loudly
    limits: dict[str, Any] = dict(stream_parsing_work_maximum_count=MAX_STREAM_TOKENS,
                  xform_maximum_invocations_per_extraction=MAX_FORMS_PER_PAGE,
                  zlib_maximum_output_length=_MAX_STREAM_BYTES, lzw_maximum_output_length=_MAX_STREAM_BYTES,
                  run_length_maximum_output_length=_MAX_STREAM_BYTES,
                  brotli_maximum_output_length=_MAX_STREAM_BYTES)
    deadline = time.monotonic() + MAX_SECONDS
    page_no, pages = 0, list[str]()
    try:
        with pypdf.apply_configuration(**limits):
            pdf = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if pdf.is_encrypted and not pdf.decrypt(""):
                raise BadInputError(path, "the PDF is password-protected; remove the password and import again")
            total = len(pdf.pages)
            if total > MAX_PAGES:
                raise BadInputError(path, f"the PDF has {total:,} pages, more than the {MAX_PAGES:,} npmdesk reads "
                                          "from one transcript; split it, or import the original document")

            operators = 0

            def in_time(*_args) -> None:  # called before every drawing operator
                nonlocal operators
                operators += 1
                if operators > MAX_OPERATORS:
                    raise _TooMuch
                if not operators & 1023 and time.monotonic() > deadline:
                    raise _TooSlow

            for page_no, page in enumerate(pdf.pages, 1):
                if time.monotonic() > deadline:
                    raise _TooSlow
                size = _content_bytes(page)
                if size > MAX_PAGE_CONTENT_BYTES:
                    raise BadInputError(path, f"page {page_no} of the PDF holds {size / 2**20:,.0f} MB of drawing "
                                              f"instructions, more than the {MAX_PAGE_CONTENT_BYTES // 2**20} MB a "
                                              "page npmdesk reads (a page of text needs a few KB); import the "
                                              "original document instead")
                pages.append(page.extract_text(visitor_operand_before=in_time) or "")
    except BadInputError:
        raise
    except _TooSlow:
        raise BadInputError(path, f"reading the PDF's text took longer than {MAX_SECONDS:.0f} s (stopped at page "
                                  f"{page_no}); the file is far more complex than a transcript; import the original "
                                  "document instead") from None
    except _TooMuch:
        raise BadInputError(path, f"the PDF draws more than {MAX_OPERATORS:,} operators (stopped at page {page_no}); "
                                  "it is far more complex than a transcript; import the original document "
                                  "instead") from None
    except LimitReachedError as e:
        where = f"page {page_no} of the PDF" if page_no else "the PDF"
        raise BadInputError(path, f"{where} is too complex to read as text ({e}); import the original document "
                                  "instead") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError, ZeroDivisionError,
            RecursionError, UnicodeError, zlib.error) as e:
        if "encrypt" in str(e).lower() or "password" in str(e).lower():
            raise BadInputError(path, "the PDF is password-protected; remove the password and import again") from None
        raise BadInputError(path, f"the PDF is damaged or unreadable ({type(e).__name__}: {e})") from None
    if not any(p.strip() for p in pages):
        raise BadInputError(path, f"this PDF has no text layer ({len(pages)} page(s) of images only, probably a "
                                  "scan); npmdesk does not do OCR: import the original transcript, or run OCR "
                                  "on the PDF first")
    label = compile_speaker_pattern(options.speaker_pattern) if options.detect_speakers else None
    paragraphs = []
    for page_text in pages:
        paragraphs.extend(reflow(page_text, label))
    notes = [f"{len(pages)} page(s); line breaks inside paragraphs were joined"]
    return ParsedSource("\n".join(paragraphs), "PDF text layer", "pdf", notes=notes)


def _content_bytes(page) -> int:
    """Decompressed size of a page's content streams (0 if it has none)."""
    from pypdf.generic import ArrayObject

    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    total = 0
    for stream in streams:
        stream = stream.get_object()
        if hasattr(stream, "get_data"):
            total += len(stream.get_data())
            if total > MAX_PAGE_CONTENT_BYTES:
                break
    return total


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

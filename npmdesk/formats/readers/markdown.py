"""Markdown (.md): imported as the text it is, markup included, so every offset is the file's own.

Rendering it would change what the researcher typed; a speaker label in bold ("**NPM-6:**") is
still recognised (see speakers.DEFAULT_SPEAKER_PATTERN)."""

from __future__ import annotations

from pathlib import Path

from npmdesk.formats.importing import ParsedSource, reader
from npmdesk.formats.readers.text import decode_text


@reader(".md", ".markdown")
def read_markdown(path: Path, data: bytes, options) -> ParsedSource:
    text, encoding = decode_text(data, path)
    return ParsedSource(text, encoding, "markdown")

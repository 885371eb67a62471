"""Plain text in any encoding: byte-order marks, then UTF-8, then a detected legacy encoding."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from npmdesk.core.errors import BadInputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE (BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (BOM)"),
)


def decode_text(data: bytes, path) -> tuple[str, str]:
    """Return (text, encoding label) or refuse a file that is not text."""
    if not data.strip():
        raise BadInputError(path, "the file is empty")
    for bom, codec, label in _BOMS:  # UTF-32 LE before UTF-16 LE: its BOM starts the same way
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), label
            except UnicodeDecodeError as e:
                raise BadInputError(path, f"the file says it is {label} but is not ({e.reason})") from None
    if b"\x00" in data:
        raise BadInputError(path, "this is not a text file (it contains binary data)")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise BadInputError(path, "the text encoding could not be recognised; save it as UTF-8 and try again")
    text = str(best)
    if _looks_binary(text):
        raise BadInputError(path, "this is not a text file (it contains binary data)")
    return text, _prefer_windows_western(data, text, best.encoding)


def _prefer_windows_western(data: bytes, text: str, detected: str) -> str:
    """Short files often fit several code pages equally; when Windows-1252 reads the bytes to the
    very same text, say cp1252 (what a Western Windows PC wrote) rather than a look-alike."""
    try:
        return "cp1252" if data.decode("cp1252") == text else detected
    except UnicodeDecodeError:
        return detected


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(4, len(text[:20000]) // 100)

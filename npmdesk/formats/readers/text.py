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
    if not data or data.isspace():  # (not data.strip(): that copies a 200 MB file to look at it)
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
    western = _as_windows_western(data)
    if western is not None:
        return western, "cp1252"
    best = from_bytes(data).best()
    if best is None:
        raise BadInputError(path, "the text encoding could not be recognised; save it as UTF-8 and try again")
    text = str(best)
    if _looks_binary(text):
        raise BadInputError(path, "this is not a text file (it contains binary data)")
    return text, best.encoding


# Punctuation Windows-1252 puts in the high range and that may sit inside or beside words.
_WESTERN_PUNCTUATION = set("‘’‚“”„–—…•·°«»¡¿€£§©®™´¨ªº±")


def _as_windows_western(data: bytes) -> str | None:
    """The text, if the bytes read as plausible Windows-1252 (Western European) text.

    Detectors weigh single-byte code pages on letter statistics and, on short transcripts, often
    pick a look-alike (cp1250 turns "Muñoz" into "Muńoz" and "naïve" into "naďve") without any
    error to show for it. Windows-1252 is what a Western PC writes, so it wins when its reading
    looks like Western text: most letters plain ASCII (Cyrillic or Greek read this way come out
    as nothing but accented letters), and no symbol or digit glued inside a word ("³ód¿" is
    Polish read wrongly)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes cp1252 leaves undefined: another code page
    if _looks_binary(text):
        return None
    letters = high_letters = 0
    for i, ch in enumerate(text):
        if ch.isalpha():
            letters += 1
            if ord(ch) > 127:
                high_letters += 1
        elif ord(ch) > 127 and ch not in _WESTERN_PUNCTUATION:
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isalpha() and after.isalpha():
                return None
    if letters and high_letters / letters > 0.3:
        return None
    return text


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(4, len(text[:20000]) // 100)

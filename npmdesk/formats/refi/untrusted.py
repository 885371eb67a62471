"""Untrusted REFI-QDA input (.qdpx zips, .qde/.qdc XML) read safely, and the small shared helpers.

A .qdpx comes from another program and possibly another person, so nothing in it is trusted: XML
is parsed by the shared safe parser (`safe_xml`: no DTDs, entity expansion or network access);
zip member names must stay inside the archive; sizes are capped both as declared and as actually
decompressed. The zip is read in place rather than through `safe_xml.SafeZip`, which loads the
whole archive into memory: a .qdpx may carry large media files that npmdesk never reads.
"""

from __future__ import annotations

import re
import uuid
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from lxml import etree

from npmdesk.core.errors import BadInputError
from npmdesk.core.model import fit_name
from npmdesk.formats import safe_xml

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 300 * 1024**2
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_XML_BYTES = 300 * 1024**2
MAX_RATIO = 200  # decompressed / compressed; text compresses ~3-10x, bombs 1000x+

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_SHORT_RGB = re.compile(r"^#?([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$")
_LONG_RGB = re.compile(r"^#?([0-9a-fA-F]{6})$")
# Characters XML 1.0 cannot carry at all (even escaped).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A fixed namespace for GUIDs npmdesk derives (selections, memos without one): stable across exports.
NPMDESK_NS = uuid.UUID("6d1f2c0e-6a43-4f0a-9d7e-4e706d64736b")


def parse_xml(data: bytes, path) -> etree._Element:
    """Parse untrusted XML with the shared safe parser (no DTD, entities or network), size-capped."""
    if len(data) > MAX_XML_BYTES:
        raise BadInputError(path, f"the XML is over the {MAX_XML_BYTES // 2**20} MB limit")
    return safe_xml.parse_xml(data, path)


def local(el) -> str:
    """An element's name without namespace (some tools omit or vary the namespace)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el, name: str) -> list:
    return [c for c in el if local(c) == name]


def child(el, name: str):
    for c in el:
        if local(c) == name:
            return c
    return None


def child_text(el, name: str) -> str:
    c = child(el, name)
    return (c.text or "") if c is not None else ""


def norm_guid(value: str | None) -> str | None:
    """'{ABC...}' and 'ABC...' become 'abc...'; anything that is not a GUID becomes None."""
    m = _GUID.match((value or "").strip())
    return m.group(1).lower() if m else None


def norm_id(value: str | None) -> str | None:
    """An element's id as references match it: a GUID normalised as norm_guid does, any other
    non-empty string as written (small tools write ids such as "c1"; the standard wants GUIDs, but
    a unique string is all a reference needs). Empty becomes None."""
    g = norm_guid(value)
    if g:
        return g
    v = (value or "").strip()
    return v or None


def store_guid(value: str | None) -> str | None:
    """The id to keep as the row's GUID: only a real GUID (a string id gets a fresh GUID)."""
    return value if value and _GUID.match(value) else None


def export_guid(value: str) -> str:
    """A GUID the XSD accepts: the stored one if valid, else one derived from it (stable)."""
    return norm_guid(value) or str(uuid.uuid5(NPMDESK_NS, value or ""))


def derived_guid(*parts) -> str:
    return str(uuid.uuid5(NPMDESK_NS, "\x1f".join(str(p) for p in parts)))


def norm_color(value: str | None) -> str | None:
    value = (value or "").strip()
    m = _LONG_RGB.match(value)
    if m:
        return "#" + m.group(1).lower()
    m = _SHORT_RGB.match(value)
    if m:
        return "#" + "".join(ch * 2 for ch in m.groups()).lower()
    return None


def xml_text(value: str) -> str:
    """Drop the few characters XML 1.0 cannot represent (lxml refuses them)."""
    return _NOT_XML.sub("", value or "")


def clean_name(value: str | None, fallback: str) -> str:
    """A name npmdesk accepts: control characters become spaces, at most MAX_NAME characters;
    empty becomes the fallback."""
    return fit_name(value or "") or fallback


class SafeZip:
    """A .qdpx read in place: member names checked on opening, each member's declared size (and
    compression ratio) checked before it is inflated, and the total inflated capped. Members that
    are never read (media files npmdesk skips) may be any size."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.zf = zipfile.ZipFile(self.path)
            infos = self.zf.infolist()
        except FileNotFoundError:
            raise BadInputError(path, "no such file") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
            raise BadInputError(path, f"not a valid .qdpx (zip) file ({e})") from None
        if len(infos) > MAX_MEMBERS:
            self.zf.close()
            raise BadInputError(path, f"the archive holds {len(infos)} files, over the limit of {MAX_MEMBERS}")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            # Some Windows tools write backslashes; read them as the separators they mean.
            name = info.filename.replace("\\", "/")
            try:
                _check_member_name(path, name)
            except BadInputError:
                self.zf.close()
                raise
            self.members[name] = info
        self._lower = {n.lower(): n for n in self.members}
        self._inflated = 0

    def close(self) -> None:
        self.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def find(self, name: str) -> str | None:
        """The member called `name`, matched without regard to case (tools vary 'sources'/'Sources')."""
        if name in self.members:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """Read a member, never more than its declared size (a lying header cannot inflate it)."""
        info = self.members[name]
        if info.flag_bits & 0x1:
            raise BadInputError(self.path, f"{name} in the archive is encrypted")
        if info.file_size > MAX_MEMBER_BYTES:
            raise BadInputError(self.path, f"{name} would unpack to {info.file_size // 2**20} MB, over the "
                                           f"{MAX_MEMBER_BYTES // 2**20} MB limit for one file")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BadInputError(self.path, f"{name} is compressed {info.file_size // max(info.compress_size, 1)} "
                                           "to 1; refused as a possible zip bomb")
        if self._inflated + info.file_size > MAX_TOTAL_BYTES:
            raise BadInputError(self.path, f"the archive unpacks to over {MAX_TOTAL_BYTES // 2**30} GB")
        try:
            with self.zf.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError, ValueError,
                LookupError) as e:
            raise BadInputError(self.path, f"{name} in the archive is damaged ({safe_xml.damage_reason(e)})") from None
        if len(data) > info.file_size:
            raise BadInputError(self.path, f"{name} is larger than the archive says; refused")
        self._inflated += len(data)
        return data


def _check_member_name(path, name: str) -> None:
    if "\x00" in name:
        raise BadInputError(path, f"the archive holds a file with an unsafe name ({name!r})")
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", name):
        raise BadInputError(path, f"the archive holds a file that points outside it ({name!r})")

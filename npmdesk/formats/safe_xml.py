"""Untrusted zip archives and XML (docx, odt, qdpx): size limits before decompressing, no entities.

Every check happens before the expensive step it guards: a zip member's uncompressed size is read
from the archive's directory before a byte is inflated, and zipfile itself stops inflating at that
declared size (a member that lies about it fails its CRC check), so memory stays bounded by the
limits below whatever the archive claims. XML is parsed with entity expansion, DTD loading and
network access off, and a document that carries a DTD at all is refused: office formats never
use one, so a DTD only ever means a crafted file (XXE, "billion laughs").
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from npmdesk.core.errors import BadInputError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, and password-protected Office files


@dataclass(frozen=True)
class ZipLimits:
    max_member_bytes: int = 256 * 2**20  # one XML part, uncompressed
    max_total_bytes: int = 512 * 2**20  # everything we may inflate from one archive
    max_ratio: int = 200  # uncompressed / compressed for one member larger than 1 MB
    max_members: int = 10_000


DEFAULT_LIMITS = ZipLimits()
_RATIO_FLOOR = 2**20  # small members (a few KB of repeated XML) compress very well and are harmless


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, source, part: str = "") -> etree._Element:
    """The root element of untrusted XML, or BadInputError naming the source (and the part)."""
    where = f" ({part})" if part else ""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        raise BadInputError(source, f"damaged XML{where}: {e.msg or e}") from None
    except (ValueError, MemoryError) as e:
        raise BadInputError(source, f"unreadable XML{where}: {e}") from None
    if root is None:
        raise BadInputError(source, f"empty XML{where}")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise BadInputError(source, f"the XML{where} declares a DTD, which office files never do; refused "
                                    "because such files can read other files or exhaust memory")
    return root


class SafeZip:
    """A zip archive whose members are size-checked before they are inflated."""

    def __init__(self, data: bytes, source, limits: ZipLimits = DEFAULT_LIMITS, what: str = "zip archive"):
        self.source = source
        self.limits = limits
        if data.startswith(OLE2_MAGIC):
            raise BadInputError(source, "this is an old-style Word 97-2003 (.doc) or a password-protected Office "
                                        "file, not a zip-based document; open it in Word or LibreOffice, remove "
                                        "any password and save it as .docx, then import that")
        if not data.startswith(b"PK"):
            raise BadInputError(source, f"this is not a {what} (the file's contents are not a zip archive; it may "
                                        "be damaged or another kind of file renamed)")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
            raise BadInputError(source, f"this {what} is damaged and cannot be opened ({e})") from None
        if len(infos) > limits.max_members:
            raise BadInputError(source, f"the archive has {len(infos)} members, more than the "
                                        f"{limits.max_members} npmdesk accepts")
        self._infos = {i.filename: i for i in infos}
        self._inflated = 0
        self.check_all()

    def check_all(self) -> None:
        """Refuse the archive up front if any member, or all of them together, would inflate too far."""
        total = 0
        for info in self._infos.values():
            self._check_member(info)
            total += info.file_size
        if total > self.limits.max_total_bytes:
            raise BadInputError(self.source, f"the archive would unpack to {_mb(total)}, more than the "
                                             f"{_mb(self.limits.max_total_bytes)} limit; refused")

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        if info.flag_bits & 0x1:
            raise BadInputError(self.source, f"the archive member {info.filename} is encrypted")
        if info.file_size > self.limits.max_member_bytes:
            raise BadInputError(self.source, f"{info.filename} would unpack to {_mb(info.file_size)}, more than the "
                                             f"{_mb(self.limits.max_member_bytes)} limit for one part; refused "
                                             "(a \"zip bomb\" or an unusually huge document)")
        if info.file_size > _RATIO_FLOOR and info.file_size > self.limits.max_ratio * max(info.compress_size, 1):
            raise BadInputError(self.source, f"{info.filename} is compressed {info.file_size // max(info.compress_size, 1)}"
                                             f" to 1, far more than any real document; refused as a \"zip bomb\"")

    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        info = self._infos.get(name)
        if info is None:
            raise BadInputError(self.source, f"the archive has no {name}")
        self._check_member(info)
        if self._inflated + info.file_size > self.limits.max_total_bytes:
            raise BadInputError(self.source, f"the archive unpacks to more than {_mb(self.limits.max_total_bytes)}")
        try:
            data = self._zip.read(info)  # zipfile stops at the declared size; a lie fails the CRC check
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError, RuntimeError) as e:
            raise BadInputError(self.source, f"{name} in the archive is damaged ({e})") from None
        self._inflated += len(data)
        return data

    def read_xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), self.source, name)


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 1024:,.0f} KB"

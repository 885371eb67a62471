"""Untrusted zip archives and XML (docx, odt, qdpx): size limits before decompressing, no entities.

Every check happens before the expensive step it guards: a zip member's uncompressed size is read
from the archive's directory before a byte is inflated, and the bytes actually inflated are counted
as they come out of zlib, so a member that lies about its size is stopped at the limit (and fails
its CRC check), whatever the archive claims. One part may unpack to at most 128 MB
(ZipLimits.max_member_bytes) and a whole archive to 512 MB. The main part of a document is parsed
as a stream (`iter_xml`): each body paragraph or table is handed over and freed as soon as it is
complete, so memory follows the largest paragraph, not the document. XML is parsed with entity
expansion, DTD loading and network access off, and a document that carries a DTD at all is
refused: office formats never use one, so a DTD only ever means a crafted file (XXE, "billion
laughs"). A damaged deflate stream or damaged XML is refused with the part's name, never raised
as zlib's or lxml's own error.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from npmdesk.core.errors import BadInputError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, and password-protected Office files


@dataclass(frozen=True)
class ZipLimits:
    max_member_bytes: int = 128 * 2**20  # one XML part, uncompressed (declared, and counted as inflated)
    max_total_bytes: int = 512 * 2**20  # everything we may inflate from one archive
    max_ratio: int = 200  # uncompressed / compressed for one member larger than 1 MB
    max_members: int = 10_000


DEFAULT_LIMITS = ZipLimits()
_RATIO_FLOOR = 2**20  # small members (a few KB of repeated XML) compress very well and are harmless


_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                       dtd_validation=False, remove_comments=True, remove_pis=True)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIONS)


def _refuse_dtd(root, source, where: str) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise BadInputError(source, f"the XML{where} declares a DTD, which office files never do; refused "
                                    "because such files can read other files or exhaust memory")


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
    _refuse_dtd(root, source, where)
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
            ratio = info.file_size // max(info.compress_size, 1)
            raise BadInputError(self.source, f"{info.filename} is compressed {ratio}"
                                             f" to 1, far more than any real document; refused as a \"zip bomb\"")

    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def open(self, name: str) -> _CountedMember:
        """A stream of the member's inflated bytes, stopped (BadInputError) past the part limit."""
        info = self._infos.get(name)
        if info is None:
            raise BadInputError(self.source, f"the archive has no {name}")
        self._check_member(info)
        if self._inflated + info.file_size > self.limits.max_total_bytes:
            raise BadInputError(self.source, f"the archive unpacks to more than {_mb(self.limits.max_total_bytes)}")
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError, OSError, RuntimeError,
                LookupError) as e:
            raise BadInputError(self.source, f"{name} in the archive is damaged ({damage_reason(e)})") from None
        return _CountedMember(self, name, raw, min(self.limits.max_member_bytes,
                                                   self.limits.max_total_bytes - self._inflated))

    def read(self, name: str) -> bytes:
        with self.open(name) as f:
            return f.read()

    def read_xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), self.source, name)

    def iter_xml(self, name: str, path: tuple[str, ...], tags: tuple[str, ...] | None = None) -> XmlStream:
        """The children of the element at `path` (the root's tag first; only those tagged `tags`,
        if given), each as soon as it is complete; each is freed, with any siblings before it,
        once the caller moves on. Everything outside `path` is kept whole, so the caller may look
        at what came before (the styles of an .odt's content.xml)."""
        return XmlStream(self, name, path, tags)


class XmlStream:
    """One XML part parsed as a stream (see SafeZip.iter_xml); once it has been read, `found`
    says whether the part had an element at `path` at all, and `root` is its root element."""

    def __init__(self, archive: SafeZip, name: str, path: tuple[str, ...], tags: tuple[str, ...] | None):
        self.archive, self.name, self.path = archive, name, path
        # Filtering by tag happens inside lxml: elements of other tags never become Python objects.
        self.tags = None if tags is None else tuple({*tags, path[-1]})
        self.found = False
        self.root = None

    def _at_path(self, el) -> bool:
        chain = []
        while el is not None:
            chain.append(el.tag)
            el = el.getparent()
        return tuple(reversed(chain)) == self.path

    def __iter__(self) -> Iterator[etree._Element]:
        source, where, last = self.archive.source, f" ({self.name})", self.path[-1]
        container = None
        with self.archive.open(self.name) as stream:
            events = etree.iterparse(stream, events=("end",), tag=self.tags, **_PARSER_OPTIONS)
            try:
                for _, el in events:
                    if self.root is None:
                        self.root = el.getroottree().getroot()
                        _refuse_dtd(self.root, source, where)
                    parent = el.getparent()
                    if parent is None:
                        continue
                    if container is None:
                        if parent.tag == last and self._at_path(parent):
                            container = parent
                            self.found = True
                        else:
                            self.found = self.found or (el.tag == last and self._at_path(el))
                            continue
                    if parent is not container:
                        continue
                    yield el
                    el.clear()
                    while el.getprevious() is not None:
                        del container[0]
            except etree.XMLSyntaxError as e:
                raise BadInputError(source, f"damaged XML{where}: {e.msg or e}") from None
            except (ValueError, MemoryError) as e:
                raise BadInputError(source, f"unreadable XML{where}: {e}") from None
            if self.root is None:
                self.root = events.root
                if self.root is None:
                    raise BadInputError(source, f"empty XML{where}")
                _refuse_dtd(self.root, source, where)


class _CountedMember(io.RawIOBase):
    """A member's inflated bytes, counted as they come out of zlib: the limit holds whatever the
    archive declared, and zlib's errors on a damaged stream become a refusal naming the part."""

    def __init__(self, archive: SafeZip, name: str, raw, limit: int):
        super().__init__()
        self.archive, self.name, self.raw, self.limit, self.count = archive, name, raw, limit, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = self.limit + 1 - self.count if size is None or size < 0 else min(size, self.limit + 1 - self.count)
        try:
            data = self.raw.read(max(want, 1))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as e:
            raise BadInputError(self.archive.source, f"{self.name} in the archive is damaged "
                                                     f"({damage_reason(e)})") from None
        self.count += len(data)
        self.archive._inflated += len(data)
        if self.count > self.limit:
            raise BadInputError(self.archive.source, f"{self.name} unpacks to more than {_mb(self.limit)}, the limit "
                                                     "for one part; refused (a \"zip bomb\" or an unusually huge "
                                                     "document)")
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def damage_reason(e: Exception) -> str:
    """zlib's 'Error -3 while decompressing data: invalid block type' in plain words."""
    if isinstance(e, zlib.error):
        return f"its compressed data is damaged: {str(e).rsplit(': ', 1)[-1]}"
    return str(e) or type(e).__name__


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 1024:,.0f} KB"

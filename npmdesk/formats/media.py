"""What a recording file is (hash, size, length) and where a moved one went.

Reading a recording's length needs no media library for the files Zoom and Teams write (.m4a/.mp4:
the movie header; .wav: its header); PyAV, when the transcription extra is installed, reads the
rest. Nothing here decodes sound."""

from __future__ import annotations

import hashlib
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.store.media import MEDIA_SUFFIXES, MediaLink

_CHUNK = 1 << 20
_SEARCH_DEPTH = 3  # folders below the project's (and the recording's old folder) searched for a moved file
_SEARCH_LIMIT = 20_000  # files looked at, at most: a search must not crawl a whole disk


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    sha256: str
    size: int
    duration_ms: int | None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def describe(path: str | Path) -> MediaInfo:
    """Hash, size and length of a recording, or BadInputError naming the file and the reason."""
    path = Path(path)
    if path.suffix.lower() not in MEDIA_SUFFIXES:
        raise BadInputError(path, f"npmdesk links recordings of types {', '.join(sorted(MEDIA_SUFFIXES))}")
    try:
        if not path.is_file():
            raise BadInputError(path, "there is no such file")
        size = path.stat().st_size
        if size == 0:
            raise BadInputError(path, "the file is empty")
        digest = sha256_of(path)
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror})") from None
    return MediaInfo(path, digest, size, duration_ms(path))


def duration_ms(path: Path) -> int | None:
    """The recording's length in ms, when it can be read without decoding; else None."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".wav":
            with wave.open(str(path), "rb") as w:
                return round(w.getnframes() * 1000 / w.getframerate()) if w.getframerate() else None
        if suffix in (".m4a", ".mp4", ".m4v", ".mov"):
            found = _mp4_duration(path)
            if found is not None:
                return found
    except (OSError, EOFError, wave.Error, struct.error):
        pass
    return _av_duration(path)


def _mp4_duration(path: Path) -> int | None:
    """From the ISO base media file's moov/mvhd box (timescale and duration)."""
    with open(path, "rb") as f:
        end = path.stat().st_size
        return _find_mvhd(f, 0, end, depth=0)


def _find_mvhd(f, start: int, end: int, depth: int) -> int | None:
    pos = start
    while pos + 8 <= end and depth < 4:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I4s", header)
        head = 8
        if size == 1:
            size = struct.unpack(">Q", f.read(8))[0]
            head = 16
        elif size == 0:
            size = end - pos
        if size < head:
            return None
        if kind == b"moov":
            return _find_mvhd(f, pos + head, pos + size, depth + 1)
        if kind == b"mvhd":
            version = f.read(1)[0]
            f.read(3)
            if version == 1:
                _, _, scale, dur = struct.unpack(">QQIQ", f.read(28))
            else:
                _, _, scale, dur = struct.unpack(">IIII", f.read(16))
            return round(dur * 1000 / scale) if scale else None
        pos += size
    return None


def _av_duration(path: Path) -> int | None:
    try:
        import av  # optional: the transcription extra
    except ImportError:
        return None
    try:
        with av.open(str(path)) as container:
            return round(container.duration / 1000) if container.duration else None  # microseconds
    except Exception:  # a library's surprise on a strange file: the length stays unknown
        return None


def locate(project_path: Path, link: MediaLink) -> Path | None:
    """Where the linked recording is now: its stored place if the file there is the same size, else
    a file of the same name and hash below the project's folder or the recording's old folder."""
    stored = link.path_from(project_path)
    try:
        if stored.is_file() and stored.stat().st_size == link.size:
            return stored
    except OSError:
        pass
    name = Path(link.stored_path).name
    roots = [Path(project_path).resolve().parent, stored.parent]
    seen = 0
    for root in dict.fromkeys(roots):
        for candidate in _walk(root, name, _SEARCH_DEPTH):
            seen += 1
            if seen > _SEARCH_LIMIT:
                return None
            try:
                if candidate.stat().st_size == link.size and sha256_of(candidate) == link.sha256:
                    return candidate
            except OSError:
                continue
    return None


def _walk(root: Path, name: str, depth: int):
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for e in entries:
        try:
            if e.is_file() and e.name == name:
                yield e
        except OSError:
            continue
    if depth > 0:
        for e in entries:
            try:
                if e.is_dir() and not e.is_symlink() and not e.name.startswith("."):
                    yield from _walk(e, name, depth - 1)
            except OSError:
                continue


def matches(path: Path, link: MediaLink) -> bool:
    """Whether a file the user points at is the linked recording (same hash)."""
    try:
        return path.stat().st_size == link.size and sha256_of(path) == link.sha256
    except OSError:
        return False

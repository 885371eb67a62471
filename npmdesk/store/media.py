"""Recordings linked to transcripts, and turn times.

The project stores where a recording is (relative to the project's folder when it lies beside
or below it, so a project folder can be moved whole), its SHA-256, size, duration and kind — never
the media itself. Finding a moved file again by name and hash is formats/media.py's job; this
mixin only records what the caller found. Every change goes through the one write path, so the
window can undo a link, an unlink or a turn time like any other edit."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.store.base import StoreBase
from npmdesk.store.database import new_guid, now

MEDIA_SUFFIXES = {".m4a": "audio", ".mp3": "audio", ".wav": "audio", ".aac": "audio", ".ogg": "audio",
                  ".flac": "audio", ".opus": "audio", ".mp4": "video", ".m4v": "video", ".mov": "video",
                  ".webm": "video", ".mkv": "video"}


@dataclass(frozen=True)
class MediaLink:
    document_id: int
    stored_path: str  # as stored: relative to the project's folder, or absolute
    sha256: str
    size: int
    duration_ms: int | None
    kind: str
    linked: str

    def path_from(self, project_path: Path) -> Path:
        p = Path(self.stored_path)
        return p if p.is_absolute() else (Path(project_path).resolve().parent / p)


def stored_form(project_path: Path, media: Path) -> str:
    """The media's path relative to the project's folder when it is inside it, else absolute."""
    folder = Path(project_path).resolve().parent
    media = Path(media).resolve()
    try:
        return media.relative_to(folder).as_posix()
    except ValueError:
        return str(media)


class MediaMixin(StoreBase):
    def media_link(self, doc_id: int) -> MediaLink | None:
        row = self.db.execute("SELECT document_id, path, sha256, size, duration_ms, kind, linked FROM media "
                              "WHERE document_id = ?", (doc_id,)).fetchone()
        return MediaLink(*row) if row else None

    def media_links(self) -> dict[int, MediaLink]:
        return {r[0]: MediaLink(*r) for r in self.db.execute(
            "SELECT document_id, path, sha256, size, duration_ms, kind, linked FROM media")}

    def link_media(self, doc_id: int, media: Path, sha256: str, size: int, duration_ms: int | None) -> MediaLink:
        """Link (or re-link) a recording to a document, replacing any earlier link."""
        media = Path(media)
        kind = MEDIA_SUFFIXES.get(media.suffix.lower())
        if kind is None:
            raise InvalidValueError(f"{media.name}: npmdesk links recordings of types "
                                    f"{', '.join(sorted(MEDIA_SUFFIXES))}, not {media.suffix or 'without a type'}")
        stored = stored_form(self.path, media)
        with self.write("link recording", document=doc_id, file=media.name) as c:
            if not c.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
                raise NotFoundError(f"no document with id {doc_id}")
            c.execute("INSERT INTO media(document_id, path, sha256, size, duration_ms, kind, linked, guid) "
                      "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(document_id) DO UPDATE SET path = excluded.path, "
                      "sha256 = excluded.sha256, size = excluded.size, duration_ms = excluded.duration_ms, "
                      "kind = excluded.kind, linked = excluded.linked",
                      (doc_id, stored, sha256, size, duration_ms, kind, now(), new_guid()))
        link = self.media_link(doc_id)
        assert link is not None
        return link

    def relocate_media(self, doc_id: int, media: Path) -> None:
        """The same recording (same hash) found at a new place."""
        with self.write("find recording", document=doc_id, file=Path(media).name) as c:
            self._require_updated(c.execute("UPDATE media SET path = ? WHERE document_id = ?",
                                            (stored_form(self.path, media), doc_id)),
                                  f"document {doc_id} has no linked recording")

    def set_media_duration(self, doc_id: int, duration_ms: int) -> None:
        with self.write("recording length", document=doc_id) as c:
            c.execute("UPDATE media SET duration_ms = ? WHERE document_id = ? AND duration_ms IS NOT ?",
                      (int(duration_ms), doc_id, int(duration_ms)))

    def unlink_media(self, doc_id: int) -> None:
        with self.write("unlink recording", document=doc_id) as c:
            self._require_updated(c.execute("DELETE FROM media WHERE document_id = ?", (doc_id,)),
                                  f"document {doc_id} has no linked recording")

    def add_transcribed_document(self, name: str, text: str, turns: list, *, kind: str, media: Path, sha256: str,
                                 size: int, duration_ms: int | None) -> int:
        """A transcript made from a recording, linked to it: one step (undo takes both away)."""
        with self.write("transcribe", name=name, file=Path(media).name):
            doc_id = self.add_document(name, text, kind=kind, source_name=Path(media).name,
                                       source_format="transcription", source_sha256=sha256, encoding="utf-8",
                                       turns=turns)
            self.link_media(doc_id, media, sha256, size, duration_ms)
        return doc_id

    # --- turn times -------------------------------------------------------------------------------

    def set_turn_time(self, turn_id: int, begin_ms: int | None) -> None:
        """Set (or clear) when a turn starts in the recording (read from the player, or typed)."""
        if begin_ms is not None and begin_ms < 0:
            raise InvalidValueError("a turn cannot start before the recording does")
        with self.write("turn time", turn=turn_id) as c:
            self._require_updated(c.execute("UPDATE turns SET begin_ms = ? WHERE id = ?", (begin_ms, turn_id)),
                                  f"no turn with id {turn_id}")

    def time_at(self, doc_id: int, offset: int) -> int | None:
        """When the passage at `offset` is spoken: its turn's start time, or None if unknown."""
        row = self.db.execute("SELECT begin_ms FROM turns WHERE document_id = ? AND start <= ? "
                              "ORDER BY start DESC LIMIT 1", (doc_id, offset)).fetchone()
        return row[0] if row else None

    def times_at(self, spans: list[tuple[int, int]]) -> list[int | None]:
        """time_at for many (document, offset) pairs, one query per document."""
        by_doc: dict[int, list[tuple[int, int]]] = {}
        for doc_id, offset in spans:
            by_doc.setdefault(doc_id, []).append((doc_id, offset))
        found: dict[tuple[int, int], int | None] = {}
        for doc_id in by_doc:
            starts = self.db.execute("SELECT start, begin_ms FROM turns WHERE document_id = ? ORDER BY start",
                                     (doc_id,)).fetchall()
            keys = [s for s, _ in starts]
            for _, offset in by_doc[doc_id]:
                i = bisect.bisect_right(keys, offset) - 1
                found[(doc_id, offset)] = starts[i][1] if i >= 0 else None
        return [found[s] for s in spans]

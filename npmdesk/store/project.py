"""The Project: one open .npmdesk file and every operation the GUI and the CLI share."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from npmdesk import PROJECT_SUFFIX
from npmdesk.core.errors import NotFoundError
from npmdesk.core.names import check_name
from npmdesk.store import database
from npmdesk.store.analysis import AnalysisMixin
from npmdesk.store.cases import CasesMixin
from npmdesk.store.code_keys import CodeKeysMixin
from npmdesk.store.codes import CodesMixin
from npmdesk.store.codings import CodingsMixin
from npmdesk.store.base import new_id
from npmdesk.store.database import new_guid, now
from npmdesk.store.transactions import Transactions
from npmdesk.store.documents import DocumentsMixin
from npmdesk.store.exchange import ExchangeMixin
from npmdesk.store.frameworks import FrameworksMixin
from npmdesk.store.groups import GroupsMixin
from npmdesk.store.media import MediaMixin
from npmdesk.store.memos import MemosMixin
from npmdesk.store.pseudonyms import PseudonymsMixin
from npmdesk.store.search import SearchMixin
from npmdesk.store.texts import TextsMixin
from npmdesk.store.text_edits import TextEditsMixin
from npmdesk.store.coverage import CoverageMixin


class Project(
    Transactions,
    DocumentsMixin,
    TextsMixin,
    TextEditsMixin,
    CasesMixin,
    CodesMixin,
    CodeKeysMixin,
    CodingsMixin,
    ExchangeMixin,
    GroupsMixin,
    MemosMixin,
    MediaMixin,
    PseudonymsMixin,
    SearchMixin,
    FrameworksMixin,
    CoverageMixin,
    AnalysisMixin,
):
    """An open project. Every method that changes something is one transaction, durable on return."""

    def __init__(self, path: Path, db, coder: str, read_only: bool = False):
        super().__init__()
        self.path = path
        self.db = db
        self.read_only = read_only
        self.read_only_reason = ""  # why a project asked for writing was opened read-only
        self.coder_name = check_name(coder, "coder")
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", (self.coder_name,)).fetchone()
        self._coder_id = row[0] if row else None  # recorded with this coder's first change
        self._start_journal()
        self._data_version = self.db.execute("PRAGMA data_version").fetchone()[0]

    # Lifecycle ------------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, coder: str, name: str | None = None) -> Project:
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(PROJECT_SUFFIX)
        database.create_file(path, name or path.stem)
        return cls.open(path, coder)

    @classmethod
    def open(cls, path: str | Path, coder: str, read_only: bool = False) -> Project:
        """Open a project. `read_only=True` for anything that only reads: the file's bytes stay as
        they are. A project that cannot be written (file, folder or disk read-only) opens read-only
        with `read_only_reason` saying why, instead of being refused."""
        path = Path(path)
        reason = ""
        if not read_only and path.is_file() and not database.is_writable(path):
            read_only, reason = True, (f"{path} is read-only (the file, its folder or the disk cannot be "
                                       "written): you can read and export, but not change it")
        db = database.open_connection(path, read_only=read_only)
        try:
            project = cls(path, db, coder, read_only=read_only)
        except BaseException:
            db.conn.close()
            raise
        project.read_only_reason = reason
        return project

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def save_copy(self, target: str | Path) -> None:
        database.save_copy(self.db.conn, Path(target))

    # Project-wide facts ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
        return row[0] if row else self.path.stem

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def ensure_coder(self, name: str, guid: str | None = None) -> int:
        """Another coder's id (e.g. from an imported project), recorded if new."""
        name = self._clean_name(name, "coder")
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        with self.write("add coder", name=name) as c:
            return new_id(c.execute("INSERT INTO coders(name, guid, created) VALUES (?,?,?)",
                             (name, guid or new_guid(), now())))

    def coders(self) -> list[dict]:
        return [dict(id=r[0], name=r[1], guid=r[2]) for r in
                self.db.execute("SELECT id, name, guid FROM coders ORDER BY id")]

    def coder_by_name(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"no coder named {name!r}")
        return row[0]

    def changed_elsewhere(self) -> bool:
        """True once after another connection (the CLI, a second window) committed a change.

        SQLite's data_version moves only for other connections' commits, so this costs one
        pragma and never fires for this project's own writes."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        seen, self._data_version = self._data_version, version
        return version != seen

    def counts(self) -> dict[str, int]:
        tables = ("documents", "cases", "codes", "codings", "memos", "coders", "frameworks")
        return {t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    def check(self) -> dict:
        """Full integrity and foreign-key check plus counts (npmdesk check)."""
        integrity = [r[0] for r in self.db.execute("PRAGMA integrity_check")]
        fk = self.db.execute("PRAGMA foreign_key_check").fetchall()
        fts = search_index_check(self.path) if self.read_only else _fts_integrity(self.db.conn)
        return {
            "path": str(self.path),
            "schema_version": self.schema_version,
            "integrity": "ok" if integrity == ["ok"] else "; ".join(integrity),
            "foreign_keys": "ok" if not fk else f"{len(fk)} broken reference(s)",
            "search_index": fts,
            "counts": self.counts(),
        }

    def audit_log(self, limit: int = 100) -> list[dict]:
        rows = self.db.execute(
            "SELECT a.at, co.name, a.action, a.detail FROM audit a LEFT JOIN coders co ON co.id = a.coder_id "
            "ORDER BY a.id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(at=r[0], coder=r[1], action=r[2], detail=r[3]) for r in rows]



def _fts_integrity(conn: sqlite3.Connection) -> str:
    try:
        conn.execute("INSERT INTO document_texts_fts(document_texts_fts, rank) VALUES ('integrity-check', 1)")
        return "ok"
    except sqlite3.DatabaseError as e:
        return str(e)


def search_index_check(path: Path) -> str:
    """FTS5's integrity check without writing the project: SQLite runs it as an INSERT, which a
    read-only connection refuses, so the texts and the index's own tables are copied into a scratch
    database (on disk, streamed) and checked there."""
    with tempfile.TemporaryDirectory(prefix="npmdesk-check-") as folder:
        scratch = sqlite3.connect(str(Path(folder) / "index.db"), isolation_level=None, uri=True)
        try:
            with open(path, "rb") as f:
                wal = f.read(20)[18:20] == b"\x02\x02"
            # A file another program switched to WAL is read alone, creating no -wal/-shm beside it.
            source = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if wal else "")
            scratch.execute("ATTACH DATABASE ? AS src", (source,))
            virtual = scratch.execute("SELECT sql FROM src.sqlite_master WHERE name = 'document_texts_fts'").fetchone()
            scratch.execute("BEGIN")
            scratch.execute("CREATE TABLE document_texts(document_id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
            scratch.execute("INSERT INTO document_texts SELECT document_id, text FROM src.document_texts")
            scratch.execute(virtual[0])
            for (name,) in scratch.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' "
                                           "AND name LIKE 'document\\_texts\\_fts\\_%' ESCAPE '\\'").fetchall():
                scratch.execute(f'DELETE FROM main."{name}"')
                scratch.execute(f'INSERT INTO main."{name}" SELECT * FROM src."{name}"')
            scratch.execute("COMMIT")
            return _fts_integrity(scratch)
        except sqlite3.DatabaseError as e:
            return str(e)
        finally:
            scratch.close()

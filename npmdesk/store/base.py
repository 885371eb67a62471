"""What every part of the Project may use of the others.

Project is composed of mixins (documents, codes, codings, cases, ...) that call each other through
`self`. Each mixin derives from StoreBase, which holds the shared helpers and declares, for readers
and for mypy, the attributes and the methods one mixin takes from another; the real ones come
earlier in Project's MRO.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from npmdesk.core.errors import NotFoundError
from npmdesk.core.names import check_name

if TYPE_CHECKING:
    from npmdesk.core.model import Case, Code, Excerpt, ExcerptFilter


def new_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types it as optional; after an INSERT it is set)."""
    rowid = cursor.lastrowid
    if rowid is None:
        raise RuntimeError("the INSERT made no row")
    return rowid


class StoreBase:
    db: sqlite_utils.Database
    path: Path
    read_only: bool

    _clean_name = staticmethod(check_name)

    @staticmethod
    def _require_updated(cursor: sqlite3.Cursor, message: str) -> None:
        if cursor.rowcount == 0:
            raise NotFoundError(message)

    if TYPE_CHECKING:  # provided by the other mixins (transactions, codes, codings, ...)
        @property
        def coder_id(self) -> int | None: ...

        def write(self, action: str | None = None, **detail: Any) -> AbstractContextManager[sqlite3.Connection]: ...

        def codes(self) -> list[Code]: ...

        def code(self, code_id: int) -> Code: ...

        def code_children(self, code_id: int | None) -> list[int]: ...

        def code_descendants(self, code_id: int) -> list[int]: ...

        def add_code(self, name: str, parent_id: int | None = None, *, color: str | None = None,
                     description: str = "", position: int | None = None, guid: str | None = None) -> int: ...

        def add_document(self, name: str, text: str, *, kind: str = "interview", case_id: int | None = None,
                         source_name: str = "", source_format: str = "", source_sha256: str = "",
                         encoding: str = "", turns: Any = (), guid: str | None = None) -> int: ...

        def _code_row(self, c: Any, code_id: int) -> Any: ...

        def cases(self) -> list[Case]: ...

        def excerpts(self, flt: ExcerptFilter | None = None, *, limit: int | None = None,
                     offset: int = 0) -> list[Excerpt]: ...

        def set_memo(self, target: str, target_id: int | None, text: str, *, coder_id: int | None = None,
                     created: str | None = None, modified: str | None = None, guid: str | None = None) -> None: ...

        def ensure_coder(self, name: str, guid: str | None = None) -> int: ...

        def document_text(self, doc_id: int) -> str: ...

        def document_texts(self, doc_ids: Any) -> dict[int, str]: ...

        def _refresh_coding_cases(self, c: Any, doc_id: int) -> None: ...

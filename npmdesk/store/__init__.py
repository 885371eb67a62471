"""The project file: schema, migrations, the Project object and its queries (sqlite-utils)."""

from npmdesk.store import _sqlite_utils

_sqlite_utils.load()  # before any module below imports sqlite_utils

from npmdesk.core.model import ExcerptFilter, TurnSpec  # noqa: E402
from npmdesk.store.project import Project  # noqa: E402

__all__ = ["ExcerptFilter", "Project", "TurnSpec"]

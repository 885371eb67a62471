"""The project file: schema, migrations, the Project object and its queries (sqlite-utils)."""

from npmdesk.store.codings import ExcerptFilter
from npmdesk.store.documents import TurnSpec
from npmdesk.store.project import Project

__all__ = ["ExcerptFilter", "Project", "TurnSpec"]

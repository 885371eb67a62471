"""The project file: schema, migrations, the Project object and its queries (sqlite-utils)."""

from npmdesk.core.model import ExcerptFilter, TurnSpec
from npmdesk.store.project import Project

__all__ = ["ExcerptFilter", "Project", "TurnSpec"]

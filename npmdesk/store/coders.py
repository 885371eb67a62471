"""The project's coders as the window lists them, and their roles set as one step.

A coder row is written the first time a person changes the project under their name; its role
("PI", "Research assistant") is how de-identified exports name them (their initials when empty).
Coders are not journalled (store/journal.py: a coder row may outlive an undone step), so a role
change cannot be undone: `set_coder_roles` marks its step unjournalled, and the window then says it
cannot be undone, as it does for any such step, instead of the change being rolled back as
"nothing changed"."""

from __future__ import annotations

from dataclasses import dataclass

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.wording import quoted

NOT_UNDOABLE = "coder roles are not part of the undo history"


@dataclass(frozen=True)
class CoderRow:
    id: int
    name: str
    role: str
    codings: int
    memos: int
    created: str


def coder_rows(project) -> list[CoderRow]:
    """Every coder with their role and how much of the project is theirs, by name."""
    db = project.db
    codings = dict(db.execute("SELECT coder_id, count(*) FROM codings GROUP BY coder_id").fetchall())
    memos = dict(db.execute("SELECT coder_id, count(*) FROM memos WHERE coder_id IS NOT NULL "
                            "GROUP BY coder_id").fetchall())
    return [CoderRow(cid, name, role, codings.get(cid, 0), memos.get(cid, 0), created)
            for cid, name, role, created in db.execute(
                "SELECT id, name, role, created FROM coders ORDER BY name COLLATE NOCASE")]


def set_coder_roles(project, roles: dict[str, str]) -> int:
    """Set several coders' roles (name -> role, '' for initials) in one transaction; returns how
    many changed. Refused as a whole (nothing written) if a coder is unknown or a role too long."""
    current = project.coder_roles()
    wanted = {name: " ".join(str(role).split()) for name, role in roles.items()}
    for name in wanted:
        if name not in current:
            raise InvalidValueError(f"no coder named {quoted(name)} in this project")
    changed = {name: role for name, role in wanted.items() if current[name] != role}
    if not changed:
        return 0
    with project.write("coder roles", roles=changed), project.unjournalled(NOT_UNDOABLE):
        for name, role in changed.items():
            project.set_coder_role(name, role)  # checks the length; joins this transaction
    return len(changed)

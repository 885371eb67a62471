"""A de-identified copy of a project: a NEW file for sharing a data set; the original never changes.

The copy is taken with SQLite's backup API from the project as it is open (read-only is enough),
then, in the copy only and in one transaction: every document text has the pseudonym table's
replacements applied (core/deidentify.py) and its codings, turns and participant links are moved
exactly by the edit machinery (core/text_edits.py, store/text_edits.py), with a version row per
changed text; document, participant, speaker and source names, memos and the project name are
rewritten the same way; attributes marked identifying are dropped with their values; coders are
renamed to their role or initials; the pseudonym table itself (real names beside their
pseudonyms), linked recordings' paths and the audit trail are left out. The file is then vacuumed
so that no freed page still holds an original text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.deidentify import Rule, coder_alias, compile_rules, find_with
from npmdesk.core.text_edits import apply_edits
from npmdesk.store.database import save_copy
from npmdesk.store.documents import count_words
from npmdesk.store.output_paths import check_output_path
from npmdesk.store.text_edits import TextEditsMixin, record_version


@dataclass(frozen=True)
class CopyReport:
    path: Path
    documents_changed: int
    replacements: int
    codings_moved: int
    codings_removed: int
    attributes_dropped: tuple[str, ...]

    def summary(self) -> str:
        dropped = ", ".join(self.attributes_dropped) or "none"
        return (f"{self.replacements} replacement{'s' * (self.replacements != 1)} in "
                f"{self.documents_changed} document{'s' * (self.documents_changed != 1)}; "
                f"{self.codings_moved} codings moved, {self.codings_removed} removed; "
                f"identifying attributes left out: {dropped}")


def copy_rules(project, coder_names: str = "role") -> list[Rule]:
    """The pseudonym table's rules, plus identifying attributes' text values as "[attribute]"
    and coder names as their role or initials (or as `coder_names` asks; core/deidentify.coder_alias):
    the one rule set the de-identified copy and every de-identified export apply."""
    rules = list(project.pseudonym_rules())
    known = {" ".join(r.term.split()).casefold() for r in rules}
    keep = {p.term.casefold() for p in project.pseudonyms() if p.action != "replace"}

    def add(term: str, replacement: str, shortest: int = 3) -> None:
        key = " ".join(term.split()).casefold()
        if len(key) >= shortest and key not in known and key not in keep and term != replacement:
            known.add(key)
            rules.append(Rule(term, replacement))

    for value, attr in project.db.execute(
            "SELECT DISTINCT ca.value, a.name FROM case_attributes ca JOIN attributes a ON a.id = ca.attribute_id "
            "WHERE a.identifying = 1 AND a.type = 'text' AND ca.value IS NOT NULL"):
        if isinstance(value, str):
            add(value.strip(), f"[{attr}]")
    for name, role in project.coder_roles().items():
        add(name, coder_alias(name, role, coder_names), shortest=1)
    return rules


def save_deidentified_copy(project, target: str | Path, progress: Callable[[int, int], bool] | None = None,
                           coder_names: str = "role") -> CopyReport:
    """Write the de-identified copy of `project` to `target` (a new file; never over a project).
    `progress(done, total)` returning False cancels (the partial file is removed)."""
    target = Path(target)
    rules = copy_rules(project, coder_names)
    check_output_path(target, [project.path])  # never over the project, nor over another one
    tmp = target.with_name(target.name + ".deidentifying")
    tmp.unlink(missing_ok=True)
    save_copy(project.db.conn, tmp)
    try:
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            report = _rewrite(conn, rules, target, progress, coder_names)
        finally:
            conn.close()
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return report


class _Cancelled(Exception):
    pass


def _rewrite(conn: sqlite3.Connection, rules: list[Rule], target: Path,
             progress: Callable[[int, int], bool] | None, coder_names: str = "role") -> CopyReport:
    pattern, folded = compile_rules(rules)

    def scrub(text: str) -> str:
        if pattern is None or not text:
            return text
        reps = find_with(text, pattern, folded)
        return apply_edits(text, reps)[0] if reps else text

    mover = TextEditsMixin()
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("BEGIN IMMEDIATE")
    changed = replacements = moved = removed = 0
    docs = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    try:
        for k, doc_id in enumerate(docs):
            if progress is not None and not progress(k, len(docs)):
                raise _Cancelled
            text = conn.execute("SELECT text FROM document_texts WHERE document_id = ?", (doc_id,)).fetchone()[0]
            reps = find_with(text, pattern, folded) if pattern is not None else []
            if not reps:
                continue
            new, mapping = apply_edits(text, reps)
            conn.execute("UPDATE document_texts SET text = ? WHERE document_id = ?", (new, doc_id))
            conn.execute("UPDATE documents SET length = ?, words = ? WHERE id = ?",
                         (len(new), count_words(new), doc_id))
            m, r = mover._move_codings(conn, doc_id, text, mapping)
            mover._move_turns(conn, doc_id, mapping)
            mover._sync_coding_cases(conn, doc_id)
            record_version(conn, doc_id, text, new, "de-identified copy", None)
            changed += 1
            replacements += len(reps)
            moved += len(m)
            removed += len(r)
        _rename(conn, "documents", "name", scrub)
        _rename(conn, "cases", "name", scrub)
        for table, column in (("documents", "source_name"), ("documents", "source_creator"), ("memos", "text"),
                              ("speakers", "name")):
            for rid, value in conn.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
                if isinstance(value, str) and scrub(value) != value:
                    conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (scrub(value), rid))
        name = conn.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
        if name and isinstance(name[0], str):
            conn.execute("UPDATE meta SET value = ? WHERE key = 'name'", (scrub(name[0]),))
        dropped = tuple(r[0] for r in conn.execute("SELECT name FROM attributes WHERE identifying = 1 ORDER BY name"))
        conn.execute("DELETE FROM case_attributes "
                     "WHERE attribute_id IN (SELECT id FROM attributes WHERE identifying = 1)")
        conn.execute("DELETE FROM attributes WHERE identifying = 1")
        coders = {cid: coder_alias(cname, role, coder_names)
                  for cid, cname, role in conn.execute("SELECT id, name, role FROM coders")}
        _rename(conn, "coders", "name", lambda n: n, wanted=coders)
        conn.execute("DELETE FROM pseudonyms")
        conn.execute("DELETE FROM media")
        conn.execute("DELETE FROM audit")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("VACUUM")
    return CopyReport(target, changed, replacements, moved, removed, dropped)


def _rename(conn: sqlite3.Connection, table: str, column: str, scrub: Callable[[str], str], *,
            wanted: dict[int, str] | None = None) -> None:
    """Rewrite a UNIQUE name column, numbering names that now coincide ("[name] (2)")."""
    rows = conn.execute(f"SELECT id, {column} FROM {table} ORDER BY id").fetchall()
    if wanted is None:
        wanted = {rid: scrub(value) for rid, value in rows}
    if all(wanted[rid] == value for rid, value in rows):
        return
    taken: set[str] = set()
    final: dict[int, str] = {}
    for rid, _value in rows:
        name = base = wanted[rid].strip() or "[name]"
        n = 2
        while name.casefold() in taken:
            name, n = f"{base} ({n})", n + 1
        taken.add(name.casefold())
        final[rid] = name
    for rid, _value in rows:  # park first: the column is UNIQUE
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (f"\x00{rid}", rid))
    for rid, name in final.items():
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (name, rid))


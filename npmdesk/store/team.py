"""Team coding: a copy of the project for a co-coder, and merging coders' copies back, exactly.

A copy (`make_team_copy`) is the project file itself, copied through SQLite's backup API, with the
same documents (same GUIDs and text), participants and code tree; `blind=True` leaves out every
coding (with their memos and exemplar choices) and the history that would show them. Its meta
records what it was made from (`team.made_from`) and the codebook version (a hash of the code
tree), and it gets its own project GUID.

Merging (`plan_merge`, then `apply_merge` in one transaction; `merge_copies` does both after a
backup) reads each copy read-only and matches:

* documents by GUID, then by the hash of their stored text (so projects made independently from
  the same transcript files merge too). A document whose text differs, or that the project does
  not have, refuses the whole merge by name: nothing is merged;
* codes by GUID, then by path; codes only the copy has are added (listed in the report);
* coders by name, then by GUID; every coding keeps its coder, and a coding identical to one the
  same coder already has (document, code, span) collapses into it;
* memos by their target; a memo the project has too gets the copy's text appended unless it
  already contains it.

The text hash is computed from the stored text when needed (document text never changes in
place), so no column holds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from npmdesk.core.errors import BadInputError, CancelledError, InvalidValueError
from npmdesk.store.database import backup_copy, new_guid, now
from npmdesk.store.output_paths import check_output_path, same_file

MADE_FROM = "team.made_from"
CODEBOOK_VERSION = "team.codebook_version"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_hashes(db) -> dict[int, str]:
    return {doc_id: text_hash(text) for doc_id, text in db.execute("SELECT document_id, text FROM document_texts")}


def codebook_version(project) -> str:
    """A short hash of the code tree (GUIDs, paths, colours, definitions): same tree, same version."""
    tree = [(c.guid, c.path, c.color, c.description) for c in project.codes()]
    return hashlib.sha256(json.dumps(tree, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def made_from(project) -> dict | None:
    row = project.db.execute("SELECT value FROM meta WHERE key = ?", (MADE_FROM,)).fetchone()
    try:
        return json.loads(row[0]) if row else None
    except ValueError:
        return None


# Copy for a co-coder -----------------------------------------------------------------------------

@dataclass
class CopyReport:
    path: str
    blind: bool
    documents: int
    codes: int
    codings: int
    codebook_version: str

    def to_json(self) -> dict:
        return dict(self.__dict__)


def make_team_copy(project, out: str | Path, *, blind: bool = False) -> CopyReport:
    """Write a copy of the project for a co-coder (a new file; never over a project)."""
    out = Path(out)
    check_output_path(out, [project.path])
    if out.exists():
        raise BadInputError(out, "a file of that name already exists; choose a new name for the copy")
    if not out.parent.is_dir():
        raise BadInputError(out, "the folder to write the copy in does not exist")
    version = codebook_version(project)
    origin = {"guid": _meta(project.db, "guid"), "name": project.name, "path": str(project.path), "made": now(),
              "by": project.coder_name, "blind": blind, "codebook_version": version}
    tmp = out.with_name(f".{out.name}.making")
    tmp.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            project.db.conn.backup(dest)
            dest.execute("PRAGMA foreign_keys = ON")
            dest.execute("BEGIN")
            if blind:
                dest.execute("DELETE FROM codings")  # their memos, cases and exemplar choices cascade
                dest.execute("DELETE FROM audit")  # the history names every coding's span
            dest.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                             [("guid", new_guid()), (MADE_FROM, json.dumps(origin, ensure_ascii=False)),
                              (CODEBOOK_VERSION, version)])
            dest.execute("INSERT INTO audit(at, coder_id, action, detail) VALUES (?, NULL, 'team copy', ?)",
                         (now(), json.dumps(origin, ensure_ascii=False)))
            dest.execute("COMMIT")
            counts = [dest.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("documents", "codes", "codings")]
        finally:
            dest.close()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return CopyReport(str(out), blind, *counts, version)


def _meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


# Reading a copy ---------------------------------------------------------------------------------

@dataclass
class CopyContents:
    path: str
    name: str
    made_from: dict | None
    documents: list[tuple]  # (guid, name, text hash, length)
    codes: list[tuple]  # (guid, path, parent guid, name, color, description), parents first
    coders: dict[int, tuple[str, str]]  # copy's coder id -> (name, guid)
    codings: list[tuple]  # (document guid, code guid, start, end, coder id, exemplar, created, guid)
    memos: list[tuple]  # (target, target guid or case name, text, coder id, created, modified, guid)
    cases: dict[str, str] = field(default_factory=dict)  # case guid -> name
    versions: dict[str, dict[str, int]] = field(default_factory=dict)  # document guid -> text hash -> version


def _versions(db) -> dict[str, dict[str, int]]:
    """document guid -> {text hash: version} from document_versions (every edit records one)."""
    out: dict[str, dict[str, int]] = {}
    try:
        rows = db.execute("SELECT d.guid, v.text_sha256, v.version FROM document_versions v "
                          "JOIN documents d ON d.id = v.document_id").fetchall()
    except sqlite3.OperationalError:  # a file without the table has no recorded versions
        return out
    for guid, h, version in rows:
        out.setdefault(guid, {})[h] = version
    return out


def read_copy(path: str | Path, coder: str) -> CopyContents:
    from npmdesk.store.project import Project  # the copy passes every check a project file does

    with Project.open(path, coder, read_only=True) as copy:
        db = copy.db
        docs = [(g, n, text_hash(t), ln) for g, n, t, ln in db.execute(
            "SELECT d.guid, d.name, dt.text, d.length FROM documents d "
            "JOIN document_texts dt ON dt.document_id = d.id")]
        guid_of = dict(db.execute("SELECT id, guid FROM codes").fetchall())
        codes = [(c.guid, c.path, guid_of.get(c.parent_id), c.name, c.color, c.description) for c in copy.codes()]
        coders = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, name, guid FROM coders")}
        codings = db.execute(
            "SELECT d.guid, co.guid, cg.start, cg.end, cg.coder_id, cg.exemplar, cg.created, cg.guid FROM codings cg "
            "JOIN documents d ON d.id = cg.document_id JOIN codes co ON co.id = cg.code_id").fetchall()
        memos = db.execute(
            "SELECT m.target, coalesce(d.guid, co.guid, ca.guid, cg.guid), m.text, m.coder_id, m.created, m.modified, "
            "m.guid FROM memos m LEFT JOIN documents d ON d.id = m.document_id LEFT JOIN codes co ON co.id = m.code_id "
            "LEFT JOIN cases ca ON ca.id = m.case_id LEFT JOIN codings cg ON cg.id = m.coding_id").fetchall()
        cases = dict(db.execute("SELECT guid, name FROM cases").fetchall())
        return CopyContents(str(path), copy.name, made_from(copy), docs, codes, coders, codings, memos, cases,
                            _versions(db))


# Planning and applying a merge ----------------------------------------------------------------

@dataclass
class MergePlan:
    copies: list[CopyContents]
    documents: list[dict[str, int]]  # per copy: copy's document guid -> project document id
    matched_by_text: list[int]


@dataclass
class CopyMerged:
    path: str
    documents: int
    matched_by_text: int
    coders: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> added / already_present
    codes_added: list[str] = field(default_factory=list)
    codes_matched_by_path: int = 0
    memos_added: int = 0
    memos_merged: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class MergeReport:
    copies: list[CopyMerged]
    backup: str | None = None

    @property
    def codings_added(self) -> int:
        return sum(v["added"] for c in self.copies for v in c.coders.values())

    def lines(self) -> list[str]:
        out = []
        for c in self.copies:
            how = f" ({c.matched_by_text} by their text)" if c.matched_by_text else ""
            out.append(f"{Path(c.path).name}: {c.documents} document(s) matched{how}")
            for name, n in c.coders.items():
                out.append(f"  {name}: {n['added']} coding(s) added, {n['already_present']} already present")
            if c.codes_added:
                out.append(f"  {len(c.codes_added)} new code(s): " + "; ".join(c.codes_added))
            if c.memos_added or c.memos_merged:
                out.append(f"  memos: {c.memos_added} added, {c.memos_merged} merged into existing ones")
            out += [f"  note: {n}" for n in c.notes]
        if self.backup:
            out.append(f"backup of the project before the merge: {self.backup}")
        return out

    def to_json(self) -> dict:
        return {"copies": [c.to_json() for c in self.copies], "codings_added": self.codings_added,
                "backup": self.backup}


def plan_merge(project, paths, coder: str | None = None) -> MergePlan:
    """Read the copies and match their documents; refuses (naming the document) before anything
    is written if any document cannot be matched exactly."""
    if not paths:
        raise InvalidValueError("name at least one coder's copy to merge")
    hashes = document_hashes(project.db)
    by_guid = {g: (i, n) for i, g, n in project.db.execute("SELECT id, guid, name FROM documents")}
    by_hash: dict[str, list[int]] = {}
    for doc_id, h in hashes.items():
        by_hash.setdefault(h, []).append(doc_id)
    names = {i: n for i, n in project.db.execute("SELECT id, name FROM documents")}
    project_versions = _versions(project.db)
    copies, maps, by_text = [], [], []
    for path in paths:
        if same_file(Path(path), Path(project.path)):
            raise InvalidValueError(f"{path} is the open project itself: merge another coder's copy into it")
        copy = read_copy(path, coder or project.coder_name)
        mapping: dict[str, int] = {}
        text_matches = 0
        for guid, name, h, _length in copy.documents:
            if guid in by_guid:
                doc_id = by_guid[guid][0]
                if hashes.get(doc_id) != h:
                    raise BadInputError(path, _differs(name, by_guid[guid][1], h, hashes[doc_id],
                                                       project_versions.get(guid, {}), copy.versions.get(guid, {})))
            else:
                candidates = by_hash.get(h, [])
                if not candidates:
                    raise BadInputError(path, f"document {name!r} is not in the project (no document has its GUID "
                                              "or its text). Nothing was merged")
                same_name = [d for d in candidates if names[d] == name]
                doc_id = (same_name or candidates)[0]
                text_matches += 1
            if doc_id in mapping.values():
                raise BadInputError(path, f"two documents of the copy match the project's {names[doc_id]!r}. "
                                          "Nothing was merged")
            mapping[guid] = doc_id
        copies.append(copy)
        maps.append(mapping)
        by_text.append(text_matches)
    return MergePlan(copies, maps, by_text)


def _differs(name: str, project_name: str, copy_hash: str, project_hash: str,
             project_versions: dict[str, int], copy_versions: dict[str, int]) -> str:
    """Why a document matched by GUID has other text: edited on one side since the copy, or not
    the same document at all (told apart by the versions each side recorded)."""
    if copy_hash in project_versions:
        now_v = max(project_versions.values())
        return (f"document {name!r} was edited in the project since the copy was made (the copy has version "
                f"{project_versions[copy_hash]}, the project version {now_v}): the copy's codings would land on "
                "other words. Nothing was merged; code the current text in a new copy, or merge into a project "
                "restored from a backup of that version")
    if project_hash in copy_versions:
        return (f"document {name!r} was edited in the copy since it was made (version {copy_versions[project_hash]} "
                f"is the project's text, the copy has version {max(copy_versions.values())}). Nothing was merged; "
                "edit the project's document the same way first, or merge without that edit")
    return (f"document {name!r} is a different document from the project's {project_name!r}: the same GUID but "
            "another text, and neither text is a recorded version of the other. Nothing was merged")


# A merge larger than this is done unjournalled: its journal would cost as much as the merge itself.
# It cannot be undone (the window says so); the backup taken first restores the project.
UNDOABLE_MERGE_CODINGS = 20_000
PROGRESS_CHUNK = 5_000


def apply_merge(project, plan: MergePlan, progress=None) -> MergeReport:
    """Write the plan's codes, codings and memos as one transaction (one step): undoable up to
    UNDOABLE_MERGE_CODINGS codings, above that unjournalled and not undoable.

    `progress(done, total)` is called as codings are written; returning False cancels, which
    raises CancelledError inside the transaction, so nothing of the merge is kept."""
    total = sum(len(copy.codings) for copy in plan.copies)
    with project.write("merge coder copies", copies=[c.path for c in plan.copies]):
        if total > UNDOABLE_MERGE_CODINGS:
            with project.unjournalled(f"a merge of {total:,} codings cannot be undone; the backup taken "
                                      "before it restores the project"):
                return _apply_merge(project, plan, progress, total)
        return _apply_merge(project, plan, progress, total)


def _apply_merge(project, plan: MergePlan, progress, total: int) -> MergeReport:
    """Write the plan's codes, codings and memos as one transaction (one undoable step)."""
    report = MergeReport([])
    version = codebook_version(project)
    ticker = _Ticker(progress, total)
    with project.write() as c:
        for copy, docs, by_text in zip(plan.copies, plan.documents, plan.matched_by_text):
            merged = CopyMerged(copy.path, len(docs), by_text)
            made = (copy.made_from or {}).get("codebook_version")
            if made and made != version:
                merged.notes.append(f"the copy was made with codebook version {made}; the project's is now "
                                    f"{version} (codes were added, renamed or moved since)")
            codes = _merge_codes(c, copy, merged)
            coders = _merge_coders(project, c, copy)
            codings = _merge_codings(project, c, copy, docs, codes, coders, merged, ticker)
            _merge_memos(project, c, copy, docs, codes, coders, codings, merged)
            report.copies.append(merged)
    ticker.tick(0)
    return report


class _Ticker:
    def __init__(self, progress, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def tick(self, n: int) -> None:
        self.done += n
        if self.progress is not None and self.progress(self.done, self.total) is False:
            raise CancelledError("the merge was cancelled: nothing was merged")


def merge_copies(project, paths, *, backup: bool = True) -> MergeReport:
    """Plan, back the project up, then merge in one transaction: all or nothing. Not inside
    another step (the backup is taken before the transaction): the window plans and backs up
    first, then runs `apply_merge` as its step."""
    if backup and getattr(project, "_depth", 0):
        raise RuntimeError("merge_copies backs the project up first; inside a step use plan_merge, "
                           "backup_before_merge and apply_merge")
    plan = plan_merge(project, paths)
    copy_path = backup_before_merge(project) if backup else None
    report = apply_merge(project, plan)
    report.backup = str(copy_path) if copy_path else None
    return report


def backup_before_merge(project) -> Path:
    """A copy of the project in its backups folder, taken outside any transaction."""
    return backup_copy(project.db.conn, Path(project.path), "before-merge")


def _merge_codes(c, copy: CopyContents, merged: CopyMerged) -> dict[str, int]:
    """copy's code guid -> project code id, adding the codes the project lacks (parents first)."""
    by_guid = dict(c.execute("SELECT guid, id FROM codes").fetchall())
    out: dict[str, int] = {}
    for guid, path, parent_guid, name, color, description in copy.codes:
        if guid in by_guid:
            out[guid] = by_guid[guid]
            continue
        parent = out.get(parent_guid) if parent_guid else None
        row = c.execute("SELECT id FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) AND name = ?",
                        (parent, name)).fetchone()
        if row:
            out[guid] = row[0]
            merged.codes_matched_by_path += 1
            continue
        position = c.execute("SELECT ifnull(max(position), -1) + 1 FROM codes WHERE ifnull(parent_id, 0) = "
                             "ifnull(?, 0)", (parent,)).fetchone()[0]
        out[guid] = c.execute(
            "INSERT INTO codes(parent_id, name, color, description, position, guid, created) VALUES (?,?,?,?,?,?,?)",
            (parent, name, color, description, position, guid, now())).lastrowid
        by_guid[guid] = out[guid]
        merged.codes_added.append(path)
    return out


def _merge_coders(project, c, copy: CopyContents) -> dict[int, int]:
    by_guid = dict(c.execute("SELECT guid, id FROM coders").fetchall())
    by_name = dict(c.execute("SELECT name, id FROM coders").fetchall())
    out = {}
    for copy_id, (name, guid) in copy.coders.items():
        if name in by_name:  # a coder is who they say they are (Project opens by coder name)
            out[copy_id] = by_name[name]
        elif guid in by_guid:
            out[copy_id] = by_guid[guid]
        else:
            out[copy_id] = project.ensure_coder(name, None if guid in by_guid else guid)
    return out


def _merge_codings(project, c, copy, docs, codes, coders, merged: CopyMerged, ticker: _Ticker) -> dict[str, int]:
    """Insert the copy's codings; returns copy coding guid -> project coding id (for memos)."""
    lengths = dict(c.execute("SELECT id, length FROM documents").fetchall())
    taken = {r[0] for r in c.execute("SELECT guid FROM codings")}
    before = c.execute("SELECT ifnull(max(id), 0) FROM codings").fetchone()[0]
    by_coder: dict[int, list[tuple]] = {}
    wanted: dict[str, tuple] = {}
    for doc_guid, code_guid, start, end, coder, exemplar, created, guid in copy.codings:
        doc_id, code_id, coder_id = docs[doc_guid], codes[code_guid], coders[coder]
        if not 0 <= start < end <= lengths[doc_id]:
            raise BadInputError(copy.path, f"a coding [{start}, {end}) lies outside its document. Nothing was merged")
        new_guid_ = guid if guid not in taken else new_guid()
        taken.add(new_guid_)
        by_coder.setdefault(coder_id, []).append(
            (doc_id, code_id, start, end, coder_id, int(exemplar), created, new_guid_))
        wanted[guid] = (doc_id, code_id, start, end, coder_id)
    names = dict(c.execute("SELECT id, name FROM coders").fetchall())
    for coder_id, rows in by_coder.items():
        n = 0
        for k in range(0, len(rows), PROGRESS_CHUNK):
            chunk = rows[k:k + PROGRESS_CHUNK]
            n += c.executemany("INSERT OR IGNORE INTO codings(document_id, code_id, start, end, coder_id, exemplar, "
                               "created, guid) VALUES (?,?,?,?,?,?,?,?)", chunk).rowcount
            ticker.tick(len(chunk))
        merged.coders[names[coder_id]] = {"added": n, "already_present": len(rows) - n}
    # Who the new codings speak for (CodingsMixin._assign_coding_cases, for many at once).
    c.execute("INSERT OR IGNORE INTO coding_cases(coding_id, case_id) SELECT DISTINCT cg.id, s.case_id FROM codings cg "
              "JOIN turns t ON t.document_id = cg.document_id AND t.start < cg.end AND t.end > cg.start "
              "JOIN speakers s ON s.id = t.speaker_id WHERE cg.id > ? AND s.case_id IS NOT NULL", (before,))
    c.execute("INSERT OR IGNORE INTO coding_cases(coding_id, case_id) SELECT cg.id, d.case_id FROM codings cg "
              "JOIN documents d ON d.id = cg.document_id WHERE cg.id > ? AND d.case_id IS NOT NULL "
              "AND NOT EXISTS (SELECT 1 FROM coding_cases cc WHERE cc.coding_id = cg.id)", (before,))
    if not copy.memos:
        return {}
    coded = [m[1] for m in copy.memos if m[0] == "coding" and m[1] in wanted]
    out = {}
    for guid in coded:
        row = c.execute("SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND end = ? "
                        "AND coder_id = ?", wanted[guid]).fetchone()
        if row:
            out[guid] = row[0]
    return out


_MEMO_COLUMN = {"document": "document_id", "code": "code_id", "case": "case_id", "coding": "coding_id"}


def _merge_memos(project, c, copy, docs, codes, coders, codings, merged: CopyMerged) -> None:
    cases_by_guid = dict(c.execute("SELECT guid, id FROM cases").fetchall())
    cases_by_name = dict(c.execute("SELECT name, id FROM cases").fetchall())
    taken = {r[0] for r in c.execute("SELECT guid FROM memos")}
    skipped = 0
    for target, target_guid, text, coder, created, modified, guid in copy.memos:
        if not text.strip():
            continue
        if target == "project":
            target_id = None
        elif target == "document":
            target_id = docs.get(target_guid)
        elif target == "code":
            target_id = codes.get(target_guid)
        elif target == "case":
            target_id = cases_by_guid.get(target_guid) or cases_by_name.get(copy.cases.get(target_guid))
        elif target == "coding":
            target_id = codings.get(target_guid)
        else:
            target_id = None
        if target not in ("project", *_MEMO_COLUMN) or (target != "project" and target_id is None):
            skipped += 1
            continue
        column = _MEMO_COLUMN.get(target)
        where, params = (f"{column} = ?", (target_id,)) if column else ("target = 'project'", ())
        existing = c.execute(f"SELECT id, text FROM memos WHERE {where}", params).fetchone()
        if existing:
            if text.strip() in existing[1]:
                continue
            c.execute("UPDATE memos SET text = ?, modified = ? WHERE id = ?",
                      (f"{existing[1]}\n\n{text}", now(), existing[0]))
            merged.memos_merged += 1
            continue
        memo_guid = guid if guid not in taken else new_guid()
        taken.add(memo_guid)
        cols = "target, text, coder_id, created, modified, guid" + (f", {column}" if column else "")
        vals = [target, text, coders.get(coder), created, modified, memo_guid] + ([target_id] if column else [])
        c.execute(f"INSERT INTO memos({cols}) VALUES ({','.join('?' * len(vals))})", vals)
        merged.memos_added += 1
    if skipped:
        merged.notes.append(f"{skipped} memo(s) on framework elements or on things the project lacks were not merged")

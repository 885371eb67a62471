"""The project's code tree and counts as plain data, shared by every view of the window.

The Qt tree model shows a catalog; it does not own one. The window keeps one catalog per open
project and refreshes it from each `Changes` record: the tree when codes changed, the counts of
just the codes a step touched (and their ancestors) when codings changed.
"""

from __future__ import annotations

from npmdesk.core.model import Code, CodeCounts

ZERO = CodeCounts(0, 0, 0)


class CodeCatalog:
    def __init__(self) -> None:
        self.codes: dict[int, Code] = {}
        self.children: dict[int | None, list[int]] = {None: []}
        self.own: dict[int, CodeCounts] = {}  # codings of the code itself
        self.total: dict[int, CodeCounts] = {}  # with its sub-codes

    def load(self, codes: list[Code], own: dict[int, CodeCounts], total: dict[int, CodeCounts]) -> None:
        children: dict[int | None, list[int]] = {None: []}
        for c in codes:
            children.setdefault(c.parent_id, []).append(c.id)
        self.codes = {c.id: c for c in codes}
        self.children = children
        self.own, self.total = dict(own), dict(total)

    def get(self, code_id: int | None) -> Code | None:
        return self.codes.get(code_id) if code_id is not None else None

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def ancestors_and_self(self, code_ids) -> set[int]:
        chain: set[int] = set()
        for cid in code_ids:
            while cid is not None and cid in self.codes and cid not in chain:
                chain.add(cid)
                cid = self.codes[cid].parent_id
        return chain

    def set_counts(self, own: dict[int, CodeCounts], total: dict[int, CodeCounts], own_ids, total_ids) -> None:
        """New counts for some codes (those not in the dicts now have none)."""
        for target, fresh, ids in ((self.own, own, own_ids), (self.total, total, total_ids)):
            for cid in ids:
                value = fresh.get(cid)
                if value is None or value == ZERO:
                    target.pop(cid, None)
                else:
                    target[cid] = value

    def child_named(self, parent_id: int | None, name: str) -> int | None:
        return next((cid for cid in self.children.get(parent_id, ()) if self.codes[cid].name == name), None)

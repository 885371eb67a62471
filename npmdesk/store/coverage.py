"""How much of each document is coded (the share of characters under at least one coding)."""

from __future__ import annotations


class CoverageMixin:
    def coded_shares(self, document_ids=None) -> dict[int, float]:
        """document id -> coded share in [0, 1] (documents without codings are absent).

        One ordered scan of the codings index; overlapping codings count once. `document_ids`
        limits it to those documents (after one coding, one document's share changes)."""
        where, params = "", ()
        if document_ids is not None:
            params = tuple(document_ids)
            where = f" WHERE document_id IN ({','.join('?' * len(params))})"
        lengths = {r[0]: r[1] for r in self.db.execute("SELECT id, length FROM documents")}
        covered: dict[int, int] = {}
        doc = reach = None
        total = 0
        for d, start, end in self.db.execute(f"SELECT document_id, start, end FROM codings{where} "
                                             "ORDER BY document_id, start", params):
            if d != doc:
                if doc is not None:
                    covered[doc] = total
                doc, reach, total = d, 0, 0
            if end > reach:
                total += end - max(start, reach)
                reach = end
        if doc is not None:
            covered[doc] = total
        return {d: min(1.0, n / lengths[d]) for d, n in covered.items() if lengths.get(d)}

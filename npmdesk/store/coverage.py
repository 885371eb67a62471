"""How much of each document is coded (the share of characters under at least one coding)."""

from __future__ import annotations

from npmdesk.store.counts_cache import cache_of
from npmdesk.store.base import StoreBase


class CoverageMixin(StoreBase):
    def coded_shares(self, document_ids=None) -> dict[int, float]:
        """document id -> coded share in [0, 1] (documents without codings are absent).

        Overlapping codings count once. Computed by one windowed pass over the codings index and
        then kept up to date per document changed (store/counts_cache.py); `document_ids` limits
        the answer to those documents."""
        return cache_of(self).coded_shares(document_ids)

"""Counting in parts on a connection of its own (store/counts_parts.py) and taking the count
(CountsCache.take): the same numbers as a full count, whatever was committed while it ran."""

from __future__ import annotations

import shutil

import pytest

from npmdesk.store import Project, counts_cache, counts_parts
from npmdesk.store.counts_cache import cache_of, covered_characters, full_counts, shares_from
from tests.ui.sample_project import build


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.npmdesk"
    build(path).close()
    shutil.rmtree(counts_cache.counts_dir(), ignore_errors=True)
    p = Project.open(path, "Ana")
    yield p
    p.close()


def truth(p):
    own, total = full_counts(p.db, False), full_counts(p.db, True)
    return ({c: [n.codings, n.documents, n.participants] for c, n in own.items()},
            {c: [n.codings, n.documents, n.participants] for c, n in total.items()},
            covered_characters(p.db), shares_from(p.db, covered_characters(p.db)))


def count(p, counted=None, took=None):
    conn = counts_parts.connect(p.path)
    try:
        if took is None or took.afresh:
            return counts_parts.count_parts(conn)
        return counts_parts.count_parts(conn, counted, took.documents, took.cases)
    finally:
        conn.close()


def settle(p, token, counted):
    """Take counts until one is adopted, as the window's background count does."""
    for _ in range(10):
        took = cache_of(p).take(token, counted)
        if took.adopted:
            return
        counted = count(p, counted, took)
    raise AssertionError("never adopted")


@pytest.mark.parametrize("part_codings", [1, 3, 20_000])
def test_parts_add_up_to_a_full_count(study, monkeypatch, part_codings):
    monkeypatch.setattr(counts_parts, "PART_CODINGS", part_codings)
    counted = count(study)
    assert counted.state == truth(study)
    cache = cache_of(study)
    cache._compute()
    assert counted.state == (cache.own, cache.agg, cache.covered, cache.shares)


def test_reads_while_pending_come_from_the_tables(study):
    token = cache_of(study).begin_background()
    assert counts_cache.pending(study) and not counts_cache.counts_ready(study)
    code = study.codes()[-1].id
    study.apply_coding(study.documents()[2].id, code, 0, 8)
    own, total, _, shares = truth(study)
    got = study.code_counts(code_ids=(code,))[code]
    assert [got.codings, got.documents, got.participants] == own[code]
    assert {c: [n.codings, n.documents, n.participants]
            for c, n in study.code_counts(with_descendants=True).items()} == total
    assert study.coded_shares() == shares
    counted = count(study)
    settle(study, token, counted)
    assert not counts_cache.pending(study)
    assert (cache_of(study).own, cache_of(study).agg) == truth(study)[:2]


def test_changes_while_counting_are_counted_again_part_by_part(study, monkeypatch):
    monkeypatch.setattr(counts_parts, "PART_CODINGS", 1)
    docs = [d.id for d in study.documents()]
    token = cache_of(study).begin_background()
    counted = count(study)  # read before the changes below: they are in no part yet
    leaf = next(c.id for c in study.codes() if c.parent_id is not None)
    study.apply_coding(docs[0], leaf, 2, 40)
    gone = study.db.execute("SELECT id FROM codings WHERE document_id = ? LIMIT 1", (docs[1],)).fetchone()[0]
    study.remove_coding(gone)
    took = cache_of(study).take(token, counted)
    assert not took.adopted and not took.afresh
    assert took.documents == {counted.document_part(docs[0]), counted.document_part(docs[1])}
    assert took.cases  # the participants of the codings added and removed
    counted = count(study, counted, took)
    assert cache_of(study).take(token, counted).adopted
    assert (cache_of(study).own, cache_of(study).agg, cache_of(study).covered, cache_of(study).shares) == truth(study)


@pytest.mark.parametrize("change", ["code moved", "another connection"])
def test_a_change_the_log_cannot_place_counts_every_part_afresh(study, change, tmp_path):
    token = cache_of(study).begin_background()
    counted = count(study)
    if change == "code moved":
        leaf = next(c for c in study.codes() if c.parent_id is not None)
        study.move_code(leaf.id, None, None)
    else:
        other = Project.open(study.path, "Bea")
        other.apply_coding(other.documents()[2].id, other.codes()[0].id, 0, 5)
        other.close()
    took = cache_of(study).take(token, counted)
    assert took.afresh
    settle(study, token, count(study))
    assert (cache_of(study).own, cache_of(study).agg) == truth(study)[:2]


def test_an_adopted_count_is_saved_for_the_file_as_it_is(study):
    token = cache_of(study).begin_background()
    settle(study, token, count(study))
    again = Project.open(study.path, "Ana", read_only=True)
    try:
        assert counts_cache.counts_ready(again)  # loaded, not counted
        assert cache_of(again).saved_key is not None
        assert {c: [n.codings, n.documents, n.participants] for c, n in again.code_counts().items()} == truth(again)[0]
    finally:
        again.close()


def test_a_superseded_count_is_not_taken(study):
    cache = cache_of(study)
    first = cache.begin_background()
    counted = count(study)
    second = cache.begin_background()
    assert cache.take(first, counted).stale
    cache.end_background(first)
    assert counts_cache.pending(study)  # the second count is still the one pending
    assert cache.take(second, counted).adopted


def test_changed_parts_can_be_counted_in_place_to_end_the_count(study, monkeypatch):
    """Coding faster than the changed parts are counted again elsewhere: they are counted here."""
    monkeypatch.setattr(counts_parts, "PART_CODINGS", 1)
    token = cache_of(study).begin_background()
    counted = count(study)
    study.apply_coding(study.documents()[0].id, study.codes()[-1].id, 1, 30)
    assert cache_of(study).take(token, counted, in_place=True).adopted
    assert not counts_cache.pending(study)
    assert (cache_of(study).own, cache_of(study).agg, cache_of(study).covered, cache_of(study).shares) == truth(study)

"""Agreement statistics against hand-worked cases and independent implementations (krippendorff,
irrCAC, scikit-learn: test-only dependencies)."""

from __future__ import annotations

import random

import pytest

from npmdesk.core.agreement import Table, bootstrap, measures, total
from npmdesk.core.agreement_units import (
    character_table,
    differences,
    document_table,
    merged,
    segment_pairs,
    segment_table,
)


def test_hand_worked_case():
    # 1,000 characters, each coder codes 100, 50 of them shared.
    t = character_table([[(0, 100)], [(50, 150)]], 1000)
    assert (t.both, t.only_a, t.only_b, t.neither) == (50, 50, 50, 850)
    m = measures(t)
    assert m["percent"] == pytest.approx(90.0)
    assert m["kappa"] == pytest.approx(0.08 / 0.18)  # p_e = 0.1·0.1 + 0.9·0.9 = 0.82
    assert round(m["kappa"], 3) == 0.444
    assert m["bp"] == pytest.approx(0.8)
    # Gwet: pi = 0.1, pe = 2 * 0.1 * 0.9 = 0.18
    assert m["ac1"] == pytest.approx((0.9 - 0.18) / 0.82)
    # Krippendorff: N = 2000, n1 = 200, n0 = 1800, 100 disagreeing units
    assert m["alpha"] == pytest.approx(1 - 1999 * 100 / (200 * 1800))


def test_identical_and_disjoint():
    same = measures(character_table([[(10, 60), (100, 140)], [(10, 60), (100, 140)]], 500))
    assert same["kappa"] == pytest.approx(1.0) and same["alpha"] == pytest.approx(1.0)
    assert same["percent"] == 100.0 and same["ac1"] == pytest.approx(1.0)
    apart = measures(character_table([[(0, 100)], [(200, 300)]], 1000))
    assert apart["kappa"] < 0 and apart["alpha"] < 0


def test_undefined_is_none():
    m = measures(Table.two(0, 0, 0, 1000))
    assert m["percent"] == 100.0 and m["kappa"] is None and m["alpha"] is None and m["ac1"] is not None


def _random_spans(rng, length, n):
    out = []
    for _ in range(n):
        s = rng.randrange(length - 5)
        out.append((s, min(length, s + rng.randint(1, 60))))
    return out


def _per_character(spans_by_coder, length):
    rows = []
    for spans in spans_by_coder:
        row = [0] * length
        for s, e in spans:
            for i in range(s, e):
                row[i] = 1
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_two_coders_against_references(seed):
    krippendorff = pytest.importorskip("krippendorff")
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    irr = pytest.importorskip("irrCAC.raw")
    pd = pytest.importorskip("pandas")
    rng = random.Random(seed)
    length = 700
    spans = [_random_spans(rng, length, rng.randint(3, 12)) for _ in range(2)]
    t = character_table(spans, length)
    ours = measures(t)
    a, b = _per_character(spans, length)
    assert ours["kappa"] == pytest.approx(sklearn_metrics.cohen_kappa_score(a, b), abs=1e-9)
    assert ours["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=[a, b],
                                                             level_of_measurement="nominal"), abs=1e-9)
    cac = irr.CAC(pd.DataFrame({"a": a, "b": b}), digits=12)
    assert ours["ac1"] == pytest.approx(cac.gwet()["est"]["coefficient_value"], abs=1e-9)
    assert ours["bp"] == pytest.approx(cac.bp()["est"]["coefficient_value"], abs=1e-9)
    assert ours["alpha"] == pytest.approx(cac.krippendorff()["est"]["coefficient_value"], abs=1e-9)
    assert ours["percent"] == pytest.approx(100 * sum(x == y for x, y in zip(a, b)) / length)


@pytest.mark.parametrize("coders", [3, 4])
def test_more_coders_against_references(coders):
    krippendorff = pytest.importorskip("krippendorff")
    irr = pytest.importorskip("irrCAC.raw")
    pd = pytest.importorskip("pandas")
    rng = random.Random(coders)
    length = 400
    spans = [_random_spans(rng, length, 8) for _ in range(coders)]
    ours = measures(character_table(spans, length))
    rows = _per_character(spans, length)
    assert ours["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=rows,
                                                             level_of_measurement="nominal"), abs=1e-9)
    cac = irr.CAC(pd.DataFrame({f"c{i}": r for i, r in enumerate(rows)}), digits=12)
    assert ours["kappa"] == pytest.approx(cac.fleiss()["est"]["coefficient_value"], abs=1e-9)
    assert ours["ac1"] == pytest.approx(cac.gwet()["est"]["coefficient_value"], abs=1e-9)
    assert ours["bp"] == pytest.approx(cac.bp()["est"]["coefficient_value"], abs=1e-9)


def test_tables_add_up_and_document_unit():
    t = total([Table.two(1, 2, 3, 4), Table.two(10, 0, 0, 5)])
    assert (t.both, t.only_a, t.only_b, t.neither) == (11, 2, 3, 9)
    d = document_table([[(0, 5)], []])
    assert (d.both, d.only_a, d.only_b, d.neither) == (0, 1, 0, 0)


def test_segments_pair_one_to_one_by_overlap():
    a = [(0, 100), (200, 300)]
    b = [(10, 100), (250, 300), (500, 520)]
    assert segment_pairs(a, b, 0.8) == [((0, 100), (10, 100))]  # 90/100 shared; 50/100 too little
    t = segment_table(a, b, 0.8)
    assert (t.both, t.only_a, t.only_b, t.neither) == (1, 1, 2, 0)
    assert segment_table(a, b, 0.5).both == 2


def test_differences_kinds():
    diff, same = differences([(0, 10), (20, 30), (50, 60)], [(0, 10), (22, 30), (70, 80)])
    kinds = [(d.start, d.end, d.kind) for d in diff]
    assert kinds == [(20, 30, "boundaries"), (50, 60, "only_a"), (70, 80, "only_b")]
    assert [s[:2] for s in same] == [(0, 10)]
    assert merged([(5, 9), (0, 5), (20, 30), (25, 26)]) == [(0, 9), (20, 30)]


def test_bootstrap_interval_brackets_the_estimate():
    rng = random.Random(5)
    clusters = []
    for _ in range(30):
        both = rng.randint(20, 40)
        clusters.append(Table.two(both, rng.randint(0, 10), rng.randint(0, 10), rng.randint(200, 400)))
    point = measures(total(clusters))
    ci = bootstrap(clusters, replicates=400)
    for name in ("kappa", "alpha", "ac1", "percent"):
        lo, hi = ci[name]
        assert lo <= point[name] <= hi
    assert bootstrap(clusters[:1])["kappa"] is None  # one cluster: no interval

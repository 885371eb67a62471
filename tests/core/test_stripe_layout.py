"""The margin's stripe layout: every code gets a column, columns are reused when codes do not meet."""

from __future__ import annotations

import random

from npmdesk.core.stripe_layout import (
    assign_columns,
    coder_initials,
    columns_needed,
    density,
    layout_stripes,
    merge_runs,
    stripe_width,
)


def test_merge_runs_unites_overlapping_and_touching_intervals_per_key():
    runs = merge_runs([("a", 10, 20), ("a", 15, 30), ("a", 30, 40), ("a", 50, 60), ("b", 0, 5)])
    assert runs == {"a": [(10, 40), (50, 60)], "b": [(0, 5)]}


def test_codes_that_do_not_overlap_share_a_column():
    runs = merge_runs([("a", 0, 20), ("b", 40, 60), ("c", 10, 50), ("d", 20, 40)])
    for resolution in (None, 1):
        cols = assign_columns(runs, ["a", "b", "c", "d"], resolution=resolution)
        assert cols["a"] == cols["b"] == cols["d"] == 0  # a, d and b never meet vertically (d touches)
        assert cols["c"] == 1  # c overlaps them


def test_every_key_gets_a_column_and_overlapping_keys_never_share_one():
    rng = random.Random(7)
    for _ in range(200):
        intervals = []
        for k in range(rng.randint(1, 30)):
            for _ in range(rng.randint(1, 3)):
                top = rng.uniform(0, 700)
                intervals.append((k, top, top + rng.uniform(1, 200)))
        runs = merge_runs(intervals)
        exact = assign_columns(runs, sorted(runs), min_extent=30)
        pixels = assign_columns(runs, sorted(runs), min_extent=30, resolution=1)
        for cols in (exact, pixels):
            assert set(cols) == set(runs)
            for a in runs:
                for b in runs:
                    if a < b and cols[a] == cols[b]:
                        for ta, ba in runs[a]:
                            for tb, bb in runs[b]:
                                assert max(ba, ta + 30) <= tb or max(bb, tb + 30) <= ta, (a, b)
        assert max(pixels.values()) <= max(exact.values()) + 2  # rounding costs a column at most rarely


def test_order_decides_who_gets_the_first_column():
    runs = merge_runs([("late", 0, 100), ("early", 0, 100)])
    assert assign_columns(runs, ["early", "late"]) == {"early": 0, "late": 1}
    assert assign_columns(runs, ["late", "early"]) == {"late": 0, "early": 1}


def test_min_extent_keeps_room_for_a_short_stripes_label():
    runs = merge_runs([("a", 0, 10), ("b", 20, 40)])
    assert assign_columns(runs, ["a", "b"])["b"] == 0  # no room asked: b follows a in column 0
    assert assign_columns(runs, ["a", "b"], min_extent=50)["b"] == 1


def test_a_key_whose_own_runs_are_close_stays_in_one_column():
    runs = merge_runs([("a", 0, 10), ("a", 15, 25), ("b", 100, 120)])
    assert assign_columns(runs, ["a", "b"], min_extent=50) == {"a": 0, "b": 0}


def test_layout_labels_each_run_and_bounds_the_label_by_the_next_run_in_its_column():
    layout = layout_stripes([("a", -50, 40), ("b", 100, 150), ("c", 0, 300)], ["a", "b", "c"],
                            view_top=0, view_bottom=600, min_extent=20)
    assert layout.columns == 2
    by_key = {r.key: r for r in layout.runs}
    assert by_key["a"].column == by_key["b"].column == 0
    assert by_key["a"].label_top == 0  # a run begun above the screen is labelled at the screen's top
    assert by_key["a"].label_room == 100  # up to b's top
    assert by_key["b"].label_room == 500  # to the bottom of the screen
    assert by_key["c"].column == 1


def test_stripes_narrow_before_they_scroll():
    assert stripe_width(5, area=100, lane=12) == 5  # 5 * 17 = 85
    assert stripe_width(6, area=100, lane=12) == 4  # 6 * 16 = 96
    assert stripe_width(7, area=105, lane=12) == 3  # 7 * 15 = 105
    assert stripe_width(30, area=105, lane=12) == 3  # no fit: narrowest, and the margin scrolls


def test_density_counts_distinct_codes_per_line():
    lines = [(0, 10), (10, 20), (20, 30), (30, 40)]
    runs = merge_runs([("a", 0, 20), ("b", 10, 40), ("c", 12, 18), ("c", 30, 35)])
    assert density(lines, runs) == [1, 3, 1, 2]


def test_coder_initials_are_short_and_distinct():
    assert coder_initials({1: "Ana Lopez", 2: "ben", 3: "Consensus"}) == {1: "AL", 2: "Be", 3: "Co"}
    two = coder_initials({1: "Ana Lopez", 2: "Alan Lee"})
    assert len(set(two.values())) == 2 and all(len(v) <= 4 for v in two.values())
    same = coder_initials({1: "Ana", 2: "Ana"})
    assert len(set(same.values())) == 2


def test_a_run_close_below_its_own_codes_run_is_not_labelled_again():
    layout = layout_stripes([("a", 0, 20), ("a", 30, 50), ("b", 200, 240), ("a", 400, 420)], ["a", "b"],
                            view_top=0, view_bottom=600, min_extent=48)
    rooms = [(r.key, r.top, r.label_room) for r in layout.runs]
    assert rooms == [("a", 0, 200), ("a", 30, 0), ("b", 200, 200), ("a", 400, 200)]


def test_columns_needed_for_a_document_is_capped():
    assert columns_needed([], [], 1, cap=8) == 0
    assert columns_needed([("a", 0, 1), ("b", 5, 6)], ["a", "b"], 2, cap=8) == 1
    many = [(k, 0, 3) for k in range(20)]
    assert columns_needed(many, list(range(20)), 2, cap=8) == 8

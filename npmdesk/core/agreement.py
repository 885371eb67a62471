"""Intercoder agreement statistics for coded / not coded decisions, in pure Python.

Every measure here starts from a `Table`: how many units (characters, segments or documents)
were coded by exactly k of the m coders (`hist[k]`), and how many each coder coded (`yes`). For
two coders that is the familiar 2×2 table: `both`, `only_a`, `only_b`, `neither`. Tables add up,
so a code's table is the sum of its documents' and the pooled table is the sum of every code's.

Measures (two categories, coded and not coded; no missing values):

* percent agreement: the share of units on which the coders agree (for m coders, the share of
  agreeing coder pairs per unit, averaged: Fleiss' p_o);
* Cohen's κ (two coders): chance agreement is the sum of both coders' chance of agreeing on
  "coded" and on "not coded", p_e = p_A·p_B + (1−p_A)(1−p_B) — not p(yes)·p(no). For more coders
  `kappa` is Fleiss' κ (p_e = Σ p_c² over the pooled category shares);
* Krippendorff's α (nominal), from the coincidence matrix: 1 − (N−1)·D_o / Σ_{c≠k} n_c n_k;
* Brennan–Prediger: chance agreement 1/q, q = 2 categories;
* Gwet's AC1: chance agreement Σ π_c(1−π_c)/(q−1) over the pooled category shares.

A measure that is undefined on a table (every unit "not coded": chance agreement is 1) is None,
never a made-up 0 or 1. Confidence intervals are percentile bootstraps over clusters (documents
for a code's row), since neighbouring characters are not independent draws.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from operator import itemgetter

MEASURES = ("percent", "kappa", "alpha", "bp", "ac1")
MEASURE_NAMES = {
    "percent": "percent agreement",
    "kappa": "Cohen's κ",
    "alpha": "Krippendorff's α (nominal)",
    "bp": "Brennan–Prediger",
    "ac1": "Gwet's AC1",
}
CATEGORIES = 2  # coded, not coded


@dataclass(frozen=True)
class Table:
    """Units coded by exactly k of m coders (hist[k]) and by each coder (yes[i])."""

    hist: tuple[int, ...]
    yes: tuple[int, ...]

    @classmethod
    def two(cls, both: int, only_a: int, only_b: int, neither: int) -> Table:
        return cls((neither, only_a + only_b, both), (both + only_a, both + only_b))

    @classmethod
    def empty(cls, coders: int = 2) -> Table:
        return cls((0,) * (coders + 1), (0,) * coders)

    @property
    def coders(self) -> int:
        return len(self.yes)

    @property
    def n(self) -> int:
        return sum(self.hist)

    @property
    def both(self) -> int:
        return self.hist[-1]

    @property
    def neither(self) -> int:
        return self.hist[0]

    @property
    def only_a(self) -> int:
        return self.yes[0] - self.hist[-1] if self.coders == 2 else 0

    @property
    def only_b(self) -> int:
        return self.yes[1] - self.hist[-1] if self.coders == 2 else 0

    def __add__(self, other: Table) -> Table:
        return Table(tuple(a + b for a, b in zip(self.hist, other.hist)),
                     tuple(a + b for a, b in zip(self.yes, other.yes)))

    def counts(self) -> dict[str, int]:
        if self.coders == 2:
            return {"both": self.both, "only_a": self.only_a, "only_b": self.only_b, "neither": self.neither}
        return {"all": self.both, "some": self.n - self.both - self.neither, "neither": self.neither}


def total(tables) -> Table:
    it = iter(tables)
    first = next(it, None)
    if first is None:
        return Table.empty()
    hist, yes = list(first.hist), list(first.yes)
    for t in it:
        for i, v in enumerate(t.hist):
            hist[i] += v
        for i, v in enumerate(t.yes):
            yes[i] += v
    return Table(tuple(hist), tuple(yes))


# Measures -----------------------------------------------------------------------------------------

def measures(t: Table) -> dict[str, float | None]:
    """Every measure of one table (None where undefined)."""
    return _measures(t.hist, t.yes)


def _measures(hist, yes) -> dict[str, float | None]:
    m = len(yes)
    n = sum(hist)
    out: dict[str, float | None] = dict.fromkeys(MEASURES)
    if n == 0 or m < 2:
        return out
    # Agreeing pairs per unit: k coders said yes, m-k said no.
    pairs = m * (m - 1)
    po = sum(h * (k * (k - 1) + (m - k) * (m - k - 1)) for k, h in enumerate(hist)) / (n * pairs)
    out["percent"] = 100.0 * po
    ones = sum(k * h for k, h in enumerate(hist))  # "coded" values over all units and coders
    big_n = n * m
    pi1 = ones / big_n
    pi0 = 1.0 - pi1
    if m == 2:
        pa, pb = yes[0] / n, yes[1] / n
        pe_kappa = pa * pb + (1 - pa) * (1 - pb)
    else:
        pe_kappa = pi1 * pi1 + pi0 * pi0  # Fleiss
    out["kappa"] = _chance_corrected(po, pe_kappa)
    out["bp"] = (po - 1 / CATEGORIES) / (1 - 1 / CATEGORIES)
    out["ac1"] = _chance_corrected(po, (pi1 * pi0 + pi0 * pi1) / (CATEGORIES - 1))
    zeros = big_n - ones
    if ones and zeros and big_n > 1:
        # Disagreeing value pairs within units, each unit's pairs weighted 1/(m-1).
        disagreeing = sum(h * k * (m - k) for k, h in enumerate(hist)) / (m - 1)
        out["alpha"] = 1.0 - (big_n - 1) * disagreeing / (ones * zeros)
    return out


def _chance_corrected(po: float, pe: float) -> float | None:
    if math.isclose(pe, 1.0, abs_tol=1e-12):
        return None
    return (po - pe) / (1 - pe)


# Bootstrap --------------------------------------------------------------------------------------

def bootstrap(clusters: list[Table], replicates: int = 1000, seed: int = 15,
              level: float = 0.95) -> dict[str, tuple[float, float] | None]:
    """Percentile bootstrap intervals of every measure, resampling whole clusters with
    replacement (at least two are needed; otherwise every interval is None)."""
    out: dict[str, tuple[float, float] | None] = dict.fromkeys(MEASURES)
    k = len(clusters)
    if k < 2 or replicates < 10:
        return out
    m = clusters[0].coders
    hist_cols = [[c.hist[i] for c in clusters] for i in range(m + 1)]
    yes_cols = [[c.yes[i] for c in clusters] for i in range(m)]
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {name: [] for name in MEASURES}
    population = range(k)
    for _ in range(replicates):
        pick = itemgetter(*rng.choices(population, k=k))
        hist = [sum(pick(col)) for col in hist_cols]
        yes = [sum(pick(col)) for col in yes_cols]
        for name, value in _measures(hist, yes).items():
            if value is not None:
                draws[name].append(value)
    tail = (1 - level) / 2
    for name, values in draws.items():
        if len(values) < replicates / 2:
            continue  # undefined in most resamples: no honest interval
        values.sort()
        out[name] = (_quantile(values, tail), _quantile(values, 1 - tail))
    return out


def _quantile(sorted_values: list[float], q: float) -> float:
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)

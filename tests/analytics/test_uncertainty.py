"""Rank distributions and stability on hand-made panels."""

import numpy as np
import pytest

from panels import make_panel
from scipy.stats import binom, norm

from simsuite.analytics.uncertainty import (interval_se, quantile_interval, rank_distribution, rank_probabilities,
                                            stability, wilson_interval)


def test_rank_distribution_by_hand():
    # unit 1 is first in 3 of 4 years, unit 2 in 1 of 4
    rank = np.array([[1, 2, 3], [1, 2, 3], [1, 3, 2], [2, 1, 3]])
    award = np.where(rank == 1, "先进", "").astype(object)
    d = rank_distribution(make_panel(rank, award=award)).set_index("unit_id")
    assert d.loc["001", "p_first"] == 0.75 and d.loc["002", "p_first"] == 0.25
    assert d.loc["001", "p_先进"] == 0.75
    assert d.loc["001", "mean_rank"] == pytest.approx(1.25)
    assert d.loc["003", "median_rank"] == 3
    # Wilson, 3 of 4 with z = 1.96: centre (0.75 + z²/8) / (1 + z²/4) = 0.6275,
    # half-width z / (1 + z²/4) · √(0.75·0.25/4 + z²/64) = 0.3269; SE = 0.3269 / 1.96
    assert d.loc["001", "p_first_lo"] == pytest.approx(0.6275 - 0.3269, abs=1e-4)
    assert d.loc["001", "p_first_hi"] == pytest.approx(0.6275 + 0.3269, abs=1e-4)
    assert d.loc["001", "p_first_se"] == pytest.approx(0.3269 / 1.96, abs=1e-4)
    assert d.loc["003", "p_bottom3"] == 1.0  # three units: everyone is in the bottom three ...
    assert "p_bottom3" in d.loc["003", "fixed"].split(", ")  # ... by construction, not as a finding


def test_rank_probabilities_sum_to_one_per_unit():
    rng = np.random.default_rng(1)
    rank = np.argsort(rng.random((50, 6)), axis=1) + 1
    p = rank_probabilities(make_panel(rank))
    assert p.groupby("unit_id")["probability"].sum().tolist() == pytest.approx([1.0] * 6)
    assert p.loc[(p.unit_id == "002") & (p["rank"] == 4), "probability"].item() == pytest.approx((rank[:, 1] == 4).mean())


def test_stability_pairs_replicates():
    # years alternate between two rankings of 4 units that swap the top two:
    # each pair of years moves units 1 and 2 by one place, units 3 and 4 by none
    rank = np.array([[1, 2, 3, 4], [2, 1, 3, 4]] * 3)
    s = stability(make_panel(rank, quality=[0.9, 0.5, 0.4, 0.1])).iloc[0]
    assert s["expected_rank_shift"] == pytest.approx(0.5)
    assert s["relative_rank_shift"] == pytest.approx(0.125)
    assert s["p_top_is_best"] == pytest.approx(0.5)


def test_a_shared_first_place_counts_as_a_draw():
    rank = np.array([[1, 1, 3]])
    s = stability(make_panel(rank, quality=[0.9, 0.5, 0.1])).iloc[0]
    assert s["p_top_is_best"] == 0.5


def test_a_probability_of_0_or_1_keeps_an_interval():
    # none in 200: Wilson's upper end is z² / (200 + z²) = 3.8415 / 203.8415 = 0.018846
    lo, hi = wilson_interval(np.array([0.0, 1.0]), 200)
    assert lo[0] == 0 and hi[0] == pytest.approx(0.018846, abs=1e-6)
    assert hi[1] == 1 and lo[1] == pytest.approx(1 - 0.018846, abs=1e-6)
    # the SE read from it is half the width over 1.96: 0.018846 / 3.92 = 0.004808, about 0.98 / R, not 0
    assert interval_se(lo, hi) == pytest.approx([0.018846 / (2 * 1.96)] * 2, abs=1e-6)


def test_wilson_intervals_cover_rare_events():
    """Exact coverage of the 95 % Wilson interval with R = 200 replicate years,
    summed over the binomial law (no sampling error): the old p ± 1.96·SE
    covered a true p ≤ 0.02 only 43–61 % of the time. Tolerances: on average
    over p in [0.001, 0.02] within 0.94–0.98, never below 0.89 (Wilson's known
    dips at small n·p); 0.93–0.97 for p of 0.3 and 0.5."""
    R = 200
    hits = np.arange(R + 1)
    lo, hi = wilson_interval(hits / R, R)

    def coverage(p):
        return binom.pmf(hits, R, p)[(lo <= p) & (p <= hi)].sum()

    rare = [coverage(p) for p in np.linspace(0.001, 0.02, 100)]
    assert 0.94 <= np.mean(rare) <= 0.98 and min(rare) >= 0.89
    assert 0.93 <= coverage(0.3) <= 0.97 and 0.93 <= coverage(0.5) <= 0.97
    # the old symmetric interval, for the record: it misses most rare events
    se = np.sqrt(hits / R * (1 - hits / R) / (R - 1))
    old = [binom.pmf(hits, R, p)[np.abs(hits / R - p) <= 1.96 * se].sum() for p in (0.002, 0.005)]
    assert max(old) < 0.65  # 0.33 and 0.63


def test_quantile_intervals_cover_continuous_and_discrete_ranks():
    """Coverage over 2000 independent runs of 200 replicate years each.
    Continuous (normal): the order-statistic interval covers with probability
    P(l ≤ B ≤ u − 1) ≥ 0.95, B ~ binomial(200, q), at most about 0.975 for
    these q; tolerance 0.94–0.985 (sampling SE about 0.005). Discrete (ranks
    1–5 with chances .1 .25 .3 .25 .1): at least 0.94 — it is conservative."""
    rng = np.random.default_rng(19)
    R, runs = 200, 2000
    normal = rng.normal(size=(R, runs))
    for q in (0.05, 0.5, 0.95):
        lo, hi = quantile_interval(normal, q)
        truth = norm.ppf(q)
        assert 0.94 <= np.mean((lo <= truth) & (truth <= hi)) <= 0.985, q
    ranks = rng.choice(5, size=(R, runs), p=[0.1, 0.25, 0.3, 0.25, 0.1]) + 1
    for q, truth in ((0.05, 1), (0.5, 3), (0.95, 5)):
        lo, hi = quantile_interval(ranks, q)
        assert np.mean((lo <= truth) & (truth <= hi)) >= 0.94, q


def test_a_rank_that_is_1_or_2_half_the_time_has_the_median_interval_1_to_2():
    # the median flips between 1 and 2 from one set of years to the next (its
    # spread is about 0.5, where the old SE said 0.24): the interval says [1, 2]
    rng = np.random.default_rng(3)
    ranks = rng.choice([1, 2], size=(200, 500))
    lo, hi = quantile_interval(ranks, 0.5)
    assert np.mean((lo == 1) & (hi == 2)) >= 0.94
    lo, hi = quantile_interval(np.ones((50, 2)), 0.5)
    assert lo.tolist() == hi.tolist() == [1.0, 1.0]  # a certain rank has a point interval


def results_table(rank, groups=None, award=None):
    """A run's long results table for one comparison of hand-made ranks."""
    import pandas as pd

    rank = np.asarray(rank)
    R, U = rank.shape
    groups = groups or ["1"] * U
    return pd.DataFrame({
        "comparison": "base", "rulebook": "test", "replicate": np.repeat(np.arange(R), U),
        "unit_id": np.tile([f"{u:03d}" for u in range(U)], R), "name": np.tile([f"单位{u}" for u in range(U)], R),
        "group": np.tile(groups, R), "points": (U - rank).ravel().astype(float), "final": (U - rank).ravel() * 1.0,
        "rank": rank.ravel(), "award": "" if award is None else np.asarray(award, dtype=object).ravel(),
    })


def test_until_se_is_held_back_by_first_place_and_by_events_never_seen():
    from simsuite.analytics.uncertainty import largest_se

    # five units, 100 years: units 0 and 1 take first place in turn, the rest
    # always rank 3, 4, 5, so every top-three and bottom-three chance is 0 or 1
    rank = np.array([[1, 2, 3, 4, 5], [2, 1, 3, 4, 5]] * 50)
    lo, hi = wilson_interval(np.array([0.5, 0.0]), 100)
    # first place at 0.5 is the widest: the stopping rule watches p_first
    assert largest_se(results_table(rank)) == pytest.approx(interval_se(lo, hi)[0])
    # with first place settled, what is left is the figures never or always seen:
    # 0 of 100 still has an SE of about 0.98 / 104, not 0
    settled = np.tile([1, 2, 3, 4, 5], (100, 1))
    assert largest_se(results_table(settled)) == pytest.approx(interval_se(lo, hi)[1])
    assert interval_se(lo, hi)[1] > 0.009


def test_until_se_leaves_out_what_a_small_group_fixes():
    from simsuite.analytics.uncertainty import largest_se

    # group "b" has two units: both are always in its top three and bottom three,
    # which holds back nothing; first place within it is a real 50:50 figure
    rank = np.array([[1, 2, 3, 1, 2], [1, 2, 3, 2, 1]] * 50)
    table = results_table(rank, groups=["a", "a", "a", "b", "b"])
    lo, hi = wilson_interval(np.array([0.5]), 100)
    assert largest_se(table) == pytest.approx(interval_se(lo, hi)[0])
    d = rank_distribution(table, "base").set_index("unit_id")
    assert d.loc["003", "fixed"] == "p_top3, p_bottom3"

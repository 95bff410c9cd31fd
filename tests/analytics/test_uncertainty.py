"""Rank distributions and stability on hand-made panels."""

import numpy as np
import pytest

from panels import make_panel
from simsuite.analytics.uncertainty import binomial_se, rank_distribution, rank_probabilities, stability


def test_rank_distribution_by_hand():
    # unit 1 is first in 3 of 4 years, unit 2 in 1 of 4
    rank = np.array([[1, 2, 3], [1, 2, 3], [1, 3, 2], [2, 1, 3]])
    award = np.where(rank == 1, "先进", "").astype(object)
    d = rank_distribution(make_panel(rank, award=award)).set_index("unit_id")
    assert d.loc["001", "p_first"] == 0.75 and d.loc["002", "p_first"] == 0.25
    assert d.loc["001", "p_先进"] == 0.75
    assert d.loc["001", "mean_rank"] == pytest.approx(1.25)
    assert d.loc["003", "median_rank"] == 3
    assert d.loc["001", "p_first_se"] == pytest.approx(np.sqrt(0.75 * 0.25 / 3))
    assert d.loc["003", "p_bottom3"] == 1.0  # three units: everyone is in the bottom three


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


def test_binomial_se_is_zero_at_certainty():
    assert binomial_se(np.array([0.0, 1.0]), 100).tolist() == [0.0, 0.0]


def test_quantile_standard_errors_match_the_normal_theory():
    from simsuite.analytics.uncertainty import quantile_se

    rng = np.random.default_rng(7)
    R = 20_000
    x = rng.normal(size=(R, 3))
    # the median of a normal sample has SE sqrt(pi/2) / sqrt(R)
    assert quantile_se(x, 0.5) == pytest.approx(np.full(3, np.sqrt(np.pi / 2 / R)), rel=0.15)
    # the 95 % quantile: sqrt(q (1 - q)) / (density at it × sqrt(R))
    density = np.exp(-1.6449 ** 2 / 2) / np.sqrt(2 * np.pi)
    assert quantile_se(x, 0.95) == pytest.approx(np.full(3, np.sqrt(0.95 * 0.05) / density / np.sqrt(R)), rel=0.2)
    assert quantile_se(np.ones((50, 2)), 0.5).tolist() == [0.0, 0.0]  # a certain rank has no error

"""Rank agreement: against scipy's reference implementations, and on cases
with known answers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simsuite.analytics.agreement import kendall_tau_b, spearman_rho, weighted_tau

rankings = st.integers(2, 12).flatmap(
    lambda n: st.tuples(st.lists(st.integers(1, 5), min_size=n, max_size=n),
                        st.lists(st.integers(1, 5), min_size=n, max_size=n)))


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@settings(max_examples=200, deadline=None)
@given(rankings)
def test_each_measure_equals_scipy_with_ties(pair):
    a, b = (np.array([x], dtype=float) for x in pair)
    assert kendall_tau_b(a, b)[0] == pytest.approx(stats.kendalltau(a[0], b[0]).statistic, nan_ok=True)
    assert spearman_rho(a, b)[0] == pytest.approx(stats.spearmanr(a[0], b[0]).statistic, nan_ok=True)
    # scipy ranks larger values first; our rank 1 is the best, so negate
    assert weighted_tau(a, b)[0] == pytest.approx(stats.weightedtau(-a[0], -b[0]).statistic, nan_ok=True)


@settings(max_examples=50, deadline=None)
@given(rankings, st.randoms())
def test_permuting_units_changes_nothing(pair, rnd):
    a, b = (np.array([x], dtype=float) for x in pair)
    order = list(range(a.shape[1]))
    rnd.shuffle(order)
    for f in (kendall_tau_b, spearman_rho, weighted_tau):
        assert f(a[:, order], b[:, order])[0] == pytest.approx(f(a, b)[0], nan_ok=True)


def test_identical_rankings_agree_fully_even_with_ties():
    a = np.array([[1, 1, 3, 4, 4, 6], [2, 1, 3, 3, 5, 6]], dtype=float)
    for f in (kendall_tau_b, spearman_rho, weighted_tau):
        assert f(a, a) == pytest.approx([1.0, 1.0])


def test_a_reversed_ranking_disagrees_fully():
    a = np.array([[1, 2, 3, 4, 5]], dtype=float)
    b = a[:, ::-1]
    for f in (kendall_tau_b, spearman_rho, weighted_tau):
        assert f(a, b) == pytest.approx([-1.0])


def test_tau_b_by_hand_with_one_tie():
    # a = 1 2 3, b = 1 1 3: pairs (1,2) tied in b, (1,3) and (2,3) concordant.
    # tau_b = 2 / sqrt(3 × 2)
    a = np.array([[1, 2, 3]], dtype=float)
    b = np.array([[1, 1, 3]], dtype=float)
    assert kendall_tau_b(a, b)[0] == pytest.approx(2 / np.sqrt(6))


def test_all_tied_is_undefined_not_made_up():
    a = np.array([[1, 1, 1]], dtype=float)
    b = np.array([[1, 2, 3]], dtype=float)
    for f in (kendall_tau_b, spearman_rho, weighted_tau):
        assert np.isnan(f(a, b)[0])


def test_disagreeing_at_the_top_costs_weighted_tau_more_than_at_the_bottom():
    a = np.array([[1, 2, 3, 4, 5, 6]], dtype=float)
    top_swapped = np.array([[2, 1, 3, 4, 5, 6]], dtype=float)
    bottom_swapped = np.array([[1, 2, 3, 4, 6, 5]], dtype=float)
    assert kendall_tau_b(a, top_swapped)[0] == pytest.approx(kendall_tau_b(a, bottom_swapped)[0])
    assert weighted_tau(a, top_swapped)[0] < weighted_tau(a, bottom_swapped)[0]


def test_many_replicates_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    a = rng.integers(1, 8, size=(300, 9)).astype(float)
    b = rng.integers(1, 8, size=(300, 9)).astype(float)
    for f in (kendall_tau_b, spearman_rho, weighted_tau):
        whole = f(a, b)
        one_by_one = np.array([f(a[i:i + 1], b[i:i + 1])[0] for i in range(len(a))])
        np.testing.assert_allclose(whole, one_by_one)

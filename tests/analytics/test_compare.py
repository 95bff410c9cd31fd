"""Variant against variant, on constructed panels whose answers are known."""

import numpy as np
import pytest

from panels import make_panel
from simsuite.analytics.compare import compare_panels


def test_identical_variants_give_tau_one_and_zero_shift():
    rank = np.array([[1, 2, 3, 3], [2, 1, 3, 4]])
    c = compare_panels(make_panel(rank), make_panel(rank, name="same"))
    assert c.identical
    assert c.groups["kendall_tau_b"].tolist() == [1.0]
    assert c.groups["weighted_tau"].tolist() == [1.0]
    assert c.groups["mean_abs_shift"].tolist() == [0.0]
    assert (c.units["mean_abs_shift"] == 0).all()
    assert c.mean_abs_shift == 0.0


def test_reversing_the_order_gives_tau_minus_one_and_hand_shifts():
    base = np.array([[1, 2, 3, 4]])
    c = compare_panels(make_panel(base), make_panel(base[:, ::-1], name="reversed"))
    assert not c.identical
    assert c.groups["kendall_tau_b"].iloc[0] == pytest.approx(-1)
    assert c.groups["spearman_rho"].iloc[0] == pytest.approx(-1)
    # shifts 4-1, 3-2, 2-3, 1-4 = +3 +1 -1 -3: mean |shift| = 2
    assert c.units["mean_shift"].tolist() == [3, 1, -1, -3]
    assert c.groups["mean_abs_shift"].iloc[0] == 2


def test_award_entries_and_exits_by_hand():
    base = np.array([[1, 2, 3], [1, 2, 3]])
    award_a = np.array([["一等", "", ""], ["一等", "", ""]], dtype=object)
    award_b = np.array([["一等", "", ""], ["", "一等", ""]], dtype=object)
    c = compare_panels(make_panel(base, award=award_a), make_panel(base, award=award_b, name="v"))
    first = c.awards[c.awards["award"] == "一等"].set_index("unit_id")
    assert first.loc["001", "p_leave"] == 0.5 and first.loc["002", "p_enter"] == 0.5
    assert first.loc["003", ["p_enter", "p_leave"]].tolist() == [0, 0]
    # never in two years is not certain: Wilson's upper end z²/(2 + z²) = 3.8415/5.8415 = 0.6576, SE 0.6576/3.92
    assert first.loc["003", "p_enter_se"] == pytest.approx(0.6576 / 3.92, abs=1e-4)
    # one replicate of two changes two of three awards
    assert c.groups["share_award_changed"].iloc[0] == pytest.approx((0 + 2 / 3) / 2)
    assert not c.identical


def test_each_group_is_compared_on_its_own():
    base = np.array([[1, 2, 1, 2]])
    variant = np.array([[2, 1, 1, 2]])  # group A swaps, group B stays
    c = compare_panels(make_panel(base, groups="AABB"), make_panel(variant, groups="AABB", name="v"))
    by = c.groups.set_index("group")
    assert by.loc["A", "kendall_tau_b"] == -1 and by.loc["B", "kendall_tau_b"] == 1


def test_different_units_are_refused():
    with pytest.raises(ValueError, match="different units"):
        compare_panels(make_panel([[1, 2]]), make_panel([[1, 2, 3]]))


def test_standard_errors_shrink_with_replicates():
    rng = np.random.default_rng(0)
    def pair(R):
        a = np.argsort(rng.random((R, 8)), axis=1) + 1
        b = np.argsort(rng.random((R, 8)), axis=1) + 1
        return compare_panels(make_panel(a), make_panel(b, name="v")).groups["kendall_tau_b_se"].iloc[0]
    assert pair(1600) < pair(100) / 2

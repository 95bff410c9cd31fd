"""Ranks within groups (C-6): both ways of counting who is beyond a unit
agree with the definition, ties and ineligible units included."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simsuite.engine.ranking import (_count_pairwise, _count_sorted, comparable, count_beyond,
                                     count_higher_and_lower, rank_min)


@st.composite
def standings(draw):
    R, U = draw(st.integers(1, 4)), draw(st.integers(1, 12))
    # few distinct values, so ties are common; tiny offsets vanish in rounding (C-6)
    base = draw(st.lists(st.sampled_from([0.0, -0.0, 1.5, 2.0, 2.0 + 1e-9, -3.0]), min_size=R * U, max_size=R * U))
    groups = np.array(draw(st.lists(st.integers(0, 2), min_size=U, max_size=U)))
    ok = np.array(draw(st.lists(st.booleans(), min_size=R * U, max_size=R * U))).reshape(R, U)
    return np.array(base).reshape(R, U), groups, ok


def by_definition(scores, groups, ok, higher):
    s = comparable(scores)
    R, U = s.shape
    out = np.full((R, U), -1)
    for r in range(R):
        for i in range(U):
            if ok[r, i]:
                beyond = [j for j in range(U) if ok[r, j] and groups[j] == groups[i]
                          and (s[r, j] > s[r, i] if higher else s[r, j] < s[r, i])]
                out[r, i] = len(beyond)
    return out


@given(standings(), st.booleans())
def test_pairwise_and_sorted_counts_follow_the_definition(case, higher):
    scores, groups, ok = case
    expected = by_definition(scores, groups, ok, higher)
    assert (count_beyond(scores, groups, ok, higher) == expected).all()
    key = np.where(higher, -comparable(scores), comparable(scores))
    for got in (_count_pairwise(comparable(scores), groups, ok, higher), _count_sorted(key, groups, ok)):
        assert (got[ok] == expected[ok]).all()


@given(standings())
def test_higher_and_lower_counted_at_once_follow_the_definition(case):
    """One comparison of each pair answers both counts, ties counted in neither."""
    scores, groups, _ = case
    everyone = np.ones(scores.shape, bool)
    higher, lower = count_higher_and_lower(scores, groups)
    assert (higher == by_definition(scores, groups, everyone, True)).all()
    assert (lower == by_definition(scores, groups, everyone, False)).all()


def test_rank_min_shares_the_best_rank_of_a_tie():
    scores = np.array([[10.0, 30.0, 30.0, 20.0, 5.0]])
    groups = np.array([0, 0, 0, 0, 1])
    assert rank_min(scores, groups).tolist() == [[4, 1, 1, 3, 1]]


def test_groups_by_replicate_are_counted_too():
    scores = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    groups = np.array([[0, 0, 0], [0, 1, 1]])
    assert rank_min(scores, groups).tolist() == [[3, 2, 1], [1, 2, 1]]

"""Fidelity, point sources and group bias on constructed cases."""

import numpy as np
import pandas as pd
import pytest

from panels import make_panel
from simsuite.analytics.fidelity import fidelity, group_bias, point_sources, source_shares
from simsuite.analytics.jurisdictions import top_share


def test_a_rule_that_ranks_by_quality_alone_has_fidelity_one():
    quality = np.array([0.2, 0.9, 0.5, 0.7])
    rank = np.tile([4, 1, 3, 2], (5, 1))
    f = fidelity(make_panel(rank, quality=quality)).iloc[0]
    assert f["spearman_quality"] == 1 and f["kendall_quality"] == 1 and f["p_best_first"] == 1


def test_a_rule_that_ranks_against_quality_has_fidelity_minus_one():
    quality = np.array([0.2, 0.9, 0.5, 0.7])
    rank = np.tile([1, 4, 2, 3], (5, 1))
    f = fidelity(make_panel(rank, quality=quality)).iloc[0]
    assert f["spearman_quality"] == -1 and f["p_best_first"] == 0


def test_point_sources_add_up_and_shares_by_hand():
    rank = np.array([[1, 2], [1, 2]])
    points = np.array([[10.0, 4.0], [6.0, 4.0]])
    sources = {"from_volume": np.array([[4.0, 4.0], [2.0, 4.0]]), "from_adoption": np.array([[6.0, 0.0], [4.0, 0.0]])}
    p = make_panel(rank, points=points, sources=sources)
    s = point_sources(p).set_index("unit_id")
    assert s.loc["001", "from_volume"] == 3 and s.loc["001", "from_adoption"] == 5
    assert s.loc["001", "share_adoption"] == pytest.approx(5 / 8)
    shares = source_shares(p).iloc[0]
    assert shares["share_volume"] == pytest.approx(14 / 24) and shares["share_adoption"] == pytest.approx(10 / 24)


def test_group_bias_by_hand():
    rank = np.array([[1, 2, 1, 2]])
    points = np.array([[10.0, 8.0, 3.0, 1.0]])
    award = np.array([["先进", "", "", ""]], dtype=object)
    g = group_bias(make_panel(rank, groups="AABB", points=points, award=award)).set_index("group")
    assert g.loc["A", "mean_points"] == 9 and g.loc["B", "mean_points"] == 2
    assert g.loc["A", "p_先进"] == 0.5 and g.loc["B", "p_先进"] == 0


def test_group_bias_by_a_unit_attribute_from_a_unit_table():
    rank = np.array([[1, 2, 3]])
    points = np.array([[9.0, 6.0, 3.0]])
    types = pd.DataFrame({"unit_id": ["001", "002", "003"], "type": ["city", "county", "county"]})
    g = group_bias(make_panel(rank, points=points), by="type", units=types).set_index("type")
    assert g.loc["city", "mean_points"] == 9 and g.loc["county", "mean_points"] == 4.5
    with pytest.raises(KeyError, match="no 'type' for unit"):
        group_bias(make_panel(rank, points=points), by="type", units=types.iloc[:2])


def test_group_bias_names_a_missing_column():
    with pytest.raises(KeyError, match="no column 'type'"):
        group_bias(make_panel([[1, 2]]), by="type")


def test_top_ten_percent_share_by_hand():
    # 10 units, the top one (10 % of 10) holds 10 of 55 points
    points = np.arange(1.0, 11.0)[None, :]
    p = make_panel(np.argsort(-points, axis=1) + 1, points=points)
    assert top_share(p)[0] == pytest.approx(10 / 55)

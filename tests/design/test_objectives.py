"""The design objectives on panels small enough to work out by hand, and on
the common histories of a real rulebook."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simsuite.analytics.agreement import kendall_tau_b, tau_b_against
from simsuite.analytics.panel import Panel
from simsuite.design import Bench, parse_design
from simsuite.design.objectives import award_counts, distance, outcome_measures
from simsuite.rulebooks import load


def panel(rank, quality, award=None, groups=None) -> Panel:
    rank = np.asarray(rank)
    R, U = rank.shape
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(U)], "name": [f"u{i}" for i in range(U)],
                          "group": groups or ["g"] * U})
    award = np.full((R, U), "", dtype=object) if award is None else np.asarray(award, dtype=object)
    return Panel("p", "r", units, np.arange(R), -rank.astype(float), -rank.astype(float), rank, award,
                 np.asarray(quality, float), ranking_group=np.array(["all"] * U))  # one ranking of every unit


def test_fidelity_stability_and_top_is_best_by_hand():
    # three units, quality 0.9 > 0.5 > 0.1; four replicate years
    rank = [[1, 2, 3],   # follows quality: tau-b = 1, first is best
            [3, 2, 1],   # reversed: tau-b = −1
            [1, 3, 2],   # pairs (0,1) +, (0,2) +, (1,2) −: tau-b = 1/3, first is best
            [2, 1, 3]]   # pairs (0,1) −, (0,2) +, (1,2) +: tau-b = 1/3
    m = outcome_measures(panel(rank, [0.9, 0.5, 0.1]))
    taus = np.array([1, -1, 1 / 3, 1 / 3])
    assert m["tau_b"][0] == pytest.approx(taus.mean())  # 1/6
    assert m["tau_b"][1] == pytest.approx(taus.std(ddof=1) / 2)
    assert m["top_is_best"][0] == pytest.approx(0.5)  # years 1 and 3
    # years paired (0, 1) and (2, 3): |1−3| + |2−2| + |3−1| = 4 → 4/3; |1−2| + |3−1| + |2−3| = 4 → 4/3
    assert m["rank_shift"] == pytest.approx((4 / 3, 0.0))


def test_fairness_gap_is_what_quality_does_not_explain():
    # six units of equal quality, kinds A A A B B B; B always ranked below A:
    # percentiles 0, 20, 40, 60, 80, 100 (mean 50), so A's mean residual −30, B's +30: a gap of 60 points
    kinds = ["A", "A", "A", "B", "B", "B"]
    rank = [[1, 2, 3, 4, 5, 6], [2, 1, 3, 5, 4, 6]]
    m = outcome_measures(panel(rank, [0.5] * 6, groups=kinds))
    assert m["fairness_gap"] == pytest.approx((60.0, 0.0))
    # the same order explained by quality (A's units are better): little gap is left
    q = np.array([0.9, 0.85, 0.8, 0.2, 0.15, 0.1])
    m = outcome_measures(panel([[1, 2, 3, 4, 5, 6]] * 2, q, groups=kinds))
    # percentiles are not exactly linear in quality: what the least-squares line leaves is the gap
    qc, pct = q - q.mean(), np.arange(6) * 20.0 - 50
    resid = pct - (pct @ qc / (qc @ qc)) * qc
    assert m["fairness_gap"][0] == pytest.approx(abs(resid[3:].mean() - resid[:3].mean()))
    assert m["fairness_gap"][0] < 5  # most of the 60 points is quality's doing


def test_kinds_of_fewer_than_three_units_are_left_out():
    # kind C has two units ranked last every year; A and B (three each) are alike: the gap is A against B
    kinds = ["A", "B", "A", "B", "A", "B", "C", "C"]
    m = outcome_measures(panel([[1, 2, 3, 4, 5, 6, 7, 8]] * 2, [0.5] * 8, groups=kinds))
    # percentiles 0, 14.3, …, 100 (step 100/7): A holds 0, 28.6, 57.1 (mean 28.6), B 14.3, 42.9, 71.4 (mean 42.9)
    assert m["fairness_gap"] == pytest.approx((100 / 7, 0.0))
    assert math.isnan(outcome_measures(panel([[1, 2, 3, 4]] * 2, [0.5] * 4, groups=["A", "A", "B", "B"]))
                      ["fairness_gap"][0])  # no two kinds of three units: nothing to compare


def test_award_concentration_by_hand():
    # ten units; unit 0 is 'advanced' every year, unit 1 in half the years, criticism does not count:
    # the top tenth (one unit) holds 20 of 30 awards
    R, U = 20, 10
    award = np.full((R, U), "", dtype=object)
    award[:, 0] = "advanced"
    award[::2, 1] = "advanced"
    award[:, 9] = "criticised"
    m = outcome_measures(panel(np.tile(np.arange(1, U + 1), (R, 1)), np.linspace(1, 0, U), award))
    assert m["award_concentration"][0] == pytest.approx(20 / 30)
    assert m["award_concentration"][1] > 0  # the jackknife sees the years unit 1 misses


def test_no_award_gives_no_concentration():
    m = outcome_measures(panel([[1, 2], [2, 1]], [0.9, 0.1]))
    assert math.isnan(m["award_concentration"][0])


def test_distance_counts_changes_and_their_relative_size():
    rb = load("ningxia-transport-2021")
    assert rb.parameters["adoption.points.nx-info.item"] == 2
    v = rb.vary({"normalise.enabled": False, "adoption.points.nx-info.item": 3})
    # a switch counts 1; 2 → 3 is half of 2
    assert distance(v, rb) == {"changed_parameters": (2.0, 0.0), "change_size": (1.5, 0.0)}
    assert distance(rb, rb) == {"changed_parameters": (0.0, 0.0), "change_size": (0.0, 0.0)}
    # a baseline value of 0 is measured against the searched range's width
    z = rb.vary({"instruction.points.city": 4})
    assert distance(z, rb, {"instruction.points.city": 8}) == {"changed_parameters": (1.0, 0.0),
                                                               "change_size": (0.5, 0.0)}


SPEC = """
[design]
baseline = "ningxia-transport-2021"
seed = 3
replicates = 64
trials = 4
generation = 4
[population]
units = 24
groups = { "ningxia-transport-2021" = { "1" = 14, "2" = 10 } }
[search."normalise.enabled"]
choices = [true, false]
[constraints]
same_award_count = true
min_expected_final = -1000
"""


def test_every_candidate_is_scored_on_the_same_histories():
    spec = parse_design(SPEC, ".", "d.toml")
    bench = Bench(spec)
    again = Bench(spec)  # the same seed draws the same histories: the same values
    assert bench.baseline == again.baseline
    base = bench.baseline
    assert base.values["changed_parameters"] == (0.0, 0.0)
    assert base.constraints["same_award_count"] == -0.5  # the baseline matches itself
    raw = bench.evaluate(spec.candidate({"normalise.enabled": False}))
    assert raw.values["changed_parameters"] == (1.0, 0.0)
    assert raw.values["tau_b"] != base.values["tau_b"]
    assert all(np.isfinite(raw.values[k][1]) and raw.values[k][1] >= 0 for k in ("tau_b", "rank_shift"))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(2, 9), R=st.integers(1, 5))
def test_the_fast_tau_b_is_kendalls_tau_b(data, n, R):
    # ties in both the ranks and the quality, as rank-point tables and caps give
    rank = np.array(data.draw(st.lists(st.lists(st.integers(1, 4), min_size=n, max_size=n), min_size=R, max_size=R)))
    quality = np.array(data.draw(st.lists(st.sampled_from([0.1, 0.4, 0.7]), min_size=n, max_size=n)))
    mine = tau_b_against(rank, quality)
    reference = kendall_tau_b(-rank.astype(float), np.broadcast_to(quality, rank.shape))
    np.testing.assert_allclose(mine, reference, rtol=1e-6, atol=1e-6)


def test_award_gap_by_hand():
    # six units of equal quality, kinds A A A B B B: one of A's units wins each year, B's never:
    # award chance 100/3 % on average for A's units, 0 for B's; less the mean (100/6) that is ±16.7, a gap of 33.3
    award = np.full((3, 6), "", dtype=object)
    for year in range(3):
        award[year, year] = "advanced"
    kinds = ["A", "A", "A", "B", "B", "B"]
    m = outcome_measures(panel([[1, 2, 3, 4, 5, 6]] * 3, [0.5] * 6, award, groups=kinds))
    assert m["award_gap"] == pytest.approx((100 / 3, 0.0))
    assert math.isnan(outcome_measures(panel([[1, 2], [2, 1]], [0.9, 0.1]))["award_gap"][0])  # no awards


def test_fairness_is_judged_between_the_kinds_the_unit_list_names():
    spec = parse_design(SPEC.replace('units = 24\ngroups = { "ningxia-transport-2021" = { "1" = 14, "2" = 10 } }',
                                     'rulebook = "ningxia-transport-2021"'), ".", "d.toml")
    listed = pd.read_csv(Path(__file__).parents[2] / "data/units/ningxia-transport-2021.csv", dtype=str)
    assert list(spec.units["type"]) == list(listed["type"])  # real units: their kinds, e.g. city bureaus
    bench = Bench(spec)
    assert set(bench.kinds) == set(listed["type"])
    assert np.isfinite(bench.baseline.values["fairness_gap"][0])  # county bureaus, departments … are compared
    synthetic = parse_design(SPEC, ".", "d.toml")  # made-up units have no kind: groups stand in
    assert "type" not in synthetic.units and set(Bench(synthetic).kinds) == {"1", "2"}


LONGYANG = """
[design]
baseline = "longyang-2019"
seed = 4
replicates = 32
trials = 4
generation = 4
[population]
units = 20
groups = { "longyang-2019" = { section = 20 } }
[search."award.advanced_top"]
range = [1, 6]
[constraints]
same_award_count = true
award_count_tolerance = 0.5
min_expected_final = 5
"""


def test_constraints_measure_how_far_a_design_breaks_them():
    spec = parse_design(LONGYANG, ".", "d.toml")
    bench = Bench(spec)
    counts = bench.base_awards  # three advanced and three criticised a year (more where units tie)
    assert counts["advanced"] >= 3 and counts["criticised"] >= 3
    wider = bench.evaluate(spec.candidate({"award.advanced_top": 5}))
    # two more units advanced a year (ties aside): 2 − 0.5 over the tolerance
    gap = abs(award_counts(bench.panel(spec.candidate({"award.advanced_top": 5})))["advanced"] - counts["advanced"])
    assert gap >= 2 and wider.constraints["same_award_count"] == pytest.approx(gap - 0.5)
    assert not wider.feasible and bench.baseline.constraints["same_award_count"] == -0.5
    # the lowest expected final against the floor of 5 points
    lowest = bench.base_panel.final.mean(axis=0).min()
    assert bench.baseline.constraints["min_expected_final"] == pytest.approx(5 - lowest)

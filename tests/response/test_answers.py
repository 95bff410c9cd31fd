"""The answers: behaviour, fidelity, output and who games, checked against
what they must be."""

import numpy as np
import pytest

import simsuite
from simsuite.analytics.agreement import kendall_tau_b
from simsuite.engine.context import Context
from simsuite.engine.ranking import rank_min
from simsuite.engine.score import score_batch
from simsuite.response import answers, solve
from simsuite.synthetic import generate, real_units


@pytest.fixture(scope="module")
def longyang():
    rb = simsuite.rulebook("longyang-2019")
    return rb, solve(rb, real_units(rb), 2019, replicates=32, seed=4)


def test_fixed_behaviour_is_the_generator_as_today(longyang):
    rb, eq = longyang
    # the same seed drawn without any response: the fixed column is its statistics
    s = generate(rb, real_units(rb), 2019, replicates=32, seed=4)
    _, o, ctx = score_batch(rb, s.batch)
    months = ctx.month_counts(None)
    table = answers.summary(eq).set_index("statistic")
    assert table.loc["items_a_month", "fixed"] == round(months.mean(), 2)
    assert table.loc["empty_months", "fixed"] == round((months == 0).mean(), 3)
    # Longyang ranks its one group: τ-b of rank against the quality ranking, mean over replicates
    truth = np.broadcast_to(rank_min(s.quality[:1], np.zeros(s.quality.shape[1], int)), o.rank.shape)
    assert table.loc["kendall_quality", "fixed"] == round(float(np.nanmean(kendall_tau_b(o.rank, truth))), 3)
    assert table.loc["effort_used", "fixed"] == 0
    assert set(table["zh"]) and table["meaning"].str.len().min() > 10


def test_histograms_are_shares_and_gains_are_at_least_minus_epsilon(longyang):
    _, eq = longyang
    h = answers.month_histogram(eq)
    assert h["share_fixed"].sum() == pytest.approx(1, abs=1e-3)
    assert h["share_response"].sum() == pytest.approx(1, abs=1e-3)
    games = answers.who_games(eq, top=len(eq.units))
    # a unit's equilibrium strategy is within ε of its best response, steady included
    assert (games["gain"] >= -eq.eps - 1e-3).all()
    assert games["gain"].is_monotonic_decreasing
    shares = answers.effort_shares(eq)["share"]
    assert 0 <= shares.sum() <= 1 + 1e-9


def test_two_rules_side_by_side(longyang):
    rb, eq = longyang
    cap40 = rb.vary({"item_points.cap": 40})
    other = solve(cap40, real_units(cap40), 2019, replicates=32, seed=4)
    table = answers.compare({"cap 60": eq, "cap 40": other})
    assert list(table.columns[3:7]) == ["cap 60: fixed", "cap 60: response", "cap 40: fixed", "cap 40: response"]
    # fixed behaviour draws the same histories under either cap
    items = table.set_index("statistic").loc["items_a_month"]
    assert items["cap 60: fixed"] == items["cap 40: fixed"]


def test_the_year_histogram_pools_past_twice_the_cap(longyang):
    _, eq = longyang
    h = answers.year_histogram(eq)
    assert h.attrs["cap_items"] == 30 and h["items_in_year"].iloc[-1] == 60  # 60 ÷ 2 = 30 items; twice: 60
    months = eq.sets.months[eq.steady]  # (R, U, 12) under fixed behaviour
    assert h["share_fixed"].iloc[0] == round(float((months.sum(axis=2) == 0).mean()), 4)

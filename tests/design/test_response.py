"""Designs judged at the units' equilibrium: a rule is judged by what units
then do; the strategies are drawn once for the whole search; the search
stays reproducible and resumable; the [response] section's errors are named."""

from __future__ import annotations

import json

import numpy as np
import pytest

import simsuite.design.evaluate as evaluate_module
from simsuite.design import Bench, DesignError, parse_design, search
from simsuite.report.design import write_design

# Longyang's rule with two sources of points: 2 points an item up to a yearly
# cap, and 1 point a district adoption (whose chance rises with quality).
BASE = """
[variant]
title = "per-item points and district adoptions"
baseline = "longyang-2019"
remove = ["first_adoption_bonus", "instruction_points", "event_points", "co_submission", "award_top_and_bottom"]
[changes]
"adoption.points" = { ly-district = { regular = 1, special = 0 }, ly-province = { item = 0 }, ly-state-council = { item = 0 } }
"""

# Ample, steady activity: about 10 items a month, 120 a year, for every
# unit, every item in scope, none co-submitted.
FIXED = """
[design]
baseline = "base.toml"
year = 2019
seed = 3
replicates = 128
trials = 8
generation = 4
[population]
rulebook = "longyang-2019"
[behaviour]
"activity.mean" = 10.0
"activity.unit_shape" = 1000.0
"activity.month_shape" = 1000.0
"activity.month_profile" = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
"in_scope.chance" = 1.0
"co_submission.chance" = 0.0
[search."item_points.cap"]
choices = [40, 60]
[objectives]
search = ["tau_b", "change_size"]
"""

# Units want points and pay 1 a filed item. Below the cap an item earns 2
# points and an adoption's chance (about 0.05 here); beyond it, only the
# adoption's chance: filing pays up to the cap and not beyond. Per year:
#   cap 40: stop at 20 → 40 + 20a − 20;  stop at 30 → 40 + 30a − 30;  all ≈ 120 items → 40 + 120a − 120
#   cap 60: stop at 30 → 60 + 30a − 30;  stop at 20 → 40 + 20a − 20
# (a ≈ 0.05 adoptions an item): every unit stops at the cap's item count, cap ÷ 2.
RESPONSE = """
[response]
replicates = 128
[response.payoff]
final = 1.0
bottom_three = 0.0
awards = {}
[response.model]
"cost.item" = 1.0
"cost.effort" = 0.0
[[response.strategy]]
name = "steady"
zh = "照常"
[[response.strategy]]
name = "stop-at-cap"
zh = "到顶即停"
yearly_stop = "cap"
[[response.strategy]]
name = "volume"
zh = "多报"
shares = { volume = 1.0 }
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    return tmp_path


def specs(folder, response=RESPONSE, fixed=FIXED):
    return parse_design(fixed + response, folder, "r.toml"), parse_design(fixed, folder, "f.toml")


def test_a_lower_cap_is_judged_by_what_units_then_file(folder):
    at_eq, fixed = specs(folder)
    # each searched cap implies its own stop: 40 → 20 items, 60 → 30 items; drawn once for both designs
    assert [d.strategy.name for d in at_eq.strategies] == ["steady", "stop-at-cap (30)", "stop-at-cap (20)", "volume"]
    bench, bench_fixed = Bench(at_eq), Bench(fixed)
    out = {}
    for cap in (40, 60):
        eq = bench.equilibrium(at_eq.candidate({"item_points.cap": cap}))
        assert eq.converged and set(eq.strategy_names()) == {f"stop-at-cap ({cap // 2})"}
        out[cap] = (bench.evaluate(at_eq.candidate({"item_points.cap": cap})),
                    bench_fixed.evaluate(fixed.candidate({"item_points.cap": cap})), eq)
    # the items the bureau receives: exactly the cap's item count at equilibrium (ample activity),
    # while under fixed behaviour they are the same ≈ 120 whatever the cap
    assert out[40][0].response["items_a_year"] == 20 and out[60][0].response["items_a_year"] == 30
    steady = out[40][2].sets.filed[0]
    np.testing.assert_array_equal(steady, out[60][2].sets.filed[0])
    assert 110 < steady.mean() < 130
    # fidelity: under fixed behaviour both caps are reached by every unit, the item points are the
    # same constant, and the ranking (adoptions only) is identical: the same τ-b exactly
    assert out[40][1].values["tau_b"] == out[60][1].values["tau_b"]
    # at equilibrium adoptions come from 20 or 30 items instead of 120: a noisier signal of quality,
    # the noisier the lower the cap
    tau = {cap: out[cap][0].values["tau_b"][0] for cap in out}
    assert tau[40] < tau[60] < out[40][1].values["tau_b"][0]
    # the points are cap + adoptions either way: each unit's mean final is at least the cap
    assert (bench.panel(at_eq.candidate({"item_points.cap": 40})).final.mean(axis=0) >= 40).all()


def test_strategies_are_drawn_once_per_search_not_per_design(folder, monkeypatch):
    ranged = FIXED.replace('choices = [40, 60]', 'range = [40, 60]\nstep = 10')
    spec = parse_design(ranged + RESPONSE.split("[[response.strategy]]")[0], folder, "d.toml")
    names = [d.strategy.name for d in spec.strategies]
    # the default set, with each stop the baseline (cap 60) and the searched caps (40, 50, 60) imply
    for stop in (30, 20, 25):
        assert f"stop-at-cap ({stop})" in names and f"polish+stop-at-cap ({stop})" in names
    assert names[0] == "steady" and "stop-at-cap" not in names and len(set(names)) == len(names)
    calls = []
    real = evaluate_module.generate
    monkeypatch.setattr(evaluate_module, "generate", lambda *a, **k: calls.append(1) or real(*a, **k))
    bench = Bench(spec)
    assert len(calls) == len(spec.strategies)
    for cap in (40, 50, 60):
        bench.evaluate(spec.candidate({"item_points.cap": cap}))
    assert len(calls) == len(spec.strategies)  # no design draws again


def rows(result):
    return [(json.loads(v), t, e) for v, t, e in zip(result.trials["values"], result.trials["tau_b"],
                                                     result.trials["eps"])]


RANGED = FIXED.replace('choices = [40, 60]', 'range = [20, 60]\nstep = 10').replace("replicates = 128", "replicates = 32")


def test_the_search_at_equilibrium_is_reproducible_and_resumable(folder):
    spec = parse_design(RANGED + RESPONSE.replace("replicates = 128", "replicates = 32"), folder, "r.toml")
    straight = search(spec, study_file=folder / "straight.journal")
    assert rows(straight) == rows(search(spec))
    assert rows(search(spec, workers=2)) == rows(straight)
    study = folder / "stopped.journal"
    first = search(spec, trials=4, study_file=study)
    assert rows(search(spec, study_file=study)) == rows(straight)
    assert rows(first) == rows(straight)[:4]
    # every design's ε is in the table; in this toy every equilibrium converges
    assert straight.trials["converged"].all() and (straight.trials["eps"] <= 0.02).all()
    for v, items in zip(straight.trials["values"], straight.trials["items_a_year"]):
        assert items == json.loads(v)["item_points.cap"] / 2  # units stop at each cap's item count


def test_the_folder_says_the_designs_were_judged_at_equilibrium(folder):
    spec = parse_design(RANGED + RESPONSE.replace("replicates = 128", "replicates = 32"), folder, "r.toml")
    out = write_design(search(spec, trials=4), folder / "out")
    front = (out / "front.csv").read_text(encoding="utf-8-sig")
    assert "eps" in front.splitlines()[0] and "items_a_year" in front.splitlines()[0]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Judged at the units' equilibrium" in page and "均衡误差 ε" in page
    assert "[response]" in (out / "design.toml").read_text(encoding="utf-8")
    designs = (out / "designs.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "eps" in designs[0] and "items_a_year" in designs[0]  # today's rule at its own equilibrium


@pytest.mark.parametrize("section, expected", [
    ("[response]\nreplicate = 32", "[response] unknown key 'replicate' (did you mean 'replicates'?)"),
    ("[response]\nreplicates = 500", "[response] replicates = 500: expected a whole number in [1, 128]"),
    ("[response]\nreplicates = 1", "pair replicate years, so give 2 or more"),
    ("[response.payoff]\nfinl = 1.0", "[response.payoff] unknown key 'finl' (did you mean 'final'?)"),
    ("[response.model]\n\"cost.itme\" = 1.0", "[response.model]"),
    ("[[response.strategy]]\nname = \"x\"\nshares = { volumes = 1 }", "unknown action 'volumes'"),
    ("[[response.strategy]]\nname = \"q\"\nmonthly_stop = \"quota\"", "no searched rule has a monthly quota"),
])
def test_a_bad_response_section_is_named(folder, section, expected):
    with pytest.raises(DesignError) as exc:
        parse_design(FIXED + section, folder, "r.toml")
    assert str(exc.value).startswith("r.toml:") and expected in str(exc.value)


def test_a_continuous_range_that_moves_a_stop_is_refused(folder):
    # points an item move the cap's item count (cap ÷ points): a continuous range has no end of stops
    from dataclasses import replace

    from simsuite.design import respond
    from simsuite.design.spec import Dimension

    spec = parse_design(FIXED, folder, "f.toml")
    spec = replace(spec, dimensions=(Dimension("item_points.points", 1, 4, integer=True),))
    problems = []
    dims, _ = respond.stop_dimensions([Dimension("item_points.points", 1.0, 3.0)], (), ())
    assert respond.probes(spec.baseline, dims, [], spec.candidate, problems) == [spec.baseline]
    assert "'item_points.points' is searched over a continuous range" in problems[0] and "step" in problems[0]
    # on a grid, one rule a value (after the baseline's 60 ÷ 2): stops at 60 ÷ 1, 60 ÷ 2, 60 ÷ 3, 60 ÷ 4 items
    problems = []
    dims, _ = respond.stop_dimensions(spec.dimensions, (), ())
    rules = respond.probes(spec.baseline, dims, [], spec.candidate, problems)
    assert not problems and [respond.cap_items(rb) for rb in rules] == [30, 60, 30, 20, 15]


def test_response_is_off_by_default(folder):
    spec = parse_design(FIXED, folder, "f.toml")
    assert spec.response is None and spec.strategies == ()
    assert "eps" not in search(spec, trials=4).trials


def test_units_behaving_as_today_give_the_fixed_behaviour_scores_exactly(folder):
    # common random numbers across the two ways of judging: the steady strategy's histories are the
    # fixed-behaviour bench's, so with every unit steady the equilibrium bench scores the same years
    from dataclasses import replace

    at_eq, fixed = specs(folder)
    bench, bench_fixed = Bench(at_eq), Bench(fixed)
    for cap in (40, 60):
        eq = bench.equilibrium(at_eq.candidate({"item_points.cap": cap}))
        steady = bench.panel_at(replace(eq, choice=eq.fixed))
        today = bench_fixed.panel(fixed.candidate({"item_points.cap": cap}))
        np.testing.assert_array_equal(steady.final, today.final)
        np.testing.assert_array_equal(steady.rank, today.rank)
        np.testing.assert_array_equal(steady.quality, today.quality)


def test_the_shipped_example_reads():
    from pathlib import Path

    from simsuite.design import read_design

    spec = read_design(Path(__file__).parents[2] / "scenarios" / "design" / "longyang-cap-response.toml")
    names = [d.strategy.name for d in spec.strategies]
    # caps 20, 30, …, 100 at 2 points an item: stops at 10, 15, …, 50 items, with and without polishing
    assert {f"stop-at-cap ({n})" for n in range(10, 55, 5)} <= set(names)
    assert len(names) == 11 + 2 * 9 and spec.response.replicates == 128


QUOTA = """
[design]
baseline = "ningxia-transport-2021"
seed = 1
replicates = 32
trials = 4
generation = 2
[population]
units = 12
groups = { "ningxia-transport-2021" = { "1" = 8, "2" = 4 } }
[search."quota.items.1"]
range = [2, 4]
[objectives]
search = ["tau_b", "change_size"]
[response]
"""


def test_a_searched_monthly_quota_gives_a_stop_for_each_of_its_values():
    # an empty [response] section judges at equilibrium with every default
    spec = parse_design(QUOTA, ".", "q.toml")
    stops = {d.strategy.name: d.monthly for d in spec.strategies if d.monthly}
    # group 1's quota is searched over 2, 3, 4 (today 2); group 2's stays 1: one stop per value,
    # with and without timing, each unit at its own group's count
    for q in (2, 3, 4):
        assert stops[f"stop-at-quota (1: {q}, 2: 1)"] == (q,) * 8 + (1,) * 4
        assert stops[f"timing+stop-at-quota (1: {q}, 2: 1)"] == (q,) * 8 + (1,) * 4
    assert len(stops) == 6 and spec.response.replicates == 32  # default: 256, at most the design's
    result = search(spec)
    assert result.trials["eps"].notna().all() and len(result.trials) == 4

"""The search: reproducible from its seed whatever the number of workers,
resumable from its study file, honest about its front, and able to find a
design whose best is known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simsuite.design import OBJECTIVES, Bench, DesignError, parse_design, pareto_front, search

# A setup where the best design is known: Longyang's rule with only two
# sources of points left, per-item points (volume, which the behaviour model
# draws independently of quality) and district adoptions (whose chance rises
# with quality). The more adoptions count against items, the more the ranking
# follows quality.
BASE_VARIANT = """
[variant]
title = "items and district adoptions only"
baseline = "longyang-2019"
[changes]
"item_points.cap_enabled" = false
"adoption.points.ly-district.special" = 0
"adoption.points.ly-province.item" = 0
"adoption.points.ly-state-council.item" = 0
"""

KNOWN = """
[design]
baseline = "base.toml"
year = 2019
seed = 7
replicates = 64
trials = 48
generation = 12
[population]
units = 40
groups = { "longyang-2019" = { section = 40 } }
[search."item_points.points"]
range = [0, 4]
[search."adoption.points.ly-district.regular"]
range = [0, 20]
[objectives]
search = ["tau_b", "change_size"]
"""


@pytest.fixture
def known(tmp_path):
    (tmp_path / "base.toml").write_text(BASE_VARIANT, encoding="utf-8")
    return parse_design(KNOWN, tmp_path, "known.toml")


def values(result):
    return [(json.loads(v), round(t, 12)) for v, t in zip(result.trials["values"], result.trials["tau_b"])]


def test_raising_adoption_points_against_item_points_raises_fidelity(known):
    bench = Bench(known)
    taus = [bench.evaluate(known.candidate({"item_points.points": items,
                                            "adoption.points.ly-district.regular": adoption})).mean("tau_b")
            for items, adoption in [(4, 0), (2, 5), (1, 10), (0, 20)]]
    assert taus == sorted(taus) and taus[-1] - taus[0] > 0.1


def test_the_search_finds_the_known_optimum(known):
    result = search(known)
    best = json.loads(result.front.sort_values("tau_b")["values"].iloc[-1])
    assert best["item_points.points"] == 0  # no points for volume
    assert best["adoption.points.ly-district.regular"] > 15  # near the top of [0, 20]
    # fidelity is bought with distance from the baseline: the front is a real trade-off
    assert len(result.front) > 2 and result.front["change_size"].min() < result.front["change_size"].max()


def test_the_front_is_honest(known, tmp_path):
    result = search(known, trials=24)
    names = list(known.search)
    signs = np.array([OBJECTIVES[n].sign for n in names])
    everyone = result.trials[result.trials["feasible"]][names].to_numpy() * signs
    for _, row in result.front.iterrows():  # no feasible trial is as good everywhere and better somewhere
        mine = row[names].to_numpy(float) * signs
        assert not ((everyone >= mine).all(axis=1) & (everyone > mine).any(axis=1)).any()
    dominated = result.trials[~result.trials["number"].isin(result.front["number"])]
    dominated = dominated[dominated["feasible"] & ~dominated["values"].isin(result.front["values"])]
    for _, row in dominated.iterrows():  # and every trial left out is dominated by a front member
        mine = row[names].to_numpy(float) * signs
        front = result.front[names].to_numpy() * signs
        assert ((front >= mine).all(axis=1) & (front > mine).any(axis=1)).any()
    # re-scoring a front member gives the values the search recorded
    number = int(result.front["number"].iloc[0])
    again = result.bench.evaluate(result.candidate(number))
    row = result.front.iloc[0]
    for name in OBJECTIVES:
        assert again.values[name][0] == pytest.approx(row[name], nan_ok=True)


def test_pareto_front_by_hand():
    import pandas as pd

    table = pd.DataFrame({"number": [0, 1, 2, 3, 4], "feasible": [True, True, True, True, False],
                          "tau_b": [0.5, 0.4, 0.5, 0.3, 0.9], "change_size": [1.0, 0.5, 2.0, 0.5, 0.0],
                          "values": ["a", "b", "c", "d", "e"]})
    # 2 is worse than 0 in change and no better in tau; 3 is worse than 1 in tau; 4 breaks a constraint
    assert list(pareto_front(table, ["tau_b", "change_size"])["number"]) == [0, 1]


def test_the_same_seed_gives_the_same_trials(known):
    a = search(known, trials=24)
    b = search(known, trials=24)
    assert values(a) == values(b)


def test_workers_do_not_change_the_trials(known):
    assert values(search(known, trials=24, workers=2)) == values(search(known, trials=24))


def test_a_dask_cluster_gives_the_same_trials(known):
    from dask import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        on_dask = search(known, trials=24, workers=client)
    assert values(on_dask) == values(search(known, trials=24))


def test_an_interrupted_study_resumes_as_if_never_stopped(known, tmp_path):
    straight = search(known, trials=36, study_file=tmp_path / "straight.journal")
    study = tmp_path / "stopped.journal"
    first = search(known, trials=12, study_file=study)
    assert len(first.trials) == 12
    resumed = search(known, trials=36, study_file=study)
    assert values(resumed) == values(straight)
    assert values(resumed)[:12] == values(first)  # the stored trials were kept, not scored again


def test_a_generation_cut_off_midway_is_finished_on_resume(known, tmp_path, monkeypatch):
    import sys

    module = sys.modules["simsuite.design.search"]  # the module, not the function the package exports

    straight = search(known, trials=24, study_file=tmp_path / "straight.journal")
    study = tmp_path / "cut.journal"
    real = module._tell
    calls = []

    def stop_in_second_generation(study_, batch, *args):
        calls.append(len(batch))
        if len(calls) == 2:
            raise KeyboardInterrupt  # asked, never told: the trials stay RUNNING in the journal
        real(study_, batch, *args)

    monkeypatch.setattr(module, "_tell", stop_in_second_generation)
    with pytest.raises(KeyboardInterrupt):
        search(known, trials=24, study_file=study)
    monkeypatch.setattr(module, "_tell", real)
    assert values(search(known, trials=24, study_file=study)) == values(straight)


def test_a_study_of_another_specification_is_refused(known, tmp_path):
    study = tmp_path / "s.journal"
    search(known, trials=12, study_file=study)
    other = parse_design(KNOWN.replace("seed = 7", "seed = 8"), tmp_path, "other.toml")
    with pytest.raises(DesignError, match="made for another design specification"):
        search(other, trials=12, study_file=study)


COMPONENTS = """
[design]
baseline = "ningxia-transport-2021"
seed = 11
replicates = 32
trials = 16
generation = 8
[population]
units = 16
groups = { "ningxia-transport-2021" = { "1" = 10, "2" = 6 } }
[search.components]
add = ["year_cap"]
remove = ["zero_months"]
[search."year_cap.points"]
range = [20, 200]
[objectives]
search = ["tau_b", "changed_parameters"]
"""


def test_components_are_added_and_removed_and_their_parameters_follow_them():
    spec = parse_design(COMPONENTS, ".", "c.toml")
    both = spec.candidate({"add:year_cap": True, "remove:zero_months": True, "year_cap.points": 40.0})
    assert "year_cap" in both.component_names and "zero_months" not in both.component_names
    assert both.parameters["year_cap.points"] == 40.0
    # the cap's points apply only where the cap is added: otherwise the candidate is today's rule
    assert spec.candidate({"add:year_cap": False, "remove:zero_months": False,
                           "year_cap.points": 40.0}) is spec.baseline
    result = search(spec)
    tried = [json.loads(v) for v in result.trials["values"]]
    assert {v["add:year_cap"] for v in tried} == {False, True}  # the search tries both
    for v, changed in zip(tried, result.trials["changed_parameters"]):
        # each component added or removed counts one change (the cap's own parameters are new, not changed)
        assert changed == v["add:year_cap"] + v["remove:zero_months"]

"""Scenario files and Monte Carlo runs."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simsuite.cli import main
from simsuite.runs import ScenarioError, parse_scenario, read_scenario, run

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))

SMALL = """
[scenario]
title = "small"
year = 2021
replicates = 40
seed = 5
chunk = 16

[population]
rulebook = "ningxia-transport-2021"

[behaviour]
activity.mean = 3.0

[behaviour.groups."2"]
activity.mean = 1.0

[[compare]]
name = "baseline"
rulebook = "ningxia-transport-2021"

[[compare]]
name = "raw"
rulebook = "ningxia-transport-2021"
changes = { "normalise.enabled" = false }
"""


def small(**edits) -> str:
    text = SMALL
    for old, new in edits.items():
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_load(path):
    s = read_scenario(path)
    assert s.comparisons and s.replicates >= 500
    for comp in s.comparisons:
        units = s.units(comp.rulebook.id)
        assert set(units["group"]) <= set(comp.rulebook.groups)


def test_the_required_scenarios_are_shipped():
    names = {p.stem for p in SCENARIOS}
    assert {"five-baselines", "ningxia-normalisation", "jiande-rank-vs-raw", "longyang-caps", "ningxia-pooled",
            "five-rulebooks-common-population"} <= names
    caps = read_scenario(ROOT / "scenarios/longyang-caps.toml")
    assert [(c.rulebook.parameters["item_points.cap_enabled"], c.rulebook.parameters["item_points.cap"])
            for c in caps.comparisons] == [(True, 40), (True, 60), (False, 60)]


def test_run_results_summary_and_manifest(tmp_path):
    s = parse_scenario(small(), ROOT / "scenarios", "small.toml")
    result = run(s)
    r = result.results
    assert len(r) == 2 * 40 * 51
    assert list(r.columns) == ["comparison", "rulebook", "replicate", "unit_id", "name", "group", "ranking_group",
                               "points", "final",
                               "rank", "award", "bottom3", "quality", "from_volume", "from_adoption",
                               "from_instruction", "from_conduct", "periods_met", "vetoed", "at_cap",
                               "items_a_month"]
    # the four sources of points add up to the points
    sources = r[["from_volume", "from_adoption", "from_instruction", "from_conduct"]].sum(axis=1)
    assert sources.to_numpy() == pytest.approx(r["points"].to_numpy())
    # both comparisons see the same histories: raw points are identical
    a = r[r["comparison"] == "baseline"].reset_index(drop=True)
    b = r[r["comparison"] == "raw"].reset_index(drop=True)
    pd.testing.assert_series_equal(a["points"], b["points"])
    summary = result.summary
    row = summary[(summary["comparison"] == "baseline") & (summary["unit_id"] == "001")].iloc[0]
    ranks = a[a["unit_id"] == "001"]["rank"]
    assert row["mean_rank"] == pytest.approx(ranks.mean())
    assert row["rank_p5"] <= row["median_rank"] <= row["rank_p95"]
    assert row["p_top3"] == pytest.approx((ranks <= 3).mean())
    out = result.write(tmp_path / "run")
    assert pd.read_parquet(out / "results.parquet").shape == r.shape
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["replicates"] == 40 and manifest["simsuite"]
    # the run's data only: the workbooks and the report are the report layer's
    assert {f.name for f in out.iterdir()} == {"results.parquet", "manifest.json", "scenario.toml"}


def test_chunk_size_and_process_pool_do_not_change_results():
    base = run(parse_scenario(small(), ROOT / "scenarios", "a.toml")).results
    other_chunks = run(parse_scenario(small(**{"chunk = 16": "chunk = 32"}), ROOT / "scenarios", "b.toml")).results
    pd.testing.assert_frame_equal(base, other_chunks)
    pooled = run(parse_scenario(small(), ROOT / "scenarios", "a.toml"), executor=2).results
    pd.testing.assert_frame_equal(base, pooled)


def test_dask_local_cluster_gives_the_same_results():
    from dask import distributed
    s = parse_scenario(small(), ROOT / "scenarios", "a.toml")
    base = run(s).results
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        on_dask = run(s, executor=client).results
    pd.testing.assert_frame_equal(base, on_dask)


def test_a_run_repeats_exactly_from_its_manifest(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text(small(), encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "one")]) == 0
    assert main(["run", str(tmp_path / "one" / "manifest.json"), "--out", str(tmp_path / "two")]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one/results.parquet"),
                                  pd.read_parquet(tmp_path / "two/results.parquet"))
    assert "40 replicates × 2 comparisons" in capsys.readouterr().out


def test_a_run_goes_on_until_the_standard_error_is_reached():
    from simsuite.analytics.uncertainty import largest_se

    s = parse_scenario(small(), ROOT / "scenarios", "a.toml")
    target = 0.05
    result = run(s, until_se=target, max_replicates=4000)
    n = result.manifest["replicates"]
    assert n > 40 and (n - 40) % 16 == 0  # it went on, a chunk at a time
    assert largest_se(result.results) <= target == result.manifest["until_se"]
    # one chunk fewer would not have been enough
    fewer = run(dataclasses.replace(s, replicates=n - 16)).results
    assert largest_se(fewer) > target
    # and it equals a fixed run of that many replicate years, on any executor
    pd.testing.assert_frame_equal(result.results, run(dataclasses.replace(s, replicates=n)).results)
    pd.testing.assert_frame_equal(result.results, run(s, executor=2, until_se=target, max_replicates=4000).results)


def test_until_se_stops_at_the_maximum(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text(small(), encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "one"), "--until-se", "0.0001",
                 "--max-replicates", "64"]) == 0
    assert "64 replicates × 2 comparisons" in capsys.readouterr().out
    # the manifest repeats the 64 replicate years, not the file's 40
    assert main(["run", str(tmp_path / "one" / "manifest.json"), "--out", str(tmp_path / "two")]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one/results.parquet"),
                                  pd.read_parquet(tmp_path / "two/results.parquet"))


def test_scenario_round_trips_through_its_manifest():
    s = parse_scenario(small(), ROOT / "scenarios", "small.toml")
    again = parse_scenario(run(s).manifest["scenario_text"], ROOT / "scenarios", "small.toml")
    assert (again.year, again.replicates, again.seed, again.chunk) == (s.year, s.replicates, s.seed, s.chunk)
    assert [c.rulebook.parameters.digest() for c in again.comparisons] == \
        [c.rulebook.parameters.digest() for c in s.comparisons]
    assert again.behaviour == s.behaviour


@pytest.mark.parametrize("edit, message", [
    ({"replicates = 40": "replicats = 40"}, r"unknown key 'replicats'.*did you mean 'replicates'"),
    ({"replicates = 40": "replicates = 0"}, r"replicates = 0: expected a whole number in \[1, "),
    ({"chunk = 16": "chunk = 20"}, r"chunk = 20: must be a multiple of 16"),
    ({'rulebook = "ningxia-transport-2021"\nchanges': 'rulebook = "ningxia-2021"\nchanges'},
     r"no rulebook 'ningxia-2021'.*did you mean 'ningxia-transport-2021'"),
    ({"activity.mean = 3.0": "activity.maen = 3.0"}, r"activity\.maen.*did you mean 'activity\.mean'"),
    ({"activity.mean = 3.0": "activity.mean = -1.0"}, r"activity\.mean.*≥ 0"),
    ({'"normalise.enabled" = false': '"normalise.enable" = false'}, r"normalise\.enable'.*did you mean"),
    ({"[population]": "[populaton]"}, r"unknown key 'populaton'.*did you mean 'population'"),
])
def test_bad_scenarios_get_clear_errors(edit, message):
    with pytest.raises(ScenarioError, match="(?s)" + message):
        parse_scenario(small(**edit), ROOT / "scenarios", "bad.toml")


def test_simulate_writes_a_ledger_that_scores(tmp_path, capsys):
    out = tmp_path / "synthetic.xlsx"
    assert main(["simulate", "--rulebook", "harbin-2008", "--year", "2008", "--seed", "3", "--out", str(out)]) == 0
    assert main(["score", "--rulebook", "harbin-2008", "--history", str(out), "--out", str(tmp_path / "s.csv")]) == 0
    table = pd.read_csv(tmp_path / "s.csv", dtype={"unit_id": str})
    assert len(table) == 65 and set(table["award"].dropna()) <= {"model", "advanced"}


QUARTERS = """
[scenario]
title = "quarters"
year = 2018
replicates = 16
seed = 2
chunk = 16

[population]
rulebook = "jiande-2018"

[[compare]]
name = "{first}"
rulebook = "jiande-2018"
{first_changes}

[[compare]]
name = "{second}"
rulebook = "jiande-2018"
{second_changes}
"""


def test_a_quarter_variant_regroups_the_same_histories_whatever_the_order():
    moved = 'changes = { "calendar.quarter_starts" = [0, 2, 4, 6] }'
    one = run(parse_scenario(QUARTERS.format(first="base", first_changes="", second="moved", second_changes=moved),
                             ROOT / "scenarios", "a.toml")).results
    two = run(parse_scenario(QUARTERS.format(first="moved", first_changes=moved, second="base", second_changes=""),
                             ROOT / "scenarios", "b.toml")).results

    def part(frame, name):
        return frame[frame["comparison"] == name].drop(columns="comparison").reset_index(drop=True)

    pd.testing.assert_frame_equal(part(one, "base"), part(two, "base"))
    pd.testing.assert_frame_equal(part(one, "moved"), part(two, "moved"))
    assert not part(one, "base")["final"].equals(part(one, "moved")["final"])
    # the same histories: raw points do not depend on where the quarters begin
    pd.testing.assert_series_equal(part(one, "base")["points"], part(one, "moved")["points"])


def test_a_variant_that_moves_the_year_is_refused():
    text = QUARTERS.format(first="base", first_changes="", second="moved",
                           second_changes='changes = { "calendar.first_month" = 7 }')
    with pytest.raises(ScenarioError, match="first_month moves the assessment year"):
        parse_scenario(text, ROOT / "scenarios", "c.toml")


def test_bottom_three_of_a_pooled_ranking_agrees_with_the_run():
    from simsuite.analytics import rank_distribution

    text = (ROOT / "scenarios/ningxia-pooled.toml").read_text(encoding="utf-8")
    result = run(parse_scenario(text.replace("replicates = ", "replicates = 32 #"), ROOT / "scenarios", "p.toml"))
    for name in ("grouped", "pooled"):
        d = rank_distribution(result, name).set_index("unit_id")["p_bottom3"]
        r = result.results[result.results["comparison"] == name]
        expected = r.groupby("unit_id", observed=True)["bottom3"].mean().rename(index=str)
        np.testing.assert_allclose(d.sort_index().to_numpy(), expected.sort_index().to_numpy())
        assert list(d.sort_index().index) == list(expected.sort_index().index.astype(str))
    pooled = result.results[result.results["comparison"] == "pooled"]
    assert pooled["ranking_group"].nunique() == 1 and pooled["group"].nunique() == 2


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_analyses_and_writes_its_report(path, tmp_path):
    """Each shipped scenario, at a few replicates, through the analyses and
    the report: comparisons of different jurisdictions (different units,
    different groups) must not be compared as if they were one population."""
    from simsuite.report import analyse, write_report

    scenario = dataclasses.replace(read_scenario(path), replicates=32)
    result = run(scenario)
    write_report(result, tmp_path / "out", analyse(result))
    text = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for comp in scenario.comparisons:
        assert comp.name in text

"""Diagnostics: checked by hand on a tiny results table, and on a scenario
made degenerate on purpose (units that file almost nothing)."""

import re
from pathlib import Path

import numpy as np
import pandas as pd

from simsuite.analytics.diagnostics import diagnostics, warnings_of
from simsuite.report import analyse
from simsuite.runs import parse_scenario, run

ROOT = Path(__file__).parents[2]


def test_statistics_worked_out_by_hand():
    # one group of 4 units, 2 years:
    #   year 0: finals 5, 3, 3, 0 → ranks 1, 2, 2, 4: 3 distinct ranks, 2 units tied, first not tied
    #   year 1: finals 0, 0, 0, 0 → ranks 1, 1, 1, 1: 1 distinct rank, 4 tied, first tied
    # zero finals: 1 + 4 = 5 of 8; distinct ranks (3 + 1) / 2 = 2.0; tied (2 + 4) / 8; first tied in 1 of 2
    frame = pd.DataFrame({
        "comparison": "c", "rulebook": "r", "ranking_group": "g", "replicate": np.repeat([0, 1], 4),
        "final": [5, 3, 3, 0, 0, 0, 0, 0], "rank": [1, 2, 2, 4, 1, 1, 1, 1],
        "periods_met": [1, 0.5, 0.5, 0, 0, 0, 0, 0.25], "vetoed": np.nan, "at_cap": [1, 0, 0, 0, 0, 0, 0, 1],
        "items_a_month": 2.0,
    })
    (row,) = diagnostics(frame).to_dict("records")
    assert row["zero_final"] == 5 / 8
    assert row["distinct_ranks"] == 2.0
    assert row["tied_units"] == 6 / 8
    assert row["tied_first"] == 0.5
    assert row["periods_met"] == 2.25 / 8
    assert row["at_cap"] == 2 / 8
    assert np.isnan(row["vetoed"])  # no vetoes in this rulebook: not 0, but not applicable
    assert row["degenerate"]
    assert "62% of unit-years have a final of 0" in row["warning_en"]
    assert "75% of unit-years tie" in row["warning_en"] and "activity.mean" in row["warning_en"]
    assert "activity.mean" in row["warning_zh"] and "排名无效" in row["warning_zh"]


def test_a_degenerate_scenario_is_warned_about_everywhere():
    text = (ROOT / "scenarios/jiande-rank-vs-raw.toml").read_text(encoding="utf-8")
    text = re.sub(r"replicates = \d+", "replicates = 12", text)
    # units that file a tenth of an item a month: nobody reaches a quarterly target
    text += '\n[behaviour]\nactivity.mean = 0.1\n[behaviour.groups.township]\nactivity.mean = 0.1\n'
    result = run(parse_scenario(text, ROOT / "scenarios", "degenerate.toml"))
    table = diagnostics(result)
    township = table[(table["comparison"] == "rank points") & (table["group"] == "township")].iloc[0]
    assert township["degenerate"] and township["zero_final"] > 0.9
    assert township["periods_met"] < 0.05 and township["items_a_month"] < 0.2
    assert any("township" in en for _, en in warnings_of(table))
    analysis = analyse(result, figures=False)
    assert analysis.tables["diagnostics"]["degenerate"].any()
    (h,) = analysis.headlines
    assert any("乡镇(街道)" in s and "最终得分为 0" in s and "activity.mean" in s for s in h.zh)


def test_shipped_scenario_columns_are_consistent():
    text = (ROOT / "scenarios/longyang-caps.toml").read_text(encoding="utf-8")
    result = run(parse_scenario(re.sub(r"replicates = \d+", "replicates = 8", text), ROOT / "scenarios", "l.toml"))
    r = result.results
    # a unit at the cap of 40 is at or above it under the cap of 60 only if it filed 30 items: never more often
    at = r.groupby("comparison", observed=True)["at_cap"].mean()
    assert at["cap 40"] >= at["cap 60"] and np.isnan(at["no cap"])
    assert set(r["at_cap"].dropna().unique()) <= {0.0, 1.0}


def test_a_cap_added_as_a_component_is_measured_too(tmp_path):
    # Harbin's adoption points capped at a low 10 a year, added by a variant: most units reach it,
    # and the unit-years at the cap are exactly those whose capped adoption points equal 10
    (tmp_path / "cap.toml").write_text("""
[variant]
title = "采用计分年度封顶 10 分"
baseline = "harbin-2008"
add = ["year_cap"]

[changes]
year_cap.points = 10
year_cap.columns = ["adoption"]
""", encoding="utf-8")
    text = """
[scenario]
title = "哈尔滨: 采用计分封顶"
year = 2008
replicates = 8
seed = 2

[[compare]]
name = "baseline"
rulebook = "harbin-2008"

[[compare]]
name = "capped"
variant = "cap.toml"
"""
    result = run(parse_scenario(text, tmp_path, "cap-scenario.toml"))
    r = result.results
    capped = r[r["comparison"] == "capped"]
    assert capped["at_cap"].eq((capped["from_adoption"] >= 10 - 1e-9).astype(float)).all()
    assert capped["at_cap"].mean() > 0.5
    assert r[r["comparison"] == "baseline"]["at_cap"].isna().all()


def test_the_report_shows_diagnostics_and_says_traits_are_simulated(tmp_path):
    from simsuite.report import write_report
    from simsuite.report.labels import SIMULATED_TRAITS

    text = (ROOT / "scenarios/longyang-caps.toml").read_text(encoding="utf-8")
    result = run(parse_scenario(re.sub(r"replicates = \d+", "replicates = 6", text), ROOT / "scenarios", "l.toml"))
    analysis = analyse(result)
    write_report(result, tmp_path / "out", analysis)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "id='fit'" in page and "达到封顶的比例 share of unit-years reaching the cap" in page
    assert SIMULATED_TRAITS[0] in page
    # every chart of named units carries the same line
    shown = [f for f in analysis.figures if f.key.split("-")[0] in ("shift", "intervals", "heatmap", "sources")]
    assert shown and all(any("simulated" in t.get_text() for t in f.figure.texts) for f in shown)

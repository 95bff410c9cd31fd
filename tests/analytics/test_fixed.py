"""Figures a ranking fixes by construction are marked, and never shown as
findings: not in the report's tables, not in the run's printed headline."""

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from panels import make_panel
from simsuite.analytics.fidelity import group_bias
from simsuite.analytics.fixed import fixed_cells, group_fixed, hide_fixed
from simsuite.analytics.panel import panels
from simsuite.cli import main
from simsuite.report import analyse
from simsuite.runs import parse_scenario, run

ROOT = Path(__file__).parents[2]


def two_groups(R=40, seed=0, pooled=False):
    """Ranks of 6 units in groups a (4 units) and b (2 units), ranked within
    each group, or pooled into one ranking of 6."""
    rng = np.random.default_rng(seed)
    groups = ["a"] * 4 + ["b"] * 2
    if pooled:
        rank = np.argsort(np.argsort(rng.random((R, 6)), axis=1), axis=1) + 1
    else:
        rank = np.concatenate([np.argsort(np.argsort(rng.random((R, n)), axis=1), axis=1) + 1 for n in (4, 2)],
                              axis=1)
    p = make_panel(rank, groups=groups, quality=np.linspace(1, 0, 6))
    if pooled:
        p = p.__class__(**{**p.__dict__, "ranking_group": np.array(["a"] * 6, dtype=object)})
    return p


def test_group_averages_of_a_ranking_within_groups_are_fixed():
    p = two_groups()
    g = group_bias(p).set_index("group")
    # every year 3 of group a's 4 units and both of b's are in their top three
    assert g.loc["a", "p_top3"] == 3 / 4 and g.loc["b", "p_top3"] == 1.0
    assert g.loc["a", "p_top3_se"] == 0  # the tell-tale: no variation at all
    assert g.loc["a", "fixed"] == "p_top3" and g.loc["b", "fixed"] == "p_top3"
    assert group_fixed(p, p.group)["a"] == ["mean_rank", "p_first", "p_top3", "p_bottom3"]


def test_pooled_groups_and_other_attributes_are_findings():
    p = two_groups(pooled=True)
    g = group_bias(p).set_index("group")
    assert g.loc["a", "fixed"] == "" and g.loc["b", "fixed"] == ""  # ranked together: a real comparison
    assert g.loc["a", "p_top3_se"] > 0
    # within groups, but averaged by another attribute that cuts across them
    within = two_groups()
    kinds = pd.DataFrame({"unit_id": within.units["unit_id"], "type": ["x", "y", "x", "y", "x", "y"]})
    assert (group_bias(within, by="type", units=kinds)["fixed"] == "").all()
    # the whole population is always a union of ranking groups: its averages are fixed
    assert group_fixed(within, np.array(["all"] * 6))["all"][:3] == ["mean_rank", "p_first", "p_top3"]


def test_an_award_by_quota_is_fixed_and_one_withheld_by_disqualification_is_not():
    # 11 units ranked together; the last three are criticised every year (3/11),
    # the first three advanced unless disqualified, which happens in year 1
    rng = np.random.default_rng(2)
    rank = np.argsort(np.argsort(rng.random((20, 11)), axis=1), axis=1) + 1
    award = np.full(rank.shape, "", dtype=object)
    award[rank >= 9] = "criticised"
    award[rank <= 3] = "advanced"
    award[1, np.flatnonzero(rank[1] == 2)] = ""  # disqualified
    g = group_bias(make_panel(rank, award=award, groups=["section"] * 11)).iloc[0]
    assert g["p_criticised"] == pytest.approx(3 / 11)
    assert g["fixed"].split(", ") == ["p_top3", "p_criticised"]
    shown = hide_fixed(group_bias(make_panel(rank, award=award, groups=["section"] * 11)))
    assert "p_criticised" not in shown and "p_top3_se" not in shown
    assert shown["p_advanced"].iloc[0] == pytest.approx((3 * 20 - 1) / 11 / 20)  # a finding, kept


def test_hide_fixed_blanks_mixed_columns_and_drops_whole_ones():
    table = pd.DataFrame({"group": ["a", "b"], "p_top3": [0.75, 0.4], "p_top3_se": [0.0, 0.05],
                          "p_x": [0.1, 0.2], "fixed": ["p_top3, p_x", "p_x"]})
    assert fixed_cells(table) == [(0, "p_top3"), (0, "p_top3_se"), (0, "p_x"), (1, "p_x")]
    shown = hide_fixed(table)
    assert list(shown.columns) == ["group", "p_top3", "p_top3_se", "fixed"]
    assert np.isnan(shown.loc[0, "p_top3"]) and shown.loc[1, "p_top3"] == 0.4
    assert fixed_cells(shown) == []


# ---- the report and the headline of a real run --------------------------------------------------

SCENARIO = """
[scenario]
title = "宁夏: 分组与合并"
year = 2021
replicates = 16
seed = 7
chunk = 16

[population]
rulebook = "ningxia-transport-2021"

[[compare]]
name = "within groups"
rulebook = "ningxia-transport-2021"

[[compare]]
name = "pooled"
rulebook = "ningxia-transport-2021"
changes = { "grouping.merge" = { "2" = "1" } }
"""


class Tables(HTMLParser):
    """Each <table> of a page as its header and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


@pytest.fixture(scope="module")
def ningxia_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "groups.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_the_report_shows_no_fixed_figure(ningxia_run, tmp_path):
    result = run(parse_scenario(SCENARIO, ROOT / "scenarios", "groups.toml"))
    analysis = analyse(result, figures=False)
    for name, table in analysis.tables.items():
        assert fixed_cells(table) == [], name
    groups = analysis.tables["groups"].set_index(["comparison", "group"])
    # ranked within groups: 3/36 and 3/15 are the ranking's arithmetic, left out
    assert groups.loc[("within groups", "1"), "fixed"] == "p_top3"
    assert np.isnan(groups.loc[("within groups", "2"), "p_top3"])
    # pooled: group 2's chance of the shared top three is a finding, shown
    assert groups.loc[("pooled", "2"), "fixed"] == "" and groups.loc[("pooled", "2"), "p_top3"] < 3 / 15

    from simsuite.report import render_html

    from simsuite.report.labels import column_label

    page = Tables()
    page.feed(render_html(result, analysis))
    label = column_label
    shown = [t for t in page.tables if t and label("n_units") in t[0] and label("mean_points") in t[0]]
    assert len(shown) == 1
    header, rows = shown[0][0], shown[0][1:]
    top = header.index(label("p_top3"))
    for row in rows:
        if row[0] == "within groups":
            assert row[top] in ("", "—") and label("p_top3") in row[header.index(label("fixed"))]
        else:
            assert float(row[top].split("%")[0]) > 0  # e.g. "6.2% ± 0.3"


def test_the_headline_shows_no_fixed_figure(ningxia_run, tmp_path, capsys):
    assert main(["run", str(ningxia_run), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    results = pd.read_parquet(tmp_path / "out" / "results.parquet")
    # every average over all of a comparison's units that the ranking fixes ...
    fixed = set()
    for p in panels(results).values():
        fixed |= set(group_fixed(p, np.array(["all"] * len(p.units)))["all"])
    assert {"mean_rank", "p_top3"} <= fixed
    # ... is absent from what the run prints; what it prints varies with the rule
    for name in fixed:
        assert name not in printed
    # the headline speaks of movement and first place, which the rule decides
    assert "rank" in printed and "first place" in printed.lower()


def test_the_run_summary_marks_what_a_small_group_fixes():
    # Jilin's 3 project units, ranked on their own, are always in their top and bottom three
    text = """
[scenario]
title = "吉林"
year = 2015
replicates = 16
seed = 7

[population]
rulebook = "jilin-transport-2015"

[[compare]]
name = "baseline"
rulebook = "jilin-transport-2015"
"""
    summary = run(parse_scenario(text, ROOT / "scenarios", "jilin.toml")).summary.set_index("unit_id")
    project = summary[summary["group"] == "project"]
    assert len(project) == 3 and (project[["p_top3", "p_bottom3"]] == 1).all().all()
    assert (project["fixed"] == "p_top3, p_bottom3").all()
    assert (summary.loc[summary["group"] != "project", "fixed"] == "").all()

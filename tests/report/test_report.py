"""What `simsuite run` adds to a scenario's outputs: analysis tables, figures
with the data behind them, and a self-contained HTML report."""

import re
from pathlib import Path

import pandas as pd
import pytest

from simsuite.cli import main
from simsuite.report import analyse, write_report
from simsuite.runs import parse_scenario, run

ROOT = Path(__file__).parents[2]

# "same again" restates the baseline's own cap, which the loader also warns about
pytestmark = pytest.mark.filterwarnings("ignore::simsuite.engine.rulebook.RedundantChange")

SCENARIO = """
[scenario]
title = "隆阳: 封顶"
year = 2019
replicates = 32
seed = 3
chunk = 16

[population]
rulebook = "longyang-2019"

[[compare]]
name = "cap 40"
rulebook = "longyang-2019"
changes = { "item_points.cap" = 40 }

[[compare]]
name = "cap 60"
rulebook = "longyang-2019"

[[compare]]
name = "same again"
rulebook = "longyang-2019"
changes = { "item_points.cap" = 60 }
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    result = run(parse_scenario(SCENARIO, ROOT / "scenarios", "caps.toml"))
    out = tmp_path_factory.mktemp("run")
    analysis = analyse(result)
    write_report(result, out, analysis)
    return result, analysis, out


def test_variants_are_set_against_the_baseline_and_a_no_op_is_flagged(written):
    result, analysis, out = written
    pairs = [(c.base, c.variant) for c in analysis.comparisons]
    assert pairs == [("cap 60", "cap 40"), ("cap 60", "same again")]
    assert analysis.comparisons[1].identical and not analysis.comparisons[0].identical
    assert len(analysis.warnings) == 1 and "same again" in analysis.warnings[0]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "changes nothing" in html and "same again" in html


def test_the_report_is_self_contained(written):
    _, analysis, out = written
    html = (out / "report.html").read_text(encoding="utf-8")
    # nothing to fetch: no scripts, stylesheets or images from anywhere
    assert not re.search(r"""(src|href)=['"](?!data:)""", html)
    assert "<script" not in html
    assert html.count("data:image/png;base64,") == len(analysis.figures)
    assert "隆阳: 封顶" in html


def test_every_figure_has_its_data_and_every_table_is_in_the_workbook(written):
    _, analysis, out = written
    keys = {f.key for f in analysis.figures}
    assert {"shift-1", "shift-2", "intervals-1", "heatmap-1", "sources-1"} <= keys
    for fig in analysis.figures:
        assert (out / "figures" / f"{fig.key}.png").stat().st_size > 1000
        data = pd.read_csv(out / "figures" / f"{fig.key}.csv", encoding="utf-8-sig", dtype={"unit_id": str})
        assert len(data) == len(fig.data)
    sheets = pd.read_excel(out / "analysis.xlsx", sheet_name=None)
    assert set(sheets) == set(analysis.tables)
    assert {"distribution", "stability", "fidelity", "sources", "groups", "agreement", "award_changes"} <= set(sheets)


def test_several_rulebooks_get_the_side_by_side_table(tmp_path):
    text = (ROOT / "scenarios/five-rulebooks-common-population.toml").read_text(encoding="utf-8")
    text = text.replace("replicates = 500", "replicates = 16")
    result = run(parse_scenario(text, ROOT / "scenarios", "five.toml"))
    analysis = analyse(result, figures=False)
    assert list(analysis.tables["jurisdictions"]["comparison"]) == ["吉林 2015", "宁夏 2021", "哈尔滨 2008",
                                                                    "建德 2018", "隆阳 2019"]
    assert analysis.comparisons == []  # five rulebooks: nothing to set against a baseline
    table = analysis.tables["jurisdictions"]
    assert table[["volume_d_final", "quality_d_final"]].notna().all().all()
    # one more top-level adoption is worth something under every rulebook
    assert (table["quality_d_final"] > 0).all()


def test_the_cli_prints_the_no_op_warning(tmp_path, capsys):
    path = tmp_path / "caps.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "warning:" in printed and "same again" in printed
    assert (tmp_path / "out" / "report.html").exists()

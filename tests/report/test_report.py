"""What `simsuite run` adds to a scenario's outputs: analysis tables, figures
with the data behind them, and a self-contained HTML report."""

import re
from html import escape
from pathlib import Path

import pandas as pd
import pytest

from simsuite.cli import main
from simsuite.report import analyse, render_html, write_report
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
    # nothing to fetch: no scripts, stylesheets or images from anywhere (links within the page only)
    assert not re.search(r"""(src|href)=['"](?!data:|#)""", html)
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
    table = analysis.tables["jurisdictions"]
    assert list(analysis.tables["jurisdictions"]["comparison"]) == ["吉林 2015", "宁夏 2021", "哈尔滨 2008",
                                                                    "建德 2018", "隆阳 2019"]
    assert analysis.comparisons == []  # five rulebooks: nothing to set against a baseline
    # so each rulebook's headline says, per ranking group, how stable and how faithful its ranking is
    assert [h.variant for h in analysis.headlines] == list(table["comparison"])
    stability = analysis.tables["stability"]
    for h in analysis.headlines:
        rows = stability[stability["comparison"] == h.variant]
        for row, sentence in zip(rows.itertuples(), h.en):
            assert f"moves {row.expected_rank_shift:.1f} places between two years" in sentence
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
    # the headline of each comparison, not the mean rank and P(top 3) that group sizes fix
    joined = "".join(printed.split())  # lines wrap to the terminal
    assert "cap60→cap40" in joined and "第一名不变" in joined and "Firstplacedoesnotchange" in joined
    assert "mean_rank" not in printed and "p_top3" not in printed
    assert (tmp_path / "out" / "report.html").exists()


def _cells(html: str) -> tuple[list[str], list[str]]:
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", html)]
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]
    return heads, cells


def test_the_report_reads_like_a_brief(written):
    result, analysis, out = written
    html = (out / "report.html").read_text(encoding="utf-8")
    # the summary comes first, with every headline sentence in both languages
    summary = html[html.index("class='summary'"):html.index("</section>")]
    for h in analysis.headlines:
        for sentence in h.zh + h.en:
            assert escape(sentence) in summary
    assert html.index("class='summary'") < html.index("id='moves'") < html.index("id='awards'") \
        < html.index("id='glossary'")
    heads, cells = _cells(html)
    # Chinese and English labels, never snake_case; no six-decimal numbers
    assert heads and not [h for h in heads if re.search(r"[a-z]+_[a-z_]+", h)]
    assert "Kendall τ-b" in heads and "加权 τ weighted τ" in heads
    assert not [c for c in cells if re.search(r"\d\.\d{4,}", c)]
    # the glossary explains every rank-agreement statistic shown
    glossary = html[html.index("id='glossary'"):]
    for term in ("Kendall τ-b", "Spearman ρ", "加权 τ weighted τ", "标准误 SE"):
        assert term in glossary
    # printable: an A4 print stylesheet
    assert "@media print" in html and "size: A4" in html


def test_award_changes_are_shown_with_chinese_names(tmp_path):
    text = (ROOT / "scenarios/jiande-rank-vs-raw.toml").read_text(encoding="utf-8")
    text = re.sub(r"replicates = \d+", "replicates = 24", text)
    result = run(parse_scenario(text, ROOT / "scenarios", "jiande.toml"))
    analysis = analyse(result, figures=False)
    html = render_html(result, analysis)
    awards = html[html.index("id='awards'"):html.index("id='sure'")]
    _, cells = _cells(awards)
    assert "扣分第一档" in cells and "deduction-1" not in awards
    changes = analysis.tables["award_changes"]
    shown = changes[(changes["p_variant"] - changes["p_base"]).abs() >= 0.05]
    assert len(shown) > 0 and awards.count("<tr>") == len(shown) + 1  # one row each, and the header


def test_pooling_reads_as_a_change_of_scale(tmp_path):
    text = (ROOT / "scenarios/ningxia-pooled.toml").read_text(encoding="utf-8").replace(
        "replicates = 1000", "replicates = 16")
    result = run(parse_scenario(text, ROOT / "scenarios", "pooled.toml"))
    analysis = analyse(result, figures=False)
    shifts = analysis.tables["rank_shifts"]
    # within its own group, a unit of group 2 (15 units) never ranks below 15, though pooled it ranks up to 51
    assert shifts.groupby("group")["rank_variant"].max().to_dict()["2"] <= 15
    assert result.results.query("comparison == 'pooled'")["rank"].max() > 36
    (h,) = analysis.headlines
    assert h.zh[0].startswith("排名分组改变：名次范围由 第一组 1–36、第二组 1–15 变为 第一组 1–51")


def test_workbooks_are_ready_for_excel_users(written):
    import openpyxl

    result, analysis, out = written
    for book, sheet, probability in (("summary.xlsx", "summary", "前三名概率 P(top 3)"),
                                     ("analysis.xlsx", "award_changes", "基准下获得的概率 P(holds it), baseline")):
        ws = openpyxl.load_workbook(out / book)[sheet]
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2"
        # names beside the ids, Chinese (and English) headers, never snake_case
        assert header[header.index("单位编号 unit id") + 1] == "单位 unit"
        assert not [h for h in header if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", str(h))]
        k = header.index(probability)
        assert ws.cell(row=2, column=k + 1).number_format == "0.0%"
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
    summary = pd.read_excel(out / "summary.xlsx", sheet_name="summary", dtype={"单位编号 unit id": str})
    names = result.results.drop_duplicates("unit_id").set_index("unit_id")["name"].astype(str)
    assert (summary["单位 unit"] == summary["单位编号 unit id"].map(names)).all()
    # probabilities rounded to 0.1 % (three decimals), ranks to one decimal
    assert (summary["前三名概率 P(top 3)"] == summary["前三名概率 P(top 3)"].round(3)).all()
    assert (summary["平均名次 mean rank"] == summary["平均名次 mean rank"].round(1)).all()
    awards = pd.read_excel(out / "analysis.xlsx", sheet_name="award_changes")
    assert set(awards["奖项 award"]) <= {"先进单位", "通报批评"} and len(awards) > 0

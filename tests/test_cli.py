"""The simsuite command, as a user runs it."""

import re
from html import escape
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import simsuite
from simsuite.cli import main

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "data" / "examples" / "longyang-2019"


def test_rulebooks_lists_all_five_with_descriptions(capsys):
    assert main(["rulebooks"]) == 0
    out = capsys.readouterr().out
    for rid in simsuite.list_rulebooks()["id"]:
        assert rid in out
    assert "隆阳区工业和科技信息化局" in out


def test_rulebooks_compare_prints_the_generated_feature_table(capsys):
    assert main(["rulebooks", "--compare"]) == 0
    out = capsys.readouterr().out
    for feature in ("period", "normalisation", "rank-point tables", "awards", "caps"):
        assert feature in out
    assert "Dec–Nov" in out  # Jilin's shifted year, read from its calendar parameters
    assert "capped at 60" in out


def test_compare_follows_the_parameters_of_a_variant():
    base = simsuite.rulebook("longyang-2019")
    table = simsuite.compare_rulebooks([base, base.vary({"item_points.cap": 40}, title="cap 40")])
    assert "capped at 60" in table.loc["caps", "longyang-2019"]
    assert "capped at 40" in table.loc["caps", "cap 40"]


def test_outlets_prints_the_catalogue(capsys):
    assert main(["outlets", "jiande-2018"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"jd-zhejiang +《浙江政务信息》 +up2 +special +专报 +32 ", out)


def test_score_writes_csv_equal_to_the_python_call(tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["score", "--rulebook", "longyang-2019", "--history", str(EXAMPLE), "--out", str(out)]) == 0
    written = pd.read_csv(out, dtype={"unit_id": str}, keep_default_na=False)
    expected = simsuite.score("longyang-2019", EXAMPLE).table
    pd.testing.assert_frame_equal(written[["unit_id", "points", "final", "rank", "award"]],
                                  expected[["unit_id", "points", "final", "rank", "award"]], check_dtype=False)
    captured = capsys.readouterr()
    assert "left out" in captured.err  # the example has rows outside 2019


def test_score_writes_xlsx_with_its_stamp(tmp_path):
    out = tmp_path / "scores.xlsx"
    assert main(["score", "--rulebook", "longyang-2019", "--history", str(EXAMPLE), "--year", "2019",
                 "--variant", str(ROOT / "scenarios/variants/longyang-cap-40.toml"), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, dtype=str)
    assert set(sheets) == {"scores", "stamp", "left_out"}
    stamp = dict(zip(sheets["stamp"]["key"], sheets["stamp"]["value"]))
    assert stamp["rulebook"] == "longyang-2019" and stamp["simsuite"] == simsuite.__version__
    assert "40" in stamp["variant"]
    assert pd.to_numeric(sheets["scores"]["from_items"]).max() <= 40


def test_explain_says_where_points_came_from(capsys):
    table = simsuite.score("longyang-2019", EXAMPLE).table
    unit = table["unit_id"].iloc[0]
    assert main(["explain", "--rulebook", "longyang-2019", "--history", str(EXAMPLE), "--unit", unit]) == 0
    out = capsys.readouterr().out
    assert f"rank {table['rank'].iloc[0]} of {len(table)}" in out
    assert "六、(一)1" in out  # the article of the base points


def test_errors_are_one_clear_line_and_exit_2(tmp_path, capsys):
    assert main(["outlets", "longyang"]) == 2
    assert "did you mean 'longyang-2019'" in capsys.readouterr().err
    bad = tmp_path / "ledger"
    bad.mkdir()
    (bad / "units.csv").write_text("unit_id,name,group\n001,办公室,nosuchgroup\n", encoding="utf-8")
    (bad / "items.csv").write_text("item_id,unit_id,date,kind\n", encoding="utf-8")
    assert main(["score", "--rulebook", "longyang-2019", "--history", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "units" in err and "row 2" in err and "group" in err
    assert not (tmp_path / "x.csv").exists()


def test_behaviour_lists_the_models_parameters_with_their_assumptions(capsys):
    assert main(["behaviour"]) == 0
    out = capsys.readouterr().out
    assert "activity.mean" in out and "adoption.chance.national" in out and "assumption" in out


def test_behaviour_shows_what_a_jurisdictions_simulations_use(capsys):
    from simsuite.synthetic.behaviour import behaviour_table

    table = behaviour_table("harbin-2008").set_index("path")
    # Harbin's units file 18 items a month (its bureaus 13): the quota lines expect 10–15
    assert table.loc["activity.mean", "default"] == 4.0 and table.loc["activity.mean", "harbin-2008"] == 18.0
    assert table.loc["activity.mean", "groups"] == "bureau: 13.0"
    assert table.loc["quality.mean", "harbin-2008"] == table.loc["quality.mean", "default"]
    assert main(["behaviour", "--rulebook", "harbin-2008", "--wide"]) == 0
    assert "docs/calibration.md" in capsys.readouterr().out
    assert main(["behaviour", "--rulebook", "harbin"]) == 2
    assert "did you mean 'harbin-2008'" in capsys.readouterr().err


def _width(line: str) -> int:
    from simsuite.results.text import display_width

    return display_width(line)


@pytest.mark.parametrize("argv", [
    ["rulebooks", "--compare"],
    ["params", "ningxia-transport-2021"],
    ["behaviour"],
    ["explain", "--rulebook", "longyang-2019", "--history", str(EXAMPLE), "--unit", "经济运行股"],
])
def test_tables_fit_the_terminal_and_wide_gives_one_line_per_row(argv, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(argv) == 0
    fitted = capsys.readouterr().out
    assert max(_width(line) for line in fitted.splitlines()) <= 80
    assert main(argv + ["--wide"]) == 0
    wide = capsys.readouterr().out
    assert max(_width(line) for line in wide.splitlines()) > 80
    # wrapping cuts nothing: the same words, only the line breaks and padding differ
    assert sorted(fitted.split()) != [] and "".join(fitted.split()) != ""
    for word in set(wide.split()):
        if len(word) <= 6 and word.isascii():  # short words are never split across lines
            assert word in fitted


def _column(table: str, k: int) -> str:
    """Column ``k`` of a fitted table, its wrapped pieces joined: cut by screen columns under the dashes."""
    from simsuite.results.text import display_width

    lines = table.splitlines()
    rule = next(i for i, line in enumerate(lines) if set(line) <= {"-", " "} and line)
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    start, stop = spans[k]
    out = []
    for line in lines[rule + 1:]:
        used, piece = 0, ""
        for ch in line:
            if start <= used < stop:
                piece += ch
            used += display_width(ch)
        out.append(piece)
    return "".join("".join(out).split())


def test_explain_shows_every_citation_in_full(monkeypatch):
    from simsuite.results.text import fit_table

    explanation = simsuite.score("longyang-2019", EXAMPLE).explain("经济运行股")
    table = fit_table(explanation.points, 70)
    assert max(_width(line) for line in table.splitlines()) <= 70
    k = list(explanation.points.columns).index("cite")
    # the cite column, read down the wrapped table, holds every citation whole and in order
    assert _column(table, k) == "".join("".join(explanation.points["cite"]).split())
    assert _column(table, k) != ""
    text = explanation.to_text(width=70)
    assert table in text and "…" not in text
    html = explanation._repr_html_()
    for cite in set(explanation.points["cite"]) | set(explanation.steps["cite"]):
        assert escape(cite) in html
    assert "..." not in html and "…" not in html


@pytest.mark.parametrize("argv", [[], ["rulebooks"], ["params"], ["score"], ["explain"], ["run"], ["explore"]])
def test_help_is_plain_text(argv, capsys):
    with pytest.raises(SystemExit):
        main(argv + ["--help"])
    out = capsys.readouterr().out
    assert "usage: simsuite" in out
    assert not re.search(r"`|:func:|:class:|\*\*", out)  # no reStructuredText or Markdown markup


@given(st.text(alphabet="ab cd，。政务信息考核 ", max_size=200), st.integers(4, 60))
def test_wrapping_keeps_every_character_and_the_width(text, width):
    from simsuite.results.text import wrap

    lines = wrap(text, width)
    assert all(_width(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_a_wrapped_chinese_line_never_starts_with_closing_punctuation():
    from simsuite.results.text import CLOSING, wrap

    sentence = "奖项与扣分基本不变：没有单位获得任何奖项的概率变动 10% 以上（单位年度中奖项改变的占 4%）。"
    for width in range(12, 90):
        lines = wrap(sentence, width)
        assert all(_width(line) <= width for line in lines)
        assert not [line for line in lines if line[:1] in CLOSING], width


def test_awards_read_in_chinese_while_the_file_keeps_the_codes(tmp_path, capsys):
    from simsuite.results.awards import award_name

    assert [award_name(c) for c in ("deduction-1", "deduction-3", "no-deduction", "advanced", "model",
                                    "criticised", "")] == ["扣分第一档", "扣分第三档", "不扣分", "先进单位",
                                                           "标兵单位", "通报批评", "无"]
    out = tmp_path / "scores.csv"
    jiande = ROOT / "data" / "examples" / "jiande-2018"
    assert main(["score", "--rulebook", "jiande-2018", "--history", str(jiande), "--year", "2018",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    written = pd.read_csv(out, dtype=str)
    assert "deduction-1" in set(written["award"])  # the score table's contract: codes
    assert "扣分第一档 deduction-1" in printed
    assert "扣分第一档 deduction-1" in simsuite.score("jiande-2018", jiande, year=2018)._repr_html_()


NINGXIA = ROOT / "data" / "examples" / "ningxia-transport-2021"


def test_a_year_with_none_of_the_ledgers_items_is_an_error_naming_the_years_it_covers(tmp_path, capsys):
    # the Ningxia example has 1 item in 2020 and 48 in 2021, none in 2019
    out = tmp_path / "x.csv"
    assert main(["score", "--rulebook", "ningxia-transport-2021", "--history", str(NINGXIA), "--year", "2019",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "none of the ledger's 49 items fall in the assessment year 2019" in err
    assert "the ledger covers 2020 (1 item), 2021 (48 items)" in err
    assert not out.exists()


def test_a_year_with_fewer_than_half_of_the_items_is_a_warning(tmp_path, capsys):
    assert main(["score", "--rulebook", "ningxia-transport-2021", "--history", str(NINGXIA), "--year", "2020",
                 "--out", str(tmp_path / "x.csv")]) == 0
    err = capsys.readouterr().err
    assert "simsuite: warning:" in err
    assert "only 1 of the ledger's 49 items fall in the assessment year 2020" in err and "check --year" in err


def test_the_ledgers_own_year_gives_no_year_warning(tmp_path, capsys):
    assert main(["score", "--rulebook", "ningxia-transport-2021", "--history", str(NINGXIA),
                 "--out", str(tmp_path / "x.csv")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_explain_refuses_a_wrong_year_too(capsys):
    assert main(["explain", "--rulebook", "ningxia-transport-2021", "--history", str(NINGXIA), "--year", "2022",
                 "--unit", "001"]) == 2
    assert "none of the ledger's 49 items fall in the assessment year 2022" in capsys.readouterr().err


def test_a_gbk_ledger_scores_and_its_encoding_is_printed(tmp_path, capsys):
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    for csv in NINGXIA.glob("*.csv"):
        (gbk / csv.name).write_bytes(csv.read_text(encoding="utf-8").encode("gbk"))
    assert main(["score", "--rulebook", "ningxia-transport-2021", "--history", str(gbk),
                 "--out", str(tmp_path / "x.csv")]) == 0
    captured = capsys.readouterr()
    assert "simsuite: warning:" in captured.err and "units.csv: GB18030 (GBK)" in captured.err
    assert "银川市交通运输局" in captured.out


def test_a_copied_row_is_one_clear_error_with_its_row(tmp_path, capsys):
    import shutil

    folder = Path(shutil.copytree(NINGXIA, tmp_path / "n"))
    with (folder / "instructions.csv").open("a", encoding="utf-8") as f:
        f.write("a07,province,affirm,2021-05-10\n")
    assert main(["score", "--rulebook", "ningxia-transport-2021", "--history", str(folder),
                 "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "instructions.csv › instructions › row 7: the same instruction as row 2" in err
    assert "Traceback" not in err


def test_an_empty_ledger_is_an_error_not_an_empty_table(tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "units.csv").write_text("unit_id,name,group\n", encoding="utf-8")
    (folder / "items.csv").write_text("item_id,unit_id,date,kind\n", encoding="utf-8")
    out = tmp_path / "x.csv"
    assert main(["score", "--rulebook", "ningxia-transport-2021", "--history", str(folder), "--year", "2021",
                 "--out", str(out)]) == 2
    assert "the ledger lists no units, so there is nothing to score" in capsys.readouterr().err
    assert not out.exists()

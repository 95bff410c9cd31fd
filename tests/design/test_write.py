"""What a search writes: a folder with the front, every front member as a
variant file that loads back and scores the same, the baseline beside the
recommended designs, a report page; and the command line end to end."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from simsuite.cli import main
from simsuite.design import OBJECTIVES, parse_design, search
from simsuite.engine.variant_file import read_variant
from simsuite.report.design import STUDY_FILE, write_design

SPEC = """
[design]
title = "宁夏: 换算与采用分"
baseline = "ningxia-transport-2021"
seed = 5
replicates = 48
trials = 16
generation = 8
[population]
units = 20
groups = { "ningxia-transport-2021" = { "1" = 12, "2" = 8 } }
[search."normalise.enabled"]
choices = [true, false]
[search."adoption.points.nx-info.item"]
range = [1, 6]
step = 0.5
[constraints]
min_expected_final = 0
[objectives]
search = ["tau_b", "rank_shift", "change_size"]
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("design")
    spec = parse_design(SPEC, folder, "d.toml")
    result = search(spec)
    write_design(result, folder / "out")
    return result, folder / "out"


def test_the_folder_holds_everything(written):
    result, out = written
    for name in ("front.csv", "trials.csv", "designs.csv", "figures/front.png", "figures/front.csv",
                 "report.html", "design.toml"):
        assert (out / name).is_file(), name
    front = pd.read_csv(out / "front.csv", encoding="utf-8-sig")
    assert list(front["number"]) == list(result.front["number"])
    assert len(pd.read_csv(out / "trials.csv", encoding="utf-8-sig")) == 16
    page = (out / "report.html").read_text(encoding="utf-8")
    for o in OBJECTIVES.values():  # every objective is explained on the page, in Chinese and English
        assert all(html.escape(t) in page for t in (o.zh, o.en, o.meaning_zh, o.meaning))
    assert not list(out.parent.glob(".out.writing-*"))  # nothing left of the staging folder


def test_front_members_load_back_from_their_variant_files_and_score_the_same(written):
    result, out = written
    front = pd.read_csv(out / "front.csv", encoding="utf-8-sig", keep_default_na=False)
    files = [f for f in front["variant_file"] if f]
    assert files, "the search should find designs other than today's rule"
    for _, row in front[front["variant_file"] != ""].iterrows():
        rb = read_variant(out / row["variant_file"])
        again = result.bench.evaluate(rb)
        for name in OBJECTIVES:
            if pd.notna(result.front.set_index("number").loc[row["number"], name]):
                assert again.values[name][0] == pytest.approx(row[name]), (row["variant_file"], name)


def test_the_baseline_stands_beside_the_recommended_designs(written):
    result, out = written
    designs = pd.read_csv(out / "designs.csv", encoding="utf-8-sig")
    assert designs["design"].iloc[0].startswith("现行规则")
    assert designs["mean_abs_shift"].iloc[0] == 0
    assert designs["tau_b"].iloc[0] == pytest.approx(result.baseline.values["tau_b"][0])
    # each recommended design is a trial; its comparison with today's rule is read from the same histories
    for number, shift in zip(designs["number"].iloc[1:], designs["mean_abs_shift"].iloc[1:]):
        comparison = dict(result.comparisons().values())[int(number)]
        assert shift == pytest.approx((comparison.units["mean_abs_shift"]).mean())


def test_a_non_empty_folder_is_refused_without_force(written, tmp_path):
    result, out = written
    with pytest.raises(ValueError, match="not empty"):
        write_design(result, out)


def test_the_command_line_searches_writes_and_resumes(tmp_path, capsys):
    spec = tmp_path / "d.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["design", str(spec), "--out", str(out), "--trials", "8", "--wide"]) == 0
    assert (out / STUDY_FILE).is_file() and len(pd.read_csv(out / "trials.csv")) == 8
    printed = capsys.readouterr().out
    front = pd.read_csv(out / "front.csv")
    # the front as staff read it: named objectives, value ± SE, each design's changes
    assert "排名与真实质量一致度(τ-b) fidelity" in printed and "改动 changes" in printed
    first = front.iloc[0]
    assert f"{first['tau_b']:.3f} ± {first['tau_b_se']:.4f}" in printed
    assert main(["design", str(spec), "--out", str(out), "--trials", "16"]) == 2
    assert "--resume continues it" in capsys.readouterr().err
    assert main(["design", str(spec), "--out", str(out), "--trials", "16", "--resume"]) == 0
    resumed = pd.read_csv(out / "trials.csv")
    straight = search(parse_design(SPEC, tmp_path, str(spec)), trials=16).trials
    assert list(resumed["number"]) == list(range(16))
    assert resumed["tau_b"].tolist() == pytest.approx(straight["tau_b"].tolist())
    assert not (tmp_path / f".out.{STUDY_FILE}").exists()  # the working journal is gone once written


def test_command_line_mistakes_are_one_line(tmp_path, capsys):
    spec = tmp_path / "d.toml"
    spec.write_text(SPEC.replace("seed = 5", "sed = 5"), encoding="utf-8")
    assert main(["design", str(spec), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'sed' (did you mean 'seed'?)" in err
    assert main(["design", str(spec), "--out", str(tmp_path / "o"), "--resume"]) == 2
    assert "holds no study.journal" in capsys.readouterr().err


def test_a_search_where_nothing_meets_the_constraints_still_writes_its_folder(tmp_path):
    spec = parse_design(SPEC.replace("min_expected_final = 0", "min_expected_final = 1000000"), tmp_path, "d.toml")
    result = search(spec, trials=8)
    assert not result.trials["feasible"].any() and result.front.empty and result.recommended() == {}
    write_design(result, tmp_path / "out")
    designs = pd.read_csv(tmp_path / "out" / "designs.csv", encoding="utf-8-sig")
    assert len(designs) == 1  # today's rule alone
    assert "没有方案" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_changes_name_the_components_and_their_parameters():
    from simsuite.report.design import changes_text
    from simsuite.rulebooks import load

    rb = load("ningxia-transport-2021")
    v = rb.vary({"year_cap.points": 40.0, "quota.points": 4}, add=["year_cap"], remove=["zero_months"])
    text = changes_text(v, rb)
    for part in ("quota.points: 5 → 4", "year_cap.points = 40", "+ year_cap", "− zero_months"):
        assert part in text, text


def test_the_printed_front_names_each_objective_and_the_equilibrium_gap():
    from simsuite.cli import _front_table

    front = pd.DataFrame({"number": [0, 7], "tau_b": [0.1834, 0.2161], "tau_b_se": [0.0027, 0.0029],
                          "eps": [0.012, 0.031], "converged": [True, False]})
    table = _front_table(front, ["tau_b"], ["无改动 no change", "quota.points: 5 → 0"])
    assert table["改动 changes"].tolist() == ["无改动 no change", "quota.points: 5 → 0"]
    # τ-b to its 3 digits, its SE to one more, as the report shows them
    assert table["排名与真实质量一致度(τ-b) fidelity: Kendall's tau-b of rank vs latent quality"].tolist() == [
        "0.183 ± 0.0027", "0.216 ± 0.0029"]
    assert table["ε 均衡残余收益 equilibrium gap"].tolist() == ["0.012", "0.031 (未收敛 not converged)"]

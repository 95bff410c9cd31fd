"""Rulebooks as data: the component catalogue, rulebook files checked against
what their components read, rulebooks from any path, and variants that add
and remove components."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import simsuite
from simsuite.cli import main
from simsuite.engine.rulebook import VariantError
from simsuite.engine.variant_file import read_variant, write_variant
from simsuite.rulebooks import HERE, RulebookError, available, load, load_file
from simsuite.rules.registry import CATALOGUE, SOURCES, catalogue, source_labels, source_of_column

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "data" / "examples"


def _copy(tmp_path, rid="jiande-2018", edit=None, name=None) -> Path:
    text = (HERE / f"{rid}.toml").read_text(encoding="utf-8")
    if edit is not None:
        old, new = edit
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or f"{rid}.toml")
    path.write_text(text, encoding="utf-8")
    return path


# ---- the catalogue -------------------------------------------------------------
def test_built_in_rulebooks_are_found_by_scanning_their_folder():
    assert available() == sorted(p.stem for p in HERE.glob("*.toml"))
    assert not list(HERE.glob("*_20*.py"))  # no composition modules left


def test_every_component_is_registered_once_with_what_it_reads():
    cat = catalogue()
    assert {"co_submission", "year_cap", "normalise_year", "monthly_quota", "rank_units"} <= set(cat)
    for name, c in cat.items():
        assert c.name == name and c.zh and c.en and c.doc, name
        for spec in c.params:
            assert spec.zh and spec.en, (name, spec.path)
            assert spec.required or spec.cite, (name, spec.path)  # a default says where it comes from


def test_panels_and_charts_read_the_sources_from_the_catalogue():
    from simsuite.analytics.panel import SOURCE_OF_COMPONENT
    from simsuite.plots.charts import COMPONENT_NAMES

    assert SOURCE_OF_COMPONENT == source_of_column()
    assert set(SOURCE_OF_COMPONENT.values()) <= set(SOURCES)
    assert COMPONENT_NAMES == source_labels()
    # every score-table column a built-in rulebook credits has a source
    for rid in available():
        cols = [c[5:] for c in simsuite.score(rid, EXAMPLES / rid).table.columns if c.startswith("from_")]
        assert set(cols) <= set(SOURCE_OF_COMPONENT), rid


@pytest.mark.parametrize("rid", available())
def test_every_parameter_of_a_rulebook_is_read_by_one_of_its_components(rid):
    rb = simsuite.rulebook(rid)
    cat = catalogue()
    specs = [s for n in rb.component_names for s in cat[n].params]
    from simsuite.rules.registry import BASE

    for path in rb.parameters.leaves:
        assert any(s.covers(path) for s in specs + list(BASE)), path


def test_co_submission_is_a_component_the_engine_does_not_know():
    import inspect

    from simsuite.engine import score

    src = inspect.getsource(score)
    assert "co_submission" not in src and "share_with_co_units" not in src and "..rules" not in src
    rb = simsuite.rulebook("ningxia-transport-2021")
    assert "co_submission" in rb.component_names
    without = rb.vary(remove=["co_submission"])
    a = rb.score(EXAMPLES / rb.id).table.set_index("unit_id")
    b = without.score(EXAMPLES / rb.id).table.set_index("unit_id")
    # the co-units' halves disappear and nothing else changes: every difference is a co-unit's share
    assert (a["from_adoption"] >= b["from_adoption"]).all() and (a["from_adoption"] > b["from_adoption"]).any()


# ---- rulebook files are checked --------------------------------------------------
@pytest.mark.parametrize("edit, message", [
    (("[override.enabled]", "[override.enable]"),
     r"jiande-2018\.toml.*\[override\.enable\] is read by no component of this rulebook \(did you mean 'override\.enabled'\?\)"),
    (('"award_tiers"]', '"award_tier"]'), r"no rule component 'award_tier' \(did you mean 'award_tiers'\?\)"),
    (('"rank_units", "award_tiers"]', '"award_tiers", "rank_units"]'),
     r"component 'rank_units' \(rank\) must come before 'award_tiers' \(award\)"),
    (("[final.combine]\nvalue = \"sum\"", "[final.combine]\nvalue = \"total\""),
     r"final\.combine.*takes one of \['mean', 'sum'\], not 'total'"),
    (("[award.top_percent]\nvalue = 30", "[award.top_percent]\nvalue = 130"), r"award\.top_percent.*≤ 100"),
    (("[award.later_tiers]\nvalue = 3", "[award.later_tiers]\nvalue = \"three\""), r"award\.later_tiers.*number"),
    (("value = { township = 30, A = 30, B = 20, C = 10 }", "value = { township = 30, A = 30, B = 20, D = 10 }"),
     r"rank_points\.target\.D: 'D' is not one of the groups .*\(did you mean 'A'\?\)|no entry for group\(s\) \['C'\]"),
    (("[rulebook]\nid", "[rulebook]\nseed = \"x.txt\"\nid"), r"\[rulebook\] has unknown key 'seed'"),
    # a table where the component reads one value
    (("[award.later_tiers]\nvalue = 3", "[award.later_tiers]\nvalue = { A = 3 }"),
     r"award\.later_tiers: one value \(integer\), not a table: found award\.later_tiers\.A"),
    # points by outlet but not by section: a mistake a new bureau's file makes, named with the fix
    (("jd-special = { item = 8 }", "jd-special = 8"),
     r"adoption\.points\.jd-special: .*found 1: give one value by sections, e\.g\. jd-special = \{ item = … \}"),
])
def test_a_bad_rulebook_file_names_the_file_and_the_key(tmp_path, edit, message):
    path = _copy(tmp_path, edit=edit)
    with pytest.raises(RulebookError, match=re.compile(message, re.S)):
        load_file(path)


def test_a_missing_required_parameter_is_named(tmp_path):
    text = (HERE / "jiande-2018.toml").read_text(encoding="utf-8")
    text = re.sub(r"\[final\.combine\]\n(?:.+\n)+", "", text)
    path = tmp_path / "j.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError, match=r"missing required parameter final\.combine .*'combine_quarters'"):
        load_file(path)


def test_a_parameter_read_only_under_a_condition_that_does_not_hold_is_refused(tmp_path):
    path = _copy(tmp_path, "longyang-2019", ("[item_points.cap_enabled]\nvalue = true", "[item_points.cap_enabled]\nvalue = false"))
    with pytest.raises(RulebookError, match=r"item_points\.cap is not read while item_points\.cap_enabled is False"):
        load_file(path)


def test_a_parameter_of_a_component_not_composed_says_which_component_reads_it(tmp_path):
    path = _copy(tmp_path, "harbin-2008", ("[award.top.model]", "[normalise.scale]\nvalue = 5\ncite = \"四、\"\n\n[award.top.model]"))
    with pytest.raises(RulebookError, match=r"\[normalise\.scale\] is read by no component.*'normalise_quarters'"):
        load_file(path)


# [0,3,6,9,10], [0,6] and [3,0,6,9] used to change finals without a word
@pytest.mark.parametrize("starts, reason", [
    ("[0, 3, 6, 9, 10]", r"5 periods, but the rules score 4 quarters"),
    ("[0, 6]", r"2 periods, but the rules score 4 quarters"),
    ("[3, 0, 6, 9]", r"must be in increasing order"),
    ("[0, 3, 3, 9]", r"a month starts two quarters"),
    ("[1, 4, 7, 10]", r"the first quarter must start the year"),
    ("[0, 3, 6, 12]", r"max|≤ 11|a month 0\.\.11"),
])
def test_a_calendar_the_rules_cannot_honour_is_refused_with_a_reason(tmp_path, starts, reason):
    path = _copy(tmp_path, "ningxia-transport-2021", ("value = [0, 3, 6, 9]", f"value = {starts}"))
    with pytest.raises(RulebookError, match=reason):
        load_file(path)
    with pytest.raises(VariantError, match=reason):
        simsuite.rulebook("ningxia-transport-2021").vary({"calendar.quarter_starts": eval(starts)})


def test_a_file_parameter_may_narrow_but_not_widen_what_a_component_allows(tmp_path):
    path = _copy(tmp_path, "ningxia-transport-2021", ("[normalise.scale]\nvalue = 5\nmin = 0", "[normalise.scale]\nvalue = 5\nmin = -5"))
    with pytest.raises(RulebookError, match=r"\[normalise\.scale\] min = -5 is outside what the component allows"):
        load_file(path)


# ---- a rulebook from any path ------------------------------------------------------
def test_a_rulebook_file_outside_the_package_scores_like_the_built_in(tmp_path):
    path = _copy(tmp_path, "ningxia-transport-2021", ('id = "ningxia-transport-2021"', 'id = "my-ningxia-2021"'),
                 name="my-ningxia.toml")
    mine = simsuite.score(path, EXAMPLES / "ningxia-transport-2021")
    base = simsuite.score("ningxia-transport-2021", EXAMPLES / "ningxia-transport-2021")
    assert mine.rulebook.id == "my-ningxia-2021"
    cols = ["unit_id", "points", "final", "rank", "award"]
    assert mine.table[cols].equals(base.table[cols])
    assert simsuite.rulebook(str(path)).id == "my-ningxia-2021"


def test_every_command_takes_a_rulebook_file(tmp_path, capsys):
    path = _copy(tmp_path, "longyang-2019", ('id = "longyang-2019"', 'id = "my-longyang-2019"'), name="mine.toml")
    ledger = EXAMPLES / "longyang-2019"
    assert main(["params", str(path)]) == 0
    assert "item_points.cap" in capsys.readouterr().out
    assert main(["outlets", str(path)]) == 0
    assert "ly-district" in capsys.readouterr().out
    assert main(["score", "--rulebook", str(path), "--history", str(ledger), "--out", str(tmp_path / "s.csv")]) == 0
    assert (tmp_path / "s.csv").exists()
    capsys.readouterr()
    assert main(["explain", "--rulebook", str(path), "--history", str(ledger), "--unit", "001"]) == 0
    assert "六、(一)1" in capsys.readouterr().out
    out = tmp_path / "sim"
    assert main(["simulate", "--rulebook", str(path), "--year", "2019", "--units", "6", "--out", str(out)]) == 0
    assert (out / "items.csv").exists()


def test_variant_and_scenario_files_take_a_rulebook_file(tmp_path):
    _copy(tmp_path, "longyang-2019", ('id = "longyang-2019"', 'id = "my-longyang-2019"'), name="mine.toml")
    (tmp_path / "v.toml").write_text(
        '[variant]\ntitle = "cap 40"\nbaseline = "mine.toml"\n\n[changes]\nitem_points.cap = 40\n', encoding="utf-8")
    v = read_variant(tmp_path / "v.toml")
    assert v.root.id == "my-longyang-2019" and v.parameters["item_points.cap"] == 40
    again = read_variant(write_variant(v, tmp_path / "w.toml"))
    assert again.parameters.digest() == v.parameters.digest()
    (tmp_path / "s.toml").write_text(
        '[scenario]\ntitle = "mine"\nyear = 2019\nreplicates = 4\nseed = 1\n\n[population]\nunits = 6\n\n'
        '[[compare]]\nname = "mine"\nrulebook = "mine.toml"\n', encoding="utf-8")
    from simsuite.runs import read_scenario

    s = read_scenario(tmp_path / "s.toml")
    assert s.comparisons[0].rulebook.id == "my-longyang-2019"


# ---- variants add and remove components ---------------------------------------------
def test_harbin_adoption_points_capped_a_year():
    harbin = simsuite.rulebook("harbin-2008")
    capped = harbin.vary({"year_cap.points": 100}, add=["year_cap"])
    assert capped.component_names.index("year_cap") == capped.component_names.index("instruction_points") + 1
    assert capped.parameters["year_cap.columns"] == ("adoption",)  # the documented defaults
    assert harbin.vary(add=["year_cap"]).parameters["year_cap.points"] == 100
    # at 30 a year: unit 001 earned 39 adoption points in the example ledger, so it keeps 30
    # (points 159 - 9 = 150); 004 earned 34 → 30 (107 - 4 = 103); the others stay under 30
    tight = harbin.vary({"year_cap.points": 30}, add=["year_cap"])
    base = harbin.score(EXAMPLES / "harbin-2008").table.set_index("unit_id")
    t = tight.score(EXAMPLES / "harbin-2008").table.set_index("unit_id")
    assert t.loc["001", "from_adoption"] == 30 and t.loc["001", "points"] == 150
    assert t.loc["004", "from_adoption"] == 30 and t.loc["004", "points"] == 103
    assert (t["from_adoption"] == np.minimum(base["from_adoption"], 30)).all()
    # the explanation lists the same capped credits, adoption by adoption
    rows = tight.score(EXAMPLES / "harbin-2008").explain("001").points
    assert rows.loc[rows.component == "adoption", "points"].sum() == 30


def test_jiande_quarters_normalised_to_the_first_placed_unit():
    jiande = simsuite.rulebook("jiande-2018")
    v = jiande.vary(add=["normalise_quarters"], remove=["rank_point_quarters"])
    assert "rank_points.target.A" not in v.parameters and v.parameters["normalise.scale"] == 100
    t = v.score(EXAMPLES / "jiande-2018").table
    for q in range(1, 5):
        top = t.groupby("group")[f"points_q{q}"].transform("max")
        want = np.where(top > 0, np.maximum(100 * t[f"points_q{q}"] / top.where(top > 0, 1), 0), 0)
        assert np.allclose(t[f"efficiency_q{q}"], want)
    total = sum(t[f"efficiency_q{q}"] for q in range(1, 5))  # final.combine = sum
    assert np.allclose(t["final"], np.where(t["year_vetoed"], 0, total))


def test_ningxia_top_and_bottom_awards():
    nx = simsuite.rulebook("ningxia-transport-2021")
    # 先进单位 by the year's points is a parameter, off by default: nobody gets an award
    assert nx.parameters["award.advanced_top"] == 0 and nx.parameters["award.by"] == "points"
    assert (nx.score(EXAMPLES / nx.id).table["award"] == "").all()
    v = nx.vary({"award.advanced_top": 3, "award.criticised_bottom": 3})
    t = v.score(EXAMPLES / "ningxia-transport-2021").table.set_index("unit_id")
    # groups of 3 and 2 units: everyone is within the top three, and advanced wins over criticised
    assert (t["award"] == "advanced").all()
    one = nx.vary({"award.advanced_top": 1, "award.criticised_bottom": 1})
    t = one.score(EXAMPLES / "ningxia-transport-2021").table.set_index("unit_id")
    # year's points: group 1: 001 36, 008 1, 032 -5; group 2: 037 36, 041 16
    assert t["award"].to_dict() == {"001": "advanced", "008": "", "032": "criticised", "037": "advanced",
                                    "041": "criticised"}
    # the component added afresh comes with its documented defaults: top three, bottom three, by the final
    again = nx.vary(remove=["award_top_and_bottom"]).vary(add=["award_top_and_bottom"])
    p = again.parameters
    assert (p["award.advanced_top"], p["award.criticised_bottom"], p["award.by"]) == (3, 3, "final")


def test_harbin_year_total_normalised_to_each_series_first():
    v = simsuite.rulebook("harbin-2008").vary(add=["normalise_year"])
    t = v.score(EXAMPLES / "harbin-2008").table.set_index("unit_id")
    # district: 001 is first with 159 points → 100; 002 has 136 → 100 × 136 / 159 = 85.534591…
    assert t.loc["001", "final"] == 100
    assert t.loc["002", "final"] == pytest.approx(100 * 136 / 159)
    assert t.loc["060", "final"] == t.loc["061", "final"] == 100  # office: tied first with 96


def test_variant_files_add_and_remove_components(tmp_path):
    (tmp_path / "v.toml").write_text(
        '[variant]\ntitle = "建德 换算"\nbaseline = "jiande-2018"\nadd = ["normalise_quarters"]\n'
        'remove = ["rank_point_quarters"]\n\n[changes]\nnormalise.scale = 5\n', encoding="utf-8")
    v = read_variant(tmp_path / "v.toml")
    assert "normalise_quarters" in v.component_names and "rank_point_quarters" not in v.component_names
    assert v.parameters["normalise.scale"] == 5
    again = read_variant(write_variant(v, tmp_path / "again.toml"))
    assert again.component_names == v.component_names and again.parameters.digest() == v.parameters.digest()


def test_bad_component_changes_are_named():
    nx = simsuite.rulebook("ningxia-transport-2021")
    with pytest.raises(VariantError, match=r"cannot add 'award_top_and_botom': no such rule component "
                                           r"\(did you mean 'award_top_and_bottom'\?\)"):
        nx.vary(add=["award_top_and_botom"])
    with pytest.raises(VariantError, match=r"cannot remove 'rank_point_quarters': not a component"):
        nx.vary(remove=["rank_point_quarters"])
    with pytest.raises(VariantError, match=r"no parameter 'year_cap\.points' \(read by component 'year_cap': add it\)"):
        nx.vary({"year_cap.points": 10})
    with pytest.raises(VariantError, match=r"missing required parameter bonus\.kinds .*'first_adoption_bonus'"):
        nx.vary(add=["first_adoption_bonus"])


def test_the_authoring_guide_carries_the_generated_catalogue():
    from simsuite.rulebooks.catalogue import catalogue_markdown

    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    start = text.index("<!-- catalogue:")
    body = text[text.index("\n", start) + 1:text.index("<!-- end of catalogue -->")].strip()
    assert body == catalogue_markdown().strip(), "regenerate the catalogue in docs/authoring.md"
    for name in catalogue():
        assert f"### `{name}`" in body


def test_components_command_prints_the_catalogue(capsys):
    assert main(["components"]) == 0
    out = capsys.readouterr().out
    assert "### `year_cap`" in out and "**required**" in out


def test_the_feature_table_follows_added_and_removed_components():
    harbin = simsuite.rulebook("harbin-2008")
    v = harbin.vary({"year_cap.points": 80}, add=["year_cap", "normalise_year"], title="capped")
    table = simsuite.compare_rulebooks([harbin, v])
    assert table.loc["caps", "harbin-2008"] == "none"
    assert table.loc["caps", "capped"] == "adoption points capped at 80 a year"
    assert table.loc["normalisation", "capped"] == "the year's total to the group's first = 100"
    jiande = simsuite.rulebook("jiande-2018").vary(remove=["rank_point_quarters"], add=["normalise_quarters"],
                                                     title="normalised")
    row = simsuite.compare_rulebooks([jiande]).loc[:, "normalised"]
    assert row["rank-point tables"] == "none" and row["final score"] == "sum of the quarters' efficiency scores"


@pytest.mark.parametrize("rid, edit, message", [
    ("harbin-2008", ("value = { district = 2, county = 3, bureau = 10, office = 2 }",
                     "value = { district = 2, county = 3, bureau = 10, ofice = 2 }"),
     r"award\.top\.model\.ofice: 'ofice' is not one of the groups .*\(did you mean 'office'\?\)"),
    ("ningxia-transport-2021", ("[grouping.merge]\nvalue = {}", "[grouping.merge]\nvalue = { \"3\" = \"1\" }"),
     r"grouping\.merge: no group '3'"),
])
def test_group_keys_of_awards_and_pooling_are_checked(tmp_path, rid, edit, message):
    with pytest.raises(RulebookError, match=re.compile(message, re.S)):
        load_file(_copy(tmp_path, rid, edit))


@pytest.mark.parametrize("rid, change, message", [
    # a second key from the wrong vocabulary: read by nothing, or a failure only when scored
    ("harbin-2008", {"instruction.points.city.raed": 1},
     r"instruction\.points\.city\.raed: 'raed' is not one of the instruction_kinds .*\(did you mean 'read'\?\)"),
    ("jiande-2018", {"adoption.points.jd-hangzhou.spcial": 1},
     r"'spcial' is not one of the sections of jd-hangzhou \(key, special\).*did you mean 'special'"),
    ("jiande-2018", {"adoption.group_points.township.jd-hangzhou.ky": 1},
     r"'ky' is not one of the sections of jd-hangzhou"),
    ("jiande-2018", {"adoption.multiplier.commissioned.jd-hangzou": 2},
     r"'jd-hangzou' is not one of the outlets .*did you mean 'jd-hangzhou'"),
    # too deep or too shallow for the table
    ("harbin-2008", {"instruction.points.city.read.x": 1},
     r"instruction\.points is a table by levels → instruction_kinds \(1 or 2 keys below it\), found 3"),
    ("jiande-2018", {"adoption.points.jd-hangzhou": 1},
     r"adoption\.points is a table by outlets → sections \(2 keys below it\), found 1"),
    ("harbin-2008", {"award.top.model.x.y": 1}, r"'x' is not one of the groups"),
])
def test_every_key_of_a_nested_table_is_checked_in_a_variant(rid, change, message):
    with pytest.raises(VariantError, match=re.compile(message, re.S)):
        load(rid).vary(change)


def test_every_key_of_a_nested_table_is_checked_in_a_rulebook_file(tmp_path):
    edit = ("value = { key = 16, special = 32 }", "value = { key = 16, speical = 32 }")
    with pytest.raises(RulebookError, match=re.compile(r"jiande-2018.*'speical' is not one of the sections of jd-hangzhou", re.S)):
        load_file(_copy(tmp_path, "jiande-2018", edit))

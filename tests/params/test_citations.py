"""Every parameter carries its citation; every numbered decision is a parameter."""

import pytest

import simsuite
from simsuite.params import read_rulebook_file
from simsuite.rulebooks import HERE, available

RULEBOOKS = available()


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_every_parameter_cites_an_article_or_decision(rulebook_id):
    assert simsuite.rulebook(rulebook_id).parameters.uncited() == []


def test_a_parameter_without_citation_is_caught(tmp_path):
    text = (HERE / "longyang-2019.toml").read_text(encoding="utf-8")
    text = text.replace('cite = "六、(一)1 最多计60分"', 'cite = ""', 1)
    path = tmp_path / "longyang-2019.toml"
    path.write_text(text, encoding="utf-8")
    assert read_rulebook_file(path).parameters.uncited() == ["item_points.cap_enabled"]


# Each numbered decision (docs/decisions.md), the parameter that embodies it, and its default.
DECISIONS = [
    ("ningxia-transport-2021", "NX-1", "zero_month.points", -5),
    ("ningxia-transport-2021", "NX-1", "quota.items.1", 2),
    ("ningxia-transport-2021", "NX-2", "item_points.kinds", ("research", "commissioned")),
    ("ningxia-transport-2021", "NX-3", "instruction.points.national", 10),
    ("ningxia-transport-2021", "NX-3", "instruction.points.city", 0),
    ("ningxia-transport-2021", "NX-4", "co_submission.covers_instructions", True),
    ("ningxia-transport-2021", "NX-5", "normalise.floor_negative", True),
    ("ningxia-transport-2021", "NX-5", "normalise.top_not_positive", "zero"),
    ("jiande-2018", "JD-1", "adoption.combine", "sum"),
    ("jiande-2018", "JD-2", "award.later_tiers", 3),
    ("jilin-transport-2015", "JL-1", "checklist.quota.project", 1),
    ("jilin-transport-2015", "JL-1", "checklist.rule.submission-1", "items_per_week"),
    ("jilin-transport-2015", "JL-2", "checklist.rule.submission-3", "research_every_quarter"),
    ("jilin-transport-2015", "JL-3", "instruction.points.bureau.reference", 5),
    ("jilin-transport-2015", "JL-3", "instruction.points.national.decision", 40),
    ("jilin-transport-2015", "JL-3", "instruction.points.county", 0),
    ("harbin-2008", "HRB-1", "checklist.rule.submission-4", "research_every_quarter"),
    ("harbin-2008", "HRB-2", "instruction.points.ministry.reference", 15),
    ("harbin-2008", "HRB-2", "instruction.points.bureau", 0),
    ("longyang-2019", "LY-1", "bonus.points", 15),
    ("longyang-2019", "LY-1", "bonus.kinds", ("research", "commissioned")),
    ("longyang-2019", "LY-2", "award.disqualify_count", 2),
    ("longyang-2019", "LY-2", "award.disqualify_event", "commission_missed"),
]


@pytest.mark.parametrize("rulebook_id, decision, path, default", DECISIONS)
def test_decision_is_a_cited_parameter_with_its_default(rulebook_id, decision, path, default):
    p = simsuite.rulebook(rulebook_id).parameters
    assert p[path] == default
    assert decision in p.param(path).cite


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_common_decisions_are_cited_where_they_apply(rulebook_id):
    p = simsuite.rulebook(rulebook_id).parameters
    # C-1/C-3/C-4 are named where a rulebook relies on them
    cites = " ".join(x.cite for x in p)
    if p["co_submission.share"] == 0:
        assert "C-3" in p.param("co_submission.share").cite
    assert "decision " in cites


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_outlet_catalogue_is_queryable_and_matches_points(rulebook_id):
    rb = simsuite.rulebook(rulebook_id)
    cat = rb.outlets()
    assert list(cat.columns) == ["outlet", "name", "level", "section", "section_name", "points", "cite"]
    assert len(cat) == len(rb.pairs)
    for row in cat.itertuples():
        assert row.points == rb.parameters[f"adoption.points.{row.outlet}.{row.section}"]
        assert row.cite
    assert set(cat["level"]) <= {"own", "up1", "up2", "national"}


def test_outlet_points_from_the_catalogue():
    # the documents' adoption tables, read back through the catalogue
    nx = simsuite.rulebook("ningxia-transport-2021").outlets().set_index(["outlet", "section"])["points"]
    assert nx[("nx-info", "brief")] == 1 and nx[("nx-central", "item")] == 10
    hrb = simsuite.rulebook("harbin-2008").outlets().set_index(["outlet", "section"])["points"]
    assert hrb[("hrb-city", "research-large")] == 5 and hrb[("hrb-state-council", "research")] == 20


def test_parameter_table_lists_value_range_and_citation():
    frame = simsuite.rulebook("jiande-2018").parameters.frame()
    row = frame.set_index("path").loc["rank_points.target.township"]
    assert row["value"] == 30 and row["range"] == "[0, 1000]" and "四、2" in row["cite"]


def test_jilin_groups_cite_who_the_method_assesses():
    # 考核办法 一、 names the assessed: 局机关各处(室), 各项目办, 局属各单位;
    # the notice has no 抄送 line to cite.
    groups = simsuite.rulebook("jilin-transport-2015").file.groups
    for g in groups.values():
        assert "一、考核对象" in g.cite and "抄送" not in g.cite
    assert "JL-1" in groups["project"].cite  # the project offices' quota is a decision


def test_jiande_rest_values_each_cite_their_own_clause():
    # 四、2 gives 后六名 5 (township), 后八名 10 (A), 后四名 3 (B); C's table
    # ends at 4 with no 后N名 clause, so its rest value is a reading of that.
    p = simsuite.rulebook("jiande-2018").parameters
    cites = {g: p.param(f"rank_points.rest.{g}").cite for g in ("township", "A", "B", "C")}
    assert "后六名得基本分5分" in cites["township"]
    assert "后八名得基本分10分" in cites["A"]
    assert "后四名得基本分3分" in cites["B"]
    assert "10至4分" in cites["C"] and "后" not in cites["C"].split("(")[0]
    assert len(set(cites.values())) == 4

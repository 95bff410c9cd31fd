"""The headline sentences: generated from the analytics, checked on a case
whose outcome is known by hand and against the analytics of a real run."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simsuite.analytics.panel import Panel
from simsuite.report import analyse
from simsuite.report.headline import comparison_headline, degenerate_groups, own_group_panel
from simsuite.runs import parse_scenario, run

ROOT = Path(__file__).parents[2]
R = 4
UNITS = pd.DataFrame({"unit_id": [f"u{i}" for i in range(7)], "name": list("甲乙丙丁戊己庚"),
                      "group": ["A"] * 4 + ["B"] * 3})
GROUPS = {"A": "区县", "B": "直属单位"}


def panel(name: str, ranks: list[int], awards: list[str], ranking_group=None) -> Panel:
    rank = np.tile(np.array(ranks), (R, 1))
    final = (10.0 - rank).astype(float)
    return Panel(name, "test", UNITS, np.arange(R), final, final, rank, np.tile(np.array(awards, dtype=object), (R, 1)),
                 ranking_group=None if ranking_group is None else np.array(ranking_group, dtype=object))


def test_a_known_swap_of_the_first_two_reads_as_such():
    # group A: 甲 and 乙 swap first and second place in every year, and with it the award;
    # group B: its three units tie at rank 1 in every year, under both rulebooks
    base = panel("基准", [1, 2, 3, 4, 1, 1, 1], ["advanced", "", "", "", "", "", ""])
    variant = panel("变体", [2, 1, 3, 4, 1, 1, 1], ["", "advanced", "", "", "", "", ""])
    h = comparison_headline(base, variant, GROUPS)
    assert (h.base, h.variant) == ("基准", "变体")
    assert len(h.zh) == len(h.en) == 3  # group A; awards; group B degenerate (no movement line for it)
    # A has 4 units: the threshold is max(1, ⌈4/10⌉) = 1 place; 甲 +1 (down), 乙 −1 (up): two movers.
    # Per year the mean |shift| over A is (1 + 1 + 0 + 0)/4 = 0.50, the same every year: SE 0.
    assert h.zh[0] == ("区县（4 个单位）：2 个单位平均名次变动 1 名及以上（上升 1 个、下降 1 个）；变动最大的是甲"
                       "（平均下降 1.0 名，100% 的模拟年度如此）。全组每个单位每年平均变动 0.50 ± 0.00 名。"
                       "第一名改变：最可能居首的由甲（100% 的年度）变为乙（100%）。")
    assert h.en[0].startswith("区县 (4 units): 2 units move by 1 place or more on average (1 up, 1 down); "
                              "the largest move is 甲, down 1.0 places on average and down in 100% of simulated years")
    assert "First place changes from 甲 (first in 100% of years) to 乙 (100%)." in h.en[0]
    # awards: 甲 loses 先进单位 (100% → 0%), 乙 gains it (0% → 100%); 2 of 7 units change award every year: 29%
    assert h.zh[1] == ("奖项与扣分的变化（单位年度中奖项改变的占 29%）：甲更难获得“先进单位”（100% → 0%）；"
                       "乙更可能获得“先进单位”（0% → 100%）。")
    assert "(advanced, 0% → 100%)" in h.en[1]
    assert h.zh[2].startswith("注意：“基准”下直属单位（3 个单位）在 100% 的年度全部并列，排名区分不出单位。")
    assert "activity.mean" in h.zh[2] and "activity.mean" in h.en[2]  # and what to change


def test_nothing_changes_says_so():
    same = panel("甲方案", [1, 2, 3, 4, 1, 1, 1], [""] * 7)
    h = comparison_headline(same, panel("乙方案", [1, 2, 3, 4, 1, 1, 1], [""] * 7), GROUPS)
    assert len(h.zh) == 1 and "完全相同" in h.zh[0] and "does nothing" in h.en[0]


def test_pooling_is_a_change_of_scale_not_movement():
    base = panel("分组", [1, 2, 3, 4, 1, 2, 3], [""] * 7)
    # pooled: one ranking of 7 in which each group keeps its own order
    pooled = panel("合并", [1, 3, 4, 7, 2, 5, 6], [""] * 7, ranking_group=["A"] * 7)
    own = own_group_panel(pooled)
    assert own.rank[0].tolist() == [1, 2, 3, 4, 1, 2, 3]
    h = comparison_headline(base, pooled, GROUPS)
    assert h.zh[0].startswith("排名分组改变：名次范围由 区县 1–4、直属单位 1–3 变为 区县 1–7。")
    assert "没有单位的平均名次变动达到 1 名" in h.zh[1] and "0.00 ± 0.00" in h.zh[1]
    assert "no unit moves by 1 place or more" in h.en[2]


def test_ineligible_units_keep_rank_zero_within_their_group():
    p = panel("x", [1, 0, 2, 5, 3, 4, 6], [""] * 7, ranking_group=["A"] * 7)
    assert own_group_panel(p).rank[0].tolist() == [1, 0, 2, 3, 1, 2, 3]
    assert degenerate_groups(panel("y", [1, 1, 1, 1, 1, 2, 3], [""] * 7)) == [("A", 4, 1.0)]


@pytest.fixture(scope="module")
def jiande():
    text = (ROOT / "scenarios/jiande-rank-vs-raw.toml").read_text(encoding="utf-8")
    text = re.sub(r"replicates = \d+", "replicates = 24", text)
    result = run(parse_scenario(text, ROOT / "scenarios", "jiande.toml"))
    return result, analyse(result, figures=False)


def test_sentences_agree_with_the_analytics_tables(jiande):
    result, analysis = jiande
    (h,) = analysis.headlines
    shifts = analysis.tables["rank_shifts"]
    distribution = analysis.tables["distribution"]
    names = analysis.group_names[h.variant]
    for group, part in shifts.groupby("group", sort=False):
        n = len(part)
        threshold = max(1, -(-n // 10))
        movers = int(((part["rank_variant"] - part["rank_base"]).abs() >= threshold).sum())
        (sentence,) = [s for s in h.zh if s.startswith(f"{names[group]}（{n} 个单位）")]
        if movers:
            assert f"{movers} 个单位平均名次变动 {threshold} 名及以上" in sentence
        else:
            assert f"没有单位的平均名次变动达到 {threshold} 名" in sentence
        # the likeliest first under each rulebook, as the distribution table has it
        first = []
        for name in (h.base, h.variant):
            d = distribution[(distribution["comparison"] == name) & (distribution["group"] == group)]
            first.append(d["name"].iloc[int(np.argmax(d["p_first"].to_numpy()))])
        if first[0] == first[1]:
            assert f"最可能居首的仍是{first[0]}" in sentence
        else:
            assert f"由{first[0]}" in sentence and f"变为{first[1]}" in sentence
    # the share of unit-years whose award changes is the rank-shift table's mean
    changed = shifts["p_award_changed"].mean()
    assert any(f"单位年度中奖项改变的占 {changed:.0%}" in s for s in h.zh)
    # nothing a group's size fixes: no P(top 3), no mean rank of a group
    assert not any("前三" in s or "top 3" in s or "平均名次为" in s for s in h.zh + h.en)


@given(st.lists(st.tuples(st.sampled_from("AB"), st.integers(0, 9)), min_size=2, max_size=12))
def test_own_group_ranks_keep_the_pooled_order_on_the_group_scale(units):
    # any pooled ranking (ties, and 0 for an unranked unit): within each group the order is kept,
    # ties stay ties, and ranks run from 1 to at most the group's size
    groups = np.array([g for g, _ in units], dtype=object)
    scores = np.array([s for _, s in units], dtype=float)
    rank = np.where(scores > 0, 1 + (scores[None, :] > scores[:, None]).sum(axis=1), 0)[None, :]
    table = pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(units))], "name": "x", "group": groups})
    p = Panel("pooled", "t", table, np.arange(1), rank * 1.0, rank * 1.0, rank, np.full(rank.shape, "", object),
              ranking_group=np.array(["A"] * len(units), dtype=object))
    own = own_group_panel(p).rank[0]
    for g in "AB":
        members = np.flatnonzero(groups == g)
        ranked = members[rank[0, members] > 0]
        assert (own[members[rank[0, members] == 0]] == 0).all()
        if len(ranked):
            assert own[ranked].min() == 1 and own[ranked].max() <= len(ranked)
        for i in ranked:
            for j in ranked:
                assert np.sign(own[i] - own[j]) == np.sign(rank[0, i] - rank[0, j])

"""The few sentences that answer "what does this rule change do?", in Chinese
and English, generated from the analytics of a run.

For each comparison against its baseline: how many units move, by how much
and how surely; whether the first place changes; how awards and deductions
change, and for whom; whether pooling changes the rank scale; and whether a
group is degenerate (every unit tied, or one unit alone). Ranks are read
within each unit's own group, so pooling two groups shows as a change of
scale, not as movement. Nothing here is a figure that the size of a group
fixes (the mean rank of a group, or its chance of the top three).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..analytics.compare import VariantComparison, compare_panels
from ..analytics.diagnostics import DEGENERATE_SHARE, behaviour_fix
from ..analytics.panel import Panel
from ..engine.ranking import count_beyond
from ..plots.charts import mover_threshold  # the slope chart colours the same movers
from .labels import award_name, group_label

#: a change in the chance of an award smaller than this is not news
AWARD_NEWS = 0.10
#: a group whose units all tie in at least this share of years is degenerate
DEGENERATE_TIES = 0.5


@dataclass(frozen=True)
class Headline:
    """The sentences of one comparison (or, with no baseline to set it
    against, of one rulebook), in Chinese and in English."""

    base: str
    variant: str
    zh: list[str]
    en: list[str]

    def __str__(self) -> str:
        title = f"{self.base} → {self.variant}" if self.base else self.variant
        return "\n".join([title, *(f"  {s}" for s in self.zh), *(f"  {s}" for s in self.en)])


def own_group_panel(p: Panel) -> Panel:
    """The panel with each unit ranked within its own group, by the order the
    rulebook's ranking gives (ties and overrides kept): under pooling, a
    unit's place among the units of its own group."""
    if p.ranking_group is None or np.array_equal(p.ranking_group.astype(str), p.group):
        return p
    _, codes = np.unique(p.group, return_inverse=True)
    ranked = p.rank > 0
    better = count_beyond(-p.rank.astype(float), codes, ranked, higher=True)
    rank = np.where(ranked, better + 1, 0).astype(np.int64)
    return dataclasses.replace(p, rank=rank, ranking_group=None)


def degenerate_groups(p: Panel) -> list[tuple[str, int, float]]:
    """Ranking groups that cannot rank: (group, units, share of years in
    which every unit ties) for groups of one unit, that tie in at least
    ``DEGENERATE_TIES`` of the years, or where at least ``DEGENERATE_SHARE``
    of unit-years have a final of 0."""
    out = []
    for group, cols in p.ranking_groups():
        ranks = p.rank[:, cols]
        all_tied = (ranks == ranks[:, :1]).all(axis=1).mean()
        zeros = (p.final[:, cols] == 0).mean()
        if len(cols) < 2 or all_tied >= DEGENERATE_TIES or zeros >= DEGENERATE_SHARE:
            out.append((group, len(cols), float(all_tied)))
    return out


def comparison_headline(base: Panel, variant: Panel, groups: dict[str, str] | None = None,
                        within: VariantComparison | None = None) -> Headline:
    """The sentences for ``variant`` set against ``base`` (two panels of the
    same units and years). ``groups`` maps group ids to names; ``within`` is
    the comparison of the own-group panels, when already computed."""
    groups = groups or {}
    a, b = own_group_panel(base), own_group_panel(variant)
    c = within if within is not None else compare_panels(a, b)
    zh, en = [], []
    if c.identical and np.array_equal(base.rank, variant.rank):
        zh.append(f"“{c.variant}”与“{c.base}”给每个单位的得分、名次和奖项完全相同：这一改动不起作用，可能是变体写错了。")
        en.append(f"“{c.variant}” gives every unit exactly the same scores, ranks and awards as “{c.base}”: "
                  f"the change does nothing, which usually means a mistyped variant.")
        return Headline(c.base, c.variant, zh, en)
    _scale(base, variant, groups, zh, en)
    shift = b.rank - a.rank
    hopeless = {g for g, _, _ in degenerate_groups(a)} & {g for g, _, _ in degenerate_groups(b)}
    for group, cols in a.groups():
        if group in hopeless:  # said once, below: its ranks mean nothing under either
            continue
        name = group_label(group, groups)
        _movement(name, cols, a, c, shift, zh, en)
        _first_place(name, cols, a, b, zh, en)
        zh[-2:] = [zh[-2] + zh[-1].removeprefix(name)]  # one sentence pair per group
        en[-2:] = [en[-2] + " F" + en[-1].removeprefix(f"{name}: f")]
    _awards(c, groups, zh, en)
    _degenerate(base, variant, groups, zh, en)
    return Headline(c.base, c.variant, zh, en)


def rulebook_headline(p: Panel, stability, fidelity, groups: dict[str, str] | None = None) -> Headline:
    """With no baseline to compare against: how stable and how faithful the
    rulebook's ranking is, per ranking group (from the stability and
    fidelity tables of the run)."""
    groups = groups or {}
    zh, en = [], []
    st = stability[stability["comparison"] == p.name].set_index("group")
    fi = fidelity[fidelity["comparison"] == p.name].set_index("group") if fidelity is not None else None
    for group, cols in p.ranking_groups():
        name = group_label(group, groups)
        shift = st.at[group, "expected_rank_shift"]
        text_zh = f"{name}（{len(cols)} 个单位）：同一批单位两年之间名次平均变动 {shift:.1f} 名"
        text_en = f"{name} ({len(cols)} units): a unit's rank moves {shift:.1f} places between two years"
        if fi is not None and group in fi.index and not np.isnan(fi.at[group, "p_best_first"]):
            best = fi.at[group, "p_best_first"]
            text_zh += f"；真正最优的单位在 {best:.0%} 的年度居首"
            text_en += f"; the truly best unit comes first in {best:.0%} of years"
        zh.append(text_zh + "。")
        en.append(text_en + ".")
    _degenerate(p, p, groups, zh, en)
    return Headline("", p.name, zh, en)


def _scale(base: Panel, variant: Panel, groups, zh, en) -> None:
    """Pooling (or splitting) changes the ranks' scale: say so once."""
    before = {g: len(c) for g, c in base.ranking_groups()}
    after = {g: len(c) for g, c in variant.ranking_groups()}
    if before == after:
        return
    b_text = "、".join(f"{group_label(g, groups)} 1–{n}" for g, n in before.items())
    a_text = "、".join(f"{group_label(g, groups)} 1–{n}" for g, n in after.items())
    b_en = ", ".join(f"{group_label(g, groups)} 1–{n}" for g, n in before.items())
    a_en = ", ".join(f"{group_label(g, groups)} 1–{n}" for g, n in after.items())
    zh.append(f"排名分组改变：名次范围由 {b_text} 变为 {a_text}。以下名次变动均按单位所在本组计算，"
              f"名次范围扩大本身不算变动。")
    en.append(f"The ranking groups change: ranks run {a_en} instead of {b_en}. The shifts below are read within "
              f"each unit's own group, so the wider scale by itself does not count as movement.")


def _movement(name: str, cols: np.ndarray, a: Panel, c: VariantComparison, shift: np.ndarray, zh, en) -> None:
    n = len(cols)
    t = mover_threshold(n)
    mean_shift = shift[:, cols].mean(axis=0)
    per_year = np.abs(shift[:, cols]).mean(axis=1)
    level = per_year.mean()
    level_se = per_year.std(ddof=1) / np.sqrt(len(per_year)) if len(per_year) > 1 else 0.0
    movers = np.flatnonzero(np.abs(mean_shift) >= t)
    up, down = int((mean_shift[movers] < 0).sum()), int((mean_shift[movers] > 0).sum())
    head_zh = f"{name}（{n} 个单位）："
    head_en = f"{name} ({n} units): "
    tail_zh = f"全组每个单位每年平均变动 {level:.2f} ± {level_se:.2f} 名。"
    tail_en = f"a unit moves {level:.2f} ± {level_se:.2f} places a year on average."
    if len(movers) == 0:
        zh.append(f"{head_zh}没有单位的平均名次变动达到 {t} 名；{tail_zh}")
        en.append(f"{head_en}no unit moves by {t} place{'s' if t > 1 else ''} or more on average; {tail_en}")
        return
    k = movers[np.argmax(np.abs(mean_shift[movers]))]
    s = mean_shift[k]
    sure = float((np.sign(shift[:, cols[k]]) == np.sign(s)).mean())
    unit = a.units["name"].iloc[cols[k]]
    way_zh, way_en = ("上升", "up") if s < 0 else ("下降", "down")
    zh.append(f"{head_zh}{len(movers)} 个单位平均名次变动 {t} 名及以上（上升 {up} 个、下降 {down} 个）；"
              f"变动最大的是{unit}（平均{way_zh} {abs(s):.1f} 名，{sure:.0%} 的模拟年度如此）。{tail_zh}")
    en.append(f"{head_en}{len(movers)} unit{'s' if len(movers) > 1 else ''} move by {t} place{'s' if t > 1 else ''} "
              f"or more on average ({up} up, {down} down); the largest move is {unit}, {way_en} "
              f"{abs(s):.1f} places on average and {way_en} in {sure:.0%} of simulated years; {tail_en}")


def _first_place(name: str, cols: np.ndarray, a: Panel, b: Panel, zh, en) -> None:
    pa = (a.rank[:, cols] == 1).mean(axis=0)
    pb = (b.rank[:, cols] == 1).mean(axis=0)
    ka, kb = int(np.argmax(pa)), int(np.argmax(pb))
    names = a.units["name"].to_numpy()[cols]
    if ka == kb:
        zh.append(f"{name}第一名不变：最可能居首的仍是{names[ka]}（{pa[ka]:.0%} → {pb[kb]:.0%} 的年度）。")
        en.append(f"{name}: first place does not change; {names[ka]} stays the likeliest first "
                  f"({pa[ka]:.0%} → {pb[kb]:.0%} of years).")
    else:
        zh.append(f"{name}第一名改变：最可能居首的由{names[ka]}（{pa[ka]:.0%} 的年度）变为{names[kb]}"
                  f"（{pb[kb]:.0%}）。")
        en.append(f"{name}: first place changes from {names[ka]} (first in {pa[ka]:.0%} of years) to "
                  f"{names[kb]} ({pb[kb]:.0%}).")


def _awards(c: VariantComparison, groups, zh, en) -> None:
    aw = c.awards
    if aw.empty:
        return
    delta = (aw["p_variant"] - aw["p_base"]).to_numpy()
    news = aw.assign(delta=delta)[np.abs(delta) >= AWARD_NEWS]
    changed = float((c.units["p_award_changed"]).mean())
    if news.empty:
        zh.append(f"奖项与扣分基本不变：没有单位获得任何奖项的概率变动 {AWARD_NEWS:.0%} 以上"
                  f"（单位年度中奖项改变的占 {changed:.0%}）。")
        en.append(f"Awards and deductions barely change: no unit's chance of any award moves by "
                  f"{AWARD_NEWS:.0%} or more ({changed:.0%} of unit-years change award).")
        return
    news = news.reindex(news["delta"].abs().sort_values(ascending=False, kind="stable").index)
    shown = news.head(4)
    zh_items = "；".join(f"{r.name}{'更可能' if r.delta > 0 else '更难'}获得“{award_name(r.award)}”"
                        f"（{r.p_base:.0%} → {r.p_variant:.0%}）" for r in shown.itertuples())
    en_items = "; ".join(f"{r.name} is {'more' if r.delta > 0 else 'less'} likely to get {award_name(r.award)} "
                         f"({r.award}, {r.p_base:.0%} → {r.p_variant:.0%})" for r in shown.itertuples())
    more_zh = f"等，共 {news['unit_id'].nunique()} 个单位" if len(news) > len(shown) else ""
    more_en = f"; {news['unit_id'].nunique()} units in all" if len(news) > len(shown) else ""
    zh.append(f"奖项与扣分的变化（单位年度中奖项改变的占 {changed:.0%}）：{zh_items}{more_zh}。")
    en.append(f"Awards and deductions ({changed:.0%} of unit-years change award): {en_items}{more_en}.")


def _degenerate(base: Panel, variant: Panel, groups, zh, en) -> None:
    seen = set()
    for p in (base, variant):
        for group, n, tied in degenerate_groups(p):
            if (group, n) in seen:
                continue
            seen.add((group, n))
            name = group_label(group, groups)
            if n < 2:
                zh.append(f"注意：“{p.name}”下{name}只有 1 个单位，名次没有意义。")
                en.append(f"Note: under “{p.name}”, {name} has a single unit, so its rank means nothing.")
                continue
            cols = dict(p.ranking_groups())[group]
            zeros = float((p.final[:, cols] == 0).mean())
            why_zh, why_en = [], []
            if tied >= DEGENERATE_TIES:
                why_zh.append(f"在 {tied:.0%} 的年度全部并列")
                why_en.append(f"every unit ties in {tied:.0%} of years")
            if zeros >= DEGENERATE_SHARE:
                why_zh.append(f"{zeros:.0%} 的单位年度最终得分为 0")
                why_en.append(f"{zeros:.0%} of unit-years have a final of 0")
            fix_zh, fix_en = behaviour_fix(group)
            zh.append(f"注意：“{p.name}”下{name}（{n} 个单位）{'，'.join(why_zh)}，排名区分不出单位。{fix_zh}")
            en.append(f"Note: under “{p.name}”, {name} ({n} units): {' and '.join(why_en)}: "
                      f"the ranking cannot tell them apart. {fix_en}")

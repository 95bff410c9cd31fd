"""What policy staff read instead of column names: Chinese and English labels,
award names in Chinese, group names instead of ids, sensible rounding, and a
glossary line for every statistic.

The report, the workbooks and the headline sentences all read from here, so
a statistic has the same name and the same number of decimals everywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..results.awards import AWARDS, award_label, award_name  # noqa: F401  (names staff read)

#: said wherever simulated units carry real names: their traits are drawn, not known
SIMULATED_TRAITS = (
    "说明：各单位的活跃度、质量和可靠性均为随机模拟，并非对这些实名单位的评价或预测；"
    "名次与奖项概率只说明规则如何对待这样的单位。",
    "The units' activity, quality and reliability are simulated at random: nothing here is a finding or a "
    "prediction about the real units named; ranks and award chances only show how the rules treat such units.")



def traits_note(manifest: dict) -> tuple[str, str]:
    """What the units' traits are, for a run's report and printout: simulated
    at random, or fitted from a ledger (named with its file and date)."""
    c = manifest.get("calibration")
    if not c:
        return SIMULATED_TRAITS
    return (f"说明：各单位的行为由台账 {c['ledger']}（{c['years']} 年）标定，标定文件 {c['file']}，标定日期 {c['date']}；"
            f"模拟年度是这些单位在本规则下可能的“下一年”。",
            f"The units' behaviour is calibrated from the ledger {c['ledger']} ({c['years']}): file {c['file']}, "
            f"calibrated on {c['date']}; the simulated years are possible next years of these units under the rules.")


#: column → (中文, English, decimals or "%" for a probability or share)
COLUMNS: dict[str, tuple[str, str, object]] = {
    "comparison": ("方案", "comparison", None),
    "rulebook": ("规则", "rulebook", None),
    "base": ("基准方案", "baseline", None),
    "variant": ("比较方案", "variant", None),
    "unit_id": ("单位编号", "unit id", None),
    "name": ("单位", "unit", None),
    "group": ("组别", "group", None),
    "ranking_group": ("排名组", "ranking group", None),
    "award": ("奖项", "award", None),
    "n_units": ("单位数", "units", 0),
    "n_groups": ("组数", "groups", 0),
    "n_replicates": ("模拟年数", "simulated years", 0),
    "mean_rank": ("平均名次", "mean rank", 1),
    "median_rank": ("名次中位数", "median rank", 1),
    "rank_p5": ("名次 5% 分位", "rank, 5th percentile", 1),
    "rank_p95": ("名次 95% 分位", "rank, 95th percentile", 1),
    "mean_final": ("平均最终得分", "mean final score", 1),
    "mean_points": ("平均原始分", "mean raw points", 1),
    "points": ("平均原始分", "mean raw points", 1),
    "quality": ("潜在质量", "latent quality", 2),
    "mean_quality": ("平均潜在质量", "mean latent quality", 2),
    "p_first": ("第一名概率", "P(first)", "%"),
    "p_top3": ("前三名概率", "P(top 3)", "%"),
    "p_bottom3": ("后三名概率", "P(bottom 3)", "%"),
    "expected_rank_shift": ("年际名次变动", "year-to-year rank shift", 2),
    "relative_rank_shift": ("年际名次变动 / 组规模", "rank shift / group size", "%"),
    "p_top_is_best": ("第一名确为最优的概率", "P(first is truly best)", "%"),
    "spearman_quality": ("与潜在质量的相关 ρ", "Spearman ρ with quality", 2),
    "kendall_quality": ("与潜在质量的一致性 τ-b", "Kendall τ-b with quality", 2),
    "p_best_first": ("最优单位居首的概率", "P(best unit first)", "%"),
    "kendall_tau_b": ("Kendall τ-b", "Kendall τ-b", 2),
    "spearman_rho": ("Spearman ρ", "Spearman ρ", 2),
    "weighted_tau": ("加权 τ", "weighted τ", 2),
    "mean_abs_shift": ("平均名次变动(绝对值)", "mean |rank shift|", 2),
    "share_award_changed": ("奖项变化的比例", "share with a changed award", "%"),
    "rank_base": ("基准平均名次", "mean rank, baseline", 1),
    "rank_variant": ("比较方案平均名次", "mean rank, variant", 1),
    "median_rank_base": ("基准名次中位数", "median rank, baseline", 1),
    "median_rank_variant": ("比较方案名次中位数", "median rank, variant", 1),
    "mean_shift": ("平均名次变动(负=上升)", "mean rank shift (− = up)", 2),
    "p_rank_changed": ("名次改变的概率", "P(rank changes)", "%"),
    "award_base": ("基准常见奖项", "usual award, baseline", None),
    "award_variant": ("比较方案常见奖项", "usual award, variant", None),
    "p_award_changed": ("奖项改变的概率", "P(award changes)", "%"),
    "p_base": ("基准下获得的概率", "P(holds it), baseline", "%"),
    "p_enter": ("新获得的概率", "P(gains it)", "%"),
    "p_leave": ("失去的概率", "P(loses it)", "%"),
    "top10_share": ("前 10% 单位得分占比", "top-10 % share of points", "%"),
    "share_volume": ("数量得分占比", "share from volume", "%"),
    "share_adoption": ("采用得分占比", "share from adoptions", "%"),
    "share_instruction": ("批示得分占比", "share from instructions", "%"),
    "share_conduct": ("奖惩得分占比", "share from conduct", "%"),
    "from_volume": ("数量得分", "points from volume", 1),
    "from_adoption": ("采用得分", "points from adoptions", 1),
    "from_instruction": ("批示得分", "points from instructions", 1),
    "from_conduct": ("奖惩得分", "points from conduct", 1),
    "volume_d_final": ("多报一条的得分增量", "final gained by one more item", 2),
    "quality_d_final": ("多一次最高级采用的得分增量", "final gained by one more top adoption", 2),
    "fixed": ("由排名规则固定、未列出的数字", "fixed by construction (left out)", None),
    "key": ("项目", "key", None),
    "value": ("值", "value", None),
}
# the diagnostics of a run: is the simulation fit to compare rules at all?
COLUMNS.update({
    "zero_final": ("最终得分为 0 的比例", "share of unit-years with final 0", "%"),
    "distinct_ranks": ("平均不同名次数", "mean distinct ranks a year", 1),
    "tied_units": ("与他人并列的比例", "share of unit-years tied", "%"),
    "tied_first": ("第一名并列的比例", "share of years with first place tied", "%"),
    "periods_met": ("达到月度任务或季度目标的比例", "share of months or quarters meeting the quota or target", "%"),
    "vetoed": ("被否决季度的比例", "share of quarters vetoed", "%"),
    "at_cap": ("达到封顶的比例", "share of unit-years reaching the cap", "%"),
    "items_a_month": ("月均计入信息条数", "items counted a month", 1),
    "degenerate": ("排名无效", "degenerate ranking", None),
})

# p_variant is a probability of holding an award, not a variant's name
COLUMNS["p_variant"] = ("比较方案下获得的概率", "P(holds it), variant", "%")

def column_label(column: str, *, bilingual: bool = True, sep: str = " ") -> str:
    """``p_top3`` → 前三名概率 P(top 3); ``p_advanced`` → 先进单位 概率 P(advanced); ``x_se`` → x 标准误 SE."""
    if column.endswith("_se") and column[:-3] in COLUMNS | _award_columns(column[:-3]):
        return column_label(column[:-3], bilingual=bilingual) + (" 标准误 SE" if bilingual else " 标准误")
    if column in COLUMNS:
        zh, en, _ = COLUMNS[column]
    elif column.startswith("p_"):
        zh, en = f"{award_name(column[2:])}概率", f"P({column[2:]})"
    else:
        return column
    return f"{zh}{sep}{en}" if bilingual and en != zh else zh


def _award_columns(column: str) -> dict:
    return {column: None} if column.startswith("p_") else {}


def decimals(column: str) -> object:
    """How a column is rounded: an integer number of decimals, "%" or None (text)."""
    base = column[:-3] if column.endswith("_se") else column
    if base in COLUMNS:
        return COLUMNS[base][2]
    if base.startswith("p_"):
        return "%"
    return None


def group_names(result) -> dict[str, dict[str, str]]:
    """For each comparison of a run: group id → the group's name in its rulebook."""
    out = {}
    for comp in result.scenario.comparisons:
        out[comp.name] = {g.id: g.name for g in comp.rulebook.file.groups.values()}
    return out


def group_label(group: str, names: dict[str, str]) -> str:
    """The group's name, or its id where the rulebook gives none."""
    return names.get(str(group), str(group))


def readable(frame: pd.DataFrame, groups: dict[str, str] | None = None, *, bilingual: bool = True,
             as_text: bool = True) -> pd.DataFrame:
    """The table as staff read it: labelled columns, awards and groups by name,
    numbers rounded. ``as_text`` writes each "value ± SE" pair as one string
    and probabilities as percentages (for the page); otherwise values stay
    numbers rounded in place (for Excel)."""
    out = {}
    group_of = _group_namer(frame, groups)
    for column in frame.columns:
        column = str(column)
        if column.endswith("_se") and column[:-3] in frame.columns and as_text:
            continue  # shown as "± SE" beside its value
        values = frame[column]
        if column in ("award", "award_base", "award_variant"):
            values = values.astype(str).map(award_name)
        elif column in ("group", "ranking_group") and groups:
            values = pd.Series(group_of(values.astype(str)), index=values.index)
        digits = decimals(column)
        if digits is not None and pd.api.types.is_numeric_dtype(values):
            se = frame.get(f"{column}_se") if as_text else None
            values = _format(values, se, digits) if as_text else _round(values, digits)
        out[column_label(column, bilingual=bilingual)] = values.to_numpy()
    return pd.DataFrame(out)


def _group_namer(frame: pd.DataFrame, groups):
    """Group ids → names; ``groups`` may be one mapping, or one per comparison
    (as :func:`group_names` gives), read from the row's comparison."""
    if not groups or not isinstance(next(iter(groups.values())), dict):
        return lambda ids: [group_label(g, groups or {}) for g in ids]
    merged = {k: v for names in groups.values() for k, v in names.items()}
    key = next((c for c in ("comparison", "variant") if c in frame.columns), None)
    if key is None:
        return lambda ids: [group_label(g, merged) for g in ids]
    rows = frame[key].astype(str).to_numpy()
    return lambda ids: [group_label(g, groups.get(r, merged)) for g, r in zip(ids, rows)]


def _round(values: pd.Series, digits) -> pd.Series:
    return values.astype(float).round(3 if digits == "%" else digits)


def _format(values: pd.Series, se: pd.Series | None, digits) -> pd.Series:
    v = values.to_numpy(dtype=float)
    s = se.to_numpy(dtype=float) if se is not None else np.full(len(v), np.nan)
    return pd.Series([format_value(a, digits, b) for a, b in zip(v, s)], index=values.index, dtype=object)


def format_value(value: float, digits, se: float = float("nan")) -> str:
    """0.4213, "%" → 42%; with SE 0.0123 → 42% ± 1.2%; 3.456, 1 → 3.5."""
    if value is None or np.isnan(value):
        return "—"
    if digits == "%":
        text = f"{value:.0%}" if abs(value) >= 0.1 or value == 0 else f"{value:.1%}"
        return text if np.isnan(se) else f"{text} ± {se:.1%}"
    text = f"{value:.{digits}f}"
    if digits == 0:
        text = f"{value:,.0f}"
    return text if np.isnan(se) else f"{text} ± {se:.{max(digits, 2)}f}"


#: the glossary of the report: every statistic it shows, in both languages
GLOSSARY: list[tuple[str, str, str]] = [
    ("平均名次 mean rank",
     "单位在各模拟年度中名次的平均值；名次在本组内计，1 为最好。",
     "A unit's rank averaged over the simulated years, counted within its ranking group; 1 is best."),
    ("名次区间 rank interval (5–95 %)",
     "九成模拟年度中单位名次所在的范围；区间越长，名次越取决于运气。",
     "The ranks a unit takes in 90 % of simulated years; a long interval means luck decides as much as merit."),
    ("名次变动 rank shift",
     "同一单位在比较方案与基准方案下、同一模拟年度中本组名次之差；负数表示上升。",
     "A unit's rank under the variant minus its rank under the baseline in the same simulated year, "
     "counted within its own group; negative means it moves up."),
    ("名次改变的概率 P(rank changes)",
     "比较方案使单位名次与基准不同的模拟年度所占比例。",
     "The share of simulated years in which the variant gives the unit a different rank from the baseline."),
    ("Kendall τ-b",
     "两种排名对每一对单位先后顺序的一致程度：1 为完全一致，0 为无关，−1 为完全颠倒；已按并列校正。",
     "How far two rankings agree on the order of every pair of units: 1 = the same order, 0 = unrelated, "
     "−1 = reversed; corrected for ties."),
    ("Spearman ρ",
     "两种排名名次之间的相关系数，取值与 τ-b 同向；对大的名次差异更敏感。",
     "The correlation between the two rankings' ranks; reads like τ-b but weighs large rank differences more."),
    ("加权 τ weighted τ",
     "与 τ-b 相同，但排名靠前单位之间的顺序权重更大：它回答“前几名是否一致”。",
     "Like τ-b, but pairs near the top weigh more: it answers whether the leaders stay the same."),
    ("奖项变化的比例 share with a changed award",
     "组内单位在同一模拟年度中获得不同奖项或扣分档的比例。",
     "The share of a group's units whose award or deduction tier differs between the two rulebooks in the same year."),
    ("年际名次变动 year-to-year rank shift",
     "同一批单位在两个独立年度中的平均名次差，也按组规模折算；衡量排名的稳定性。",
     "How many places a unit moves between two independent years of the same units, also as a share of the "
     "group's size: how stable the ranking is."),
    ("第一名确为最优的概率 P(first is truly best)",
     "本年第一名正是潜在质量最高单位的概率（仅模拟数据可算）。",
     "The chance that the year's first-placed unit is the one with the highest latent quality (synthetic runs only)."),
    ("与潜在质量的一致性 fidelity (Spearman ρ, Kendall τ-b with quality)",
     "最终排名与按潜在质量排名之间的一致程度：1 表示完全按质量排名。",
     "How closely the final ranking follows the ranking by latent quality: 1 = exactly by quality."),
    ("潜在质量 latent quality",
     "模拟中每个单位的真实工作水平，实际工作中不可观测。",
     "Each simulated unit's true standard of work, which real assessments cannot observe."),
    ("前 10% 单位得分占比 top-10 % share",
     "得分最高的一成单位所得原始分占全部原始分的比例；衡量得分集中程度。",
     "The share of all raw points earned by the top tenth of units: how concentrated the points are."),
    ("获得奖项的概率 P(award), P(gains it), P(loses it)",
     "单位在模拟年度中获得某奖项（或落入某扣分档）的比例；“新获得”指比较方案下获得而基准下未获得的年度比例，“失去”反之。",
     "The share of simulated years in which a unit holds an award (or falls in a deduction tier); it gains the "
     "award in a year when it holds it under the variant but not the baseline, and loses it the other way round."),
    ("平均原始分、最终得分 mean raw points, mean final score",
     "原始分是各项计分之和；最终得分是规则换算（折算、封顶、名次赋分等）之后用于排名的分数。",
     "Raw points are the sum of every scoring rule; the final score is what the ranking uses, after the rulebook's "
     "conversions (normalisation, caps, rank points)."),
    ("得分来源 points by source",
     "平均原始分按来源拆分：数量（条数、月度任务、清单）、采用、批示、奖惩（扣分为负）。",
     "Mean raw points split by where they come from: volume (items, monthly quotas, checklists), adoptions, "
     "leaders' instructions, and conduct (penalties negative)."),
    ("得分增量 marginal final score",
     "单位多报一条信息、或多一次最高级采用时，最终得分平均增加多少：规则鼓励什么。",
     "How much a unit's final score rises, on average, for one more item or one more top-level adoption: what "
     "the rules reward."),
    ("模拟诊断 simulation diagnostics",
     "每个方案、每个排名组：最终得分为 0 的单位年度比例、每年平均有几个不同名次、与他人并列和第一名并列的比例、"
     "达到月度任务或季度目标的月份（季度）比例、被否决的季度比例、达到封顶的比例、月均计入条数。"
     "多数单位得 0 分或多数单位并列的组“排名无效”：比较在这组上说明不了规则，只说明模拟单位的活动太少。",
     "Per comparison and ranking group: the share of unit-years with a final of 0, the mean number of distinct "
     "ranks a year, the shares tied with another unit and with first place tied, the share of months (quarters) "
     "meeting the quota (target), of quarters vetoed and of unit-years at a cap, and the items counted a month. "
     "A group where most finals are 0 or most units tie is degenerate: a comparison there says nothing about the "
     "rule, only that the simulated units do too little."),
    ("标准误 SE (±)",
     "蒙特卡洛估计的标准误：再模拟同样多年份，结果约有三分之二落在 ±1 个标准误之内。",
     "The Monte Carlo standard error: run as many years again and about two results in three fall within ±1 SE."),
]

"""Is the simulation fit to compare rules at all? Per comparison and ranking
group: how many finals are 0, how many distinct ranks a year holds, how often
first place is shared, how often the rulebook's monthly quota or quarterly
target is met, and how often a cap binds. A group where most finals are 0 or
most units tie is *degenerate*: its ranking says nothing about the rule, only
that the simulated units do too little for it to bite. The warning says which
behaviour parameter to raise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: a group is degenerate when at least this share of unit-years has a final
#: of 0, or at least this share of units ties with another unit
DEGENERATE_SHARE = 0.5

#: per unit-year columns a run adds to its results (NaN where a rulebook has
#: no such rule): share of the year's months (or quarters) meeting the quota
#: (or target), share of quarters vetoed (a quarter's points forfeited),
#: whether a capped score reached its cap, and the items a month counted
PERIOD_COLUMN, VETO_COLUMN, CAP_COLUMN, ITEMS_COLUMN = "periods_met", "vetoed", "at_cap", "items_a_month"
#: checklist lines that are a quota of items
QUOTA_LINES = ("items_per_week", "items_per_month", "items_every_week")


def outcome_columns(rulebook, outcome, ctx) -> dict[str, np.ndarray]:
    """``periods_met``, ``vetoed``, ``at_cap`` and ``items_a_month`` for a
    scored batch, each (R, U).

    Quarterly targets (``rank_points.target``) are read against the quarters'
    raw points, in the group the unit is ranked in; a monthly quota
    (``quota.items``) from the quota's points, which a month earns only when
    it is met; a checklist quota line, judged on the year's average, as
    the share of years it is met; a yearly cap (``item_points.cap``, or the
    ``year_cap`` component's) from the capped points: at any cap the rulebook has."""
    R, U = outcome.final.shape
    p = rulebook.parameters
    names = rulebook.component_names
    periods = np.full((R, U), np.nan)
    if "rank_point_quarters" in names:
        target = ctx.by_group("rank_points.target", scoring=True)[None, :, None]
        periods = (outcome.quarters >= target).mean(axis=2)
    elif "monthly_quota" in names and float(p["quota.points"]) > 0:
        months = len(ctx.quarter_of_month)
        periods = outcome.columns.get("from_quota", np.zeros((R, U))) / float(p["quota.points"]) / months
    elif "checklist_points" in names:  # a quota line judged on the year's average: the share of years it is met
        from ..rules.checklist import computed_lines

        rules = [r for r in p.table("checklist.rule").values() if r in QUOTA_LINES]
        if rules:
            periods = np.mean([computed_lines(ctx, r) for r in rules], axis=0).astype(float)
    caps = []  # each cap the rulebook has: whether the unit-year reached it
    if "per_item_points" in names and p["item_points.cap_enabled"]:
        caps.append(outcome.columns.get("from_items", np.zeros((R, U))) >= float(p["item_points.cap"]) - 1e-9)
    if "year_cap" in names:  # the capped columns together, as the cap counts them
        capped = sum(outcome.columns.get(f"from_{c}", np.zeros((R, U))) for c in p["year_cap.columns"])
        caps.append(capped >= float(p["year_cap.points"]) - 1e-9)
    at_cap = np.any(caps, axis=0).astype(float) if caps else np.full((R, U), np.nan)
    quarters = [outcome.columns[f"vetoed_q{i}"] for i in range(1, 5) if f"vetoed_q{i}" in outcome.columns]
    vetoed = np.mean(quarters, axis=0) if quarters else np.full((R, U), np.nan)
    items = ctx.month_counts().sum(axis=2) / len(ctx.quarter_of_month)
    return {PERIOD_COLUMN: periods, VETO_COLUMN: vetoed, CAP_COLUMN: at_cap, ITEMS_COLUMN: items}


def diagnostics(results) -> pd.DataFrame:
    """One row per comparison and ranking group of a run (a RunResult or its
    results table): units, simulated years, ``zero_final`` (share of
    unit-years with final 0), ``distinct_ranks`` (mean number of distinct
    ranks a year), ``tied_units`` (share of unit-years tied with another
    unit), ``tied_first`` (share of years with first place shared),
    ``periods_met`` (share of months or quarters meeting the quota or target),
    ``vetoed`` (share of quarters forfeited), ``at_cap`` (share of unit-years
    reaching a cap), ``items_a_month`` (mean items a unit counts a month),
    ``degenerate`` and a warning in Chinese and English."""
    frame = getattr(results, "results", results)
    rows = []
    for (comparison, group), part in frame.groupby(["comparison", "ranking_group"], sort=False, observed=True):
        reps = part["replicate"].to_numpy()
        order = np.argsort(reps, kind="stable")
        R = len(np.unique(reps))
        U = len(part) // R
        final = part["final"].to_numpy(float)[order].reshape(R, U)
        rank = part["rank"].to_numpy(np.int64)[order].reshape(R, U)
        srt = np.sort(rank, axis=1)
        new = np.ones((R, U), bool)
        new[:, 1:] = srt[:, 1:] != srt[:, :-1]
        same_prev = np.zeros((R, U), bool)
        same_prev[:, 1:] = ~new[:, 1:]
        same_next = np.zeros((R, U), bool)
        same_next[:, :-1] = ~new[:, 1:]
        row = {
            "comparison": str(comparison), "rulebook": str(part["rulebook"].iloc[0]), "group": str(group),
            "n_units": U, "n_replicates": R,
            "zero_final": float(np.mean(final == 0)),
            "distinct_ranks": float(new.sum(axis=1).mean()),
            "tied_units": float((same_prev | same_next).mean()),
            "tied_first": float(((rank == 1).sum(axis=1) > 1).mean()),
            **{c: _mean(part, c) for c in (PERIOD_COLUMN, VETO_COLUMN, CAP_COLUMN, ITEMS_COLUMN)},
        }
        row.update(_verdict(row))
        rows.append(row)
    return pd.DataFrame(rows)


def diagnose_synthetic(rulebook, synthetic, year: int) -> pd.DataFrame:
    """:func:`diagnostics` of synthetic histories (from
    :func:`simsuite.synthetic.generate`) scored under ``rulebook``: what
    ``simsuite simulate`` reports about the ledger it writes."""
    from ..engine.score import score_batch

    _, o, ctx = score_batch(rulebook, synthetic.batch.under(rulebook.calendar(year)))
    return diagnose_outcome(rulebook, o, ctx, rulebook.id)


def diagnose_outcome(rulebook, outcome, ctx, name: str) -> pd.DataFrame:
    """:func:`diagnostics` of one scored batch, as comparison ``name`` (the
    explorer's baseline and variant are each one)."""
    R, U = outcome.final.shape
    frame = pd.DataFrame({
        "comparison": name, "rulebook": rulebook.id, "replicate": np.repeat(np.arange(R), U),
        "ranking_group": np.tile(np.asarray(rulebook.groups, dtype=object)[ctx.scoring_group], R),
        "final": outcome.final.ravel(), "rank": outcome.rank.ravel(),
        **{k: v.ravel() for k, v in outcome_columns(rulebook, outcome, ctx).items()},
    })
    return diagnostics(frame)


def lines(table: pd.DataFrame, names: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The diagnostics as a few lines for a terminal, one per comparison and
    group, then the warnings."""
    names = names or {}
    out = ["模拟诊断 diagnostics: 0 分 zero finals · 不同名次 distinct ranks · 并列 tied · "
           "达标 quota/target met · 否决 vetoed · 封顶 at cap · 月均条数 items a month"]
    for row in table.itertuples():
        group = names.get(row.comparison, {}).get(row.group, row.group)
        extra = "".join(f" · {label} {value:.0%}" for label, value in
                        (("达标 met", row.periods_met), ("否决 vetoed", row.vetoed), ("封顶 at cap", row.at_cap))
                        if np.isfinite(value))
        out.append(f"  {row.comparison} / {group} ({row.n_units}): 0 分 {row.zero_final:.0%} · "
                   f"不同名次 {row.distinct_ranks:.1f} · 并列 {row.tied_units:.0%}{extra} · "
                   f"月均 {row.items_a_month:.1f} 条{' · 排名无效 DEGENERATE' if row.degenerate else ''}")
    for zh, en in warnings_of(table):
        out += [f"  {zh}", f"  {en}"]
    return out


def _mean(part: pd.DataFrame, column: str) -> float:
    if column not in part:
        return float("nan")
    values = part[column].to_numpy(float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")


def _verdict(row: dict) -> dict:
    """Degenerate or not, and why, with the behaviour parameter to change."""
    zh, en = [], []
    if row["n_units"] < 2:
        zh.append("只有 1 个单位，名次没有意义")
        en.append("it has a single unit, so its rank means nothing")
    else:
        if row["zero_final"] >= DEGENERATE_SHARE:
            zh.append(f"{row['zero_final']:.0%} 的单位年度最终得分为 0")
            en.append(f"{row['zero_final']:.0%} of unit-years have a final of 0")
        if row["tied_units"] >= DEGENERATE_SHARE:
            zh.append(f"{row['tied_units']:.0%} 的单位年度与其他单位并列（平均只有 {row['distinct_ranks']:.1f} 个不同名次）")
            en.append(f"{row['tied_units']:.0%} of unit-years tie with another unit (only "
                      f"{row['distinct_ranks']:.1f} distinct ranks a year on average)")
    if not zh:
        return {"degenerate": False, "warning_zh": "", "warning_en": ""}
    fix_zh = fix_en = ""
    if row["n_units"] >= 2 and row[VETO_COLUMN] >= DEGENERATE_SHARE:
        zh.append(f"{row[VETO_COLUMN]:.0%} 的季度被否决（当季不得分）")
        en.append(f"{row[VETO_COLUMN]:.0%} of quarters are vetoed (their points forfeited)")
        fix_zh = (f"多因直报点任务未完成：可在情景 [behaviour.groups.\"{row['group']}\"] 中调高 direct_report.chance"
                  f"（直报概率）和 activity.mean（月均条数），见 simsuite behaviour。")
        fix_en = (f"mostly a direct-report task not done: raise direct_report.chance and activity.mean in the "
                  f"scenario's [behaviour.groups.\"{row['group']}\"] (see simsuite behaviour).")
    elif row["n_units"] >= 2:
        fix_zh, fix_en = behaviour_fix(row["group"])
    return {"degenerate": True,
            "warning_zh": f"警告：“{row['comparison']}”下{row['group']}组的排名无效——{'；'.join(zh)}。{fix_zh}",
            "warning_en": f"Warning: under “{row['comparison']}” the ranking of group {row['group']} is degenerate: "
                          f"{'; '.join(en)}. {fix_en}".rstrip()}


def behaviour_fix(group: str) -> tuple[str, str]:
    """What to change when a group's simulated units do too little for the rule to bite."""
    where = f'[behaviour.groups."{group}"]'
    return (f"模拟单位的活动不足以让规则区分它们：可在情景 {where} 中调高 activity.mean（月均条数）、"
            f"adoption.chance（采用概率），有直报点任务的调高 direct_report.chance，见 simsuite behaviour。",
            f"The simulated units do too little for the rule to tell them apart: raise activity.mean (items a "
            f"month), adoption.chance or, where a direct-report task vetoes quarters, direct_report.chance in the "
            f"scenario's {where} (see simsuite behaviour).")


def warnings_of(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The (Chinese, English) warnings of the degenerate rows of a diagnostics table."""
    bad = table[table["degenerate"]]
    return list(zip(bad["warning_zh"], bad["warning_en"]))

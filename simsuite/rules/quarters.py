"""From raw quarter points to the year's final score: normalisation to the
first-placed unit, quarter vetoes, rank-point tables, and combining quarters."""

from __future__ import annotations

import numpy as np

from ..engine.batch import EVENT
from ..engine.context import Context
from ..engine.outcome import Outcome
from ..engine.points import sum_last
from ..engine.ranking import comparable, count_beyond, group_max
from .registry import Spec, component

PAIRS = "pairs"


def _normalise_feature(rb) -> dict:
    p = rb.parameters
    if not p["normalise.enabled"]:
        return {}
    return {"normalisation": f"each quarter to the group's first = {p['normalise.scale']:g}"}


def _span(values) -> str:
    values = list(values)
    return f"{values[0]:g}…{values[-1]:g} for positions 1–{len(values)}"


def _rank_points_feature(rb) -> dict:
    p = rb.parameters
    out = {}
    vetoes = []
    if p["veto.quarter_events"]:
        vetoes.append(f"quarter: {', '.join(p['veto.quarter_events'])}")
    if p["direct_report.enabled"]:
        vetoes.append("quarter: direct-report task failed")
        out["quota rules"] = (f"direct reports ({', '.join(p['direct_report.groups'])}): ≥ {p['direct_report.monthly_count']} "
                              f"{p['direct_report.monthly_to']} a month and ≥ {p['direct_report.quarterly_count']} "
                              f"{p['direct_report.quarterly_to']} a quarter")
    if vetoes:
        out["vetoes"] = "; ".join(vetoes)
    if p["rank_points.enabled"]:
        tables = p.table("rank_points.table")
        out["rank-point tables"] = "; ".join(
            f"{g}: target {p[f'rank_points.target.{g}']:g}, {_span(tables[g])}, rest {p[f'rank_points.rest.{g}']:g}"
            for g in rb.groups)
    return out


def _combine_feature(rb) -> dict:
    names = rb.component_names
    p = rb.parameters
    scores = ("efficiency scores" if "normalise_quarters" in names and p["normalise.enabled"] else
              "rank points" if "rank_point_quarters" in names and p["rank_points.enabled"] else "points")
    return {"final score": f"{p['final.combine']} of the quarters' {scores}"}


def _year_feature(rb) -> dict:
    p = rb.parameters
    return {"normalisation": f"the year's total to the group's first = {p['normalise_year.scale']:g}"}


def _normalising(prefix: str, top: str, passes: str) -> tuple[Spec, ...]:
    """The parameters :func:`normalised` reads under ``prefix``: the
    quarters' and the year's normalisation read the same three."""
    return (
        Spec(f"{prefix}.scale", "number", "第一名得分(满分)", "score of the first-placed unit", "points", 0, 1000,
             default=100.0, cite="default: 100 for the first"),
        Spec(f"{prefix}.top_not_positive", "choice", "第一名得分不大于0时",
             f"when {top} ≤ 0: zero = every unit scores 0; raw = {passes} through unchanged",
             choices=("zero", "raw"), default="zero", cite="decision NX-5"),
        Spec(f"{prefix}.floor_negative", "bool", "换算结果为负时计0分", "raise a negative normalised score to 0",
             default=True, cite="decision NX-5"),
    )


NORMALISE = (
    Spec("normalise.enabled", "bool", "季度得分以组内第一名为标准换算", "normalise each quarter to the group's first-placed unit",
         default=True, cite="default: normalise"),
    *_normalising("normalise", "the group's top points are", "the points pass"),
)


@component("normalise_quarters", kind="step", phase="quarters", zh="季度得分按组内第一名换算",
           en="each quarter's points normalised to the group's first-placed unit", feature=_normalise_feature,
           params=NORMALISE)
def normalise_quarters(ctx: Context, o: Outcome) -> None:
    """Per quarter and group, the first-placed unit gets ``normalise.scale``
    and every other unit its points × scale ÷ the top (效率分).

    ``normalise.top_not_positive`` = ``zero``: a quarter whose top is ≤ 0
    gives everyone 0; ``normalise.floor_negative``: a negative result is
    raised to 0. With ``normalise.enabled`` false the raw quarter points
    pass through unchanged.
    """
    p = ctx.p
    q = o.quarters
    if not p["normalise.enabled"]:
        o.quarter_scores = q.copy()
        return
    top, eff = normalised(ctx, q, "normalise")
    o.quarter_scores = eff
    o.add_step(
        "normalise each quarter to the group's first-placed unit",
        ["normalise.enabled", "normalise.scale", "normalise.top_not_positive", "normalise.floor_negative"],
        **o.quarter_columns("top", np.where(np.isfinite(top), top, 0.0)),
        **o.quarter_columns("efficiency", eff),
    )


def normalised(ctx: Context, points: np.ndarray, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's group top, and ``points`` × scale ÷ that top (the top
    exactly the scale), read from the ``<prefix>.*`` parameters; ``points``
    is (R, U) or (R, U, quarters)."""
    p = ctx.p
    scale = float(p[f"{prefix}.scale"])
    groups = ctx.scoring_group
    by_group = group_max(points, groups, len(ctx.groups))
    top = by_group[:, groups]  # each unit's group's highest
    top_compared = comparable(by_group)[:, groups]  # rounded per group, then spread: the same numbers, fewer roundings
    positive = top_compared > 0
    eff = np.multiply(points, scale)  # scale × points ÷ the top, in place: few passes over (R, U, quarters)
    with np.errstate(divide="ignore", invalid="ignore"):  # a top ≤ 0 gives 0 just below
        eff /= top
    np.copyto(eff, 0.0, where=~positive)
    np.copyto(eff, scale, where=positive & (comparable(points) == top_compared))  # the top: exactly the scale
    if p[f"{prefix}.top_not_positive"] == "raw":
        eff = np.where(positive, eff, points)
    if p[f"{prefix}.floor_negative"]:
        eff = np.maximum(eff, 0.0)
    return top, eff


@component("normalise_year", kind="step", phase="year", zh="年度得分按组内第一名换算",
           en="the year's final normalised to the group's first-placed unit", feature=_year_feature,
           params=_normalising("normalise_year", "the group's top is", "the final passes"))
def normalise_year(ctx: Context, o: Outcome) -> None:
    """The group's first-placed unit gets ``normalise_year.scale`` and every
    other unit its final × scale ÷ the top's: a year total put on one scale
    across groups of different sizes and activity."""
    top, eff = normalised(ctx, o.final, "normalise_year")
    o.final = eff
    o.add_step("normalise the year to the group's first-placed unit",
               ["normalise_year.scale", "normalise_year.top_not_positive", "normalise_year.floor_negative"],
               year_top=np.where(np.isfinite(top), top, 0.0), year_normalised=eff)


def quarter_vetoes(ctx: Context) -> np.ndarray:
    """(R, U, 4) True where a quarter is vetoed (当季不得分): an event of
    ``veto.quarter_events`` in it, or a failed direct-report task."""
    p = ctx.p
    vetoed = np.zeros((ctx.n_reps, ctx.n_units, 4), bool)
    for kind in p["veto.quarter_events"]:
        vetoed |= ctx.event_counts(EVENT[kind], quarterly=True) > 0
    if p["direct_report.enabled"]:
        vetoed |= ~direct_report_done(ctx)
    return vetoed


def direct_report_done(ctx: Context) -> np.ndarray:
    """(R, U, 4) whether a unit did its quarter's direct-report task (直报点任务):
    every month ≥ ``direct_report.monthly_count`` items sent to
    ``direct_report.monthly_to`` and the quarter ≥ ``direct_report.quarterly_count``
    sent to ``direct_report.quarterly_to``. Units of other groups always pass."""
    p = ctx.p
    done = ctx.direct_reports_met(ctx.pair_code(*p["direct_report.monthly_to"].split(":", 1)),
                                  int(p["direct_report.monthly_count"]),
                                  ctx.pair_code(*p["direct_report.quarterly_to"].split(":", 1)),
                                  int(p["direct_report.quarterly_count"]))
    in_task = np.isin(np.array(ctx.groups)[ctx.group], list(p["direct_report.groups"]))
    return done | ~in_task[None, :, None]


@component("rank_point_quarters", kind="step", phase="quarters", zh="季度按名次赋分",
           en="quarter rank points against a group target, with quarter vetoes", feature=_rank_points_feature, params=(
    Spec("rank_points.enabled", "bool", "季度按排名赋分(否则直接累计季度原始分)",
         "score each quarter by rank points (otherwise by raw points)", default=True, cite="default: rank points"),
    Spec("rank_points.target", "number", "季度目标分", "raw quarter points a unit must reach to be ranked", "points",
         0, 10000, keys="groups"),
    Spec("rank_points.table", "list", "名次赋分表", "rank points by position", "points", 0, 1000, keys="groups"),
    Spec("rank_points.rest", "number", "其余名次赋分", "rank points for positions past the table", "points", 0, 1000,
         keys="groups"),
    Spec("veto.quarter_events", "set", "当季不得分的事项", "events that veto the quarter they fall in",
         choices="event_kinds", default=(), cite="default: no quarter veto"),
    Spec("direct_report.enabled", "bool", "直报点任务未完成当季不得分", "a failed direct-report task vetoes the quarter",
         default=False, cite="default: no direct-report task"),
    Spec("direct_report.groups", "set", "承担直报点任务的组", "groups with the direct-report task", choices="groups",
         when=("direct_report.enabled", True)),
    Spec("direct_report.monthly_to", "choice", "每月直报对象(刊物:栏目)", "where the monthly direct reports go (outlet:section)",
         choices=PAIRS, when=("direct_report.enabled", True)),
    Spec("direct_report.monthly_count", "integer", "每月直报信息不少于", "monthly minimum of direct reports",
         "items a month", 0, 100, when=("direct_report.enabled", True)),
    Spec("direct_report.quarterly_to", "choice", "每季直报对象(刊物:栏目)",
         "where the quarterly direct reports go (outlet:section)", choices=PAIRS, when=("direct_report.enabled", True)),
    Spec("direct_report.quarterly_count", "integer", "每季直报信息不少于", "quarterly minimum of direct reports",
         "items a quarter", 0, 100, when=("direct_report.enabled", True)),
))
def rank_point_quarters(ctx: Context, o: Outcome) -> None:
    """Quarter rank points (名次赋分): units whose raw quarter points reach the
    group's ``rank_points.target`` and whose quarter is not vetoed are ranked
    by raw points; position p takes the p-th entry of the group's
    ``rank_points.table``, positions past it ``rank_points.rest``; others 0.
    Tied units share the better position (C-6).

    With ``rank_points.enabled`` false a quarter scores its raw points (0 if
    vetoed) instead.
    """
    p = ctx.p
    q = o.quarters
    vetoed = quarter_vetoes(ctx)
    rules = ["veto.quarter_events", "direct_report.enabled", "direct_report.monthly_count",
             "direct_report.quarterly_count"]
    if not p["rank_points.enabled"]:
        o.quarter_scores = np.where(vetoed, 0.0, q)
        o.add_step("quarters vetoed score 0", rules, **o.quarter_columns("vetoed", vetoed))
        return
    target = ctx.by_group("rank_points.target", scoring=True)[None, :, None]
    eligible = ~vetoed & (comparable(q) >= comparable(target))
    tables = p.table("rank_points.table")
    rest = p.table("rank_points.rest")
    width = max(len(t) for t in tables.values()) + 1
    lookup = np.zeros((len(ctx.groups), width))
    for gi, g in enumerate(ctx.groups):
        t = list(tables.get(g, ()))
        lookup[gi, : len(t)] = t
        lookup[gi, len(t):] = rest.get(g, 0.0)
    # the quarters ranked as if replicates of their own: one ranking of (R × 4, U) rows
    R, U, n_quarters = q.shape
    position = 1 + count_beyond(q.transpose(0, 2, 1).reshape(R * n_quarters, U), ctx.scoring_group,
                                eligible.transpose(0, 2, 1).reshape(R * n_quarters, U), higher=True)
    position = position.reshape(R, n_quarters, U).transpose(0, 2, 1)
    g = np.broadcast_to(ctx.scoring_group[None, :, None], q.shape)
    scores = np.where(eligible, lookup[g, np.clip(position - 1, 0, width - 1)], 0.0)
    o.quarter_scores = scores
    o.add_step(
        "quarter rank points: target reached and not vetoed, then the group's table by position",
        rules + ["rank_points.target", "rank_points.table", "rank_points.rest"],
        **o.quarter_columns("vetoed", vetoed),
        **o.quarter_columns("position", np.where(eligible, position, 0)),
        **o.quarter_columns("rank_points", scores),
    )


@component("combine_quarters", kind="step", phase="combine", zh="季度合成年度", en="the year's final from the quarters",
           feature=_combine_feature, params=(
    Spec("final.combine", "choice", "年度分:季度分数的平均或累计", "the year's final score: mean or sum of the quarters",
         choices=("mean", "sum")),
))
def combine_quarters(ctx: Context, o: Outcome) -> None:
    """``final.combine``: the year's final as the ``mean`` or ``sum`` of the
    quarters' results (年度 = 四个季度平均 / 累计)."""
    scores = o.quarter_scores if o.quarter_scores is not None else o.quarters
    how = ctx.p["final.combine"]
    o.final = sum_last(scores) / scores.shape[2] if how == "mean" else sum_last(scores)
    o.add_step(f"final = {how} of the four quarters", ["final.combine"])

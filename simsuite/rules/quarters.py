"""From raw quarter points to the year's final score: normalisation to the
first-placed unit, quarter vetoes, rank-point tables, and combining quarters."""

from __future__ import annotations

import numpy as np

from ..engine.batch import EVENT
from ..engine.context import Context
from ..engine.outcome import Outcome
from ..engine.points import sum_last
from ..engine.ranking import comparable, count_beyond, group_max


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
    scale = float(p["normalise.scale"])
    groups = ctx.scoring_group
    top = group_max(q, groups, len(ctx.groups))[:, groups]  # each unit's group's highest
    positive = comparable(top) > 0
    safe = np.where(positive, top, 1.0)
    eff = np.where(positive, scale * q / safe, 0.0)
    eff = np.where(comparable(q) == comparable(top), np.where(positive, scale, 0.0), eff)  # the top: exactly the scale
    if p["normalise.floor_negative"]:
        eff = np.maximum(eff, 0.0)
    o.quarter_scores = eff
    o.add_step(
        "normalise each quarter to the group's first-placed unit",
        ["normalise.enabled", "normalise.scale", "normalise.top_not_positive", "normalise.floor_negative"],
        **o.quarter_columns("top", np.where(np.isfinite(top), top, 0.0)),
        **o.quarter_columns("efficiency", eff),
    )


def quarter_vetoes(ctx: Context) -> np.ndarray:
    """(R, U, 4) True where a quarter is vetoed (当季不得分): an event of
    ``veto.quarter_events`` in it, or a failed direct-report task."""
    p = ctx.p
    vetoed = np.zeros((ctx.b.n_reps, ctx.b.n_units, 4), bool)
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
    b, p = ctx.b, ctx.p
    R, U = b.n_reps, b.n_units
    # one entry per (item, outlet sent to): one bincount by target, unit and month
    targets = [ctx.pair_code(*p[f"direct_report.{x}_to"].split(":", 1)) for x in ("monthly", "quarterly")]
    target_of_pair = np.full(len(ctx.pairs), 2, dtype=np.int64)
    target_of_pair[targets[1]], target_of_pair[targets[0]] = 1, 0
    cells = R * U * 12 + 1  # the last: items not counted
    counts = np.bincount(target_of_pair[b.sent_pair] * cells + b.keys.sent_key, minlength=3 * cells)
    counts = counts.reshape(3, cells)[:, :-1].reshape(3, R, U, 12)
    monthly = counts[0] >= p["direct_report.monthly_count"]
    quarterly = counts[0 if targets[1] == targets[0] else 1]
    qm = b.calendar.quarter_of_month
    done = np.stack(
        [monthly[:, :, qm == i].all(axis=2) & (quarterly[:, :, qm == i].sum(axis=2) >= p["direct_report.quarterly_count"])
         for i in range(4)], axis=2)
    in_task = np.isin(np.array(ctx.groups)[b.group], list(p["direct_report.groups"]))
    return done | ~in_task[None, :, None]


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
    position = np.zeros(q.shape, dtype=np.int64)
    tables = p.table("rank_points.table")
    rest = p.table("rank_points.rest")
    width = max(len(t) for t in tables.values()) + 1
    lookup = np.zeros((len(ctx.groups), width))
    for gi, g in enumerate(ctx.groups):
        t = list(tables.get(g, ()))
        lookup[gi, : len(t)] = t
        lookup[gi, len(t):] = rest.get(g, 0.0)
    for i in range(4):
        position[:, :, i] = 1 + count_beyond(q[:, :, i], ctx.scoring_group, eligible[:, :, i], higher=True)
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


def combine_quarters(ctx: Context, o: Outcome) -> None:
    """``final.combine``: the year's final as the ``mean`` or ``sum`` of the
    quarters' results (年度 = 四个季度平均 / 累计)."""
    scores = o.quarter_scores if o.quarter_scores is not None else o.quarters
    how = ctx.p["final.combine"]
    o.final = sum_last(scores) / scores.shape[2] if how == "mean" else sum_last(scores)
    o.add_step(f"final = {how} of the four quarters", ["final.combine"])

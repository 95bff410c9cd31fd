"""Points for submitting items: monthly quotas, zero months, per-item points.

All count the lead unit's in-scope items dated in the year (RULES.md C-5,
C-9): :attr:`Context.item_counted`.
"""

from __future__ import annotations

import numpy as np

from ..engine.context import Context
from ..engine.points import Points, PointsGrid, make_points

MONTHS = np.arange(12)
from .crediting import credit_capped


def _month_records(ctx: Context, component: str, rules, hit: np.ndarray, value, note: str) -> PointsGrid:
    """The unit-months where ``hit`` score ``value`` (a number or an (R, U, 12) grid)."""
    amounts = np.where(hit, np.asarray(value, dtype=float), 0.0)
    return PointsGrid(component, tuple(rules), "month", amounts, hit, MONTHS, ctx.quarter_of_month, note=note)


def monthly_quota(ctx: Context) -> list[Points]:
    """A month in which the unit's items of ``quota.kinds`` reach its group's
    ``quota.items`` earns ``quota.points``; more items earn nothing more."""
    p = ctx.p
    counts = ctx.month_counts(p["quota.kinds"])
    quota = ctx.by_group("quota.items")[None, :, None]
    hit = counts >= quota
    return [_month_records(ctx, "quota", ["quota.points", "quota.items", "quota.kinds"], hit,
                           p["quota.points"], "monthly quota reached")]


def zero_months(ctx: Context) -> list[Points]:
    """A month with no counted item of any kind scores ``zero_month.points``
    (negative: 零报送)."""
    hit = ctx.month_counts(None) == 0
    return [_month_records(ctx, "zero_month", ["zero_month.points"], hit, ctx.p["zero_month.points"],
                           "no item submitted in the month")]


def per_item_points(ctx: Context) -> list[Points]:
    """Each counted item of ``item_points.kinds`` scores ``item_points.points``
    (times its ``quality`` where ``item_points.basis`` is ``quality``), in the
    period of its date; with ``item_points.cap_enabled`` the unit's running
    total stops at ``item_points.cap`` (the item that crosses it gets the rest).
    """
    b, p = ctx.b, ctx.p
    mask = ctx.item_counted & ctx.kind_mask(p["item_points.kinds"])[b.item_kind]
    rows = np.flatnonzero(mask)
    value = np.full(len(rows), float(p["item_points.points"]))
    rules = ["item_points.points", "item_points.kinds", "item_points.basis"]
    if p["item_points.basis"] == "quality":
        value = value * b.item_quality[rows]
    month = ctx.item_month[rows]
    quarter = ctx.quarter_of_month[month]
    cell = b.keys.item_cell[rows]
    if not p["item_points.cap_enabled"]:
        return [make_points("items", rules, "item", rows, cell, quarter, value, b.n_units, value)]
    rules += ["item_points.cap_enabled", "item_points.cap"]
    cap = float(p["item_points.cap"])
    if not ctx.trace:
        return [capped_by_quarter(ctx, rules, cell, quarter, value, cap)]
    credit = credit_capped(cell, b.item_day[rows], value, cap)
    return [make_points("items", rules, "item", rows, cell, quarter, credit, b.n_units, value,
                        note="running total capped")]


def capped_by_quarter(ctx: Context, rules, cell, quarter, value, cap: float) -> PointsGrid:
    """A running total capped at ``cap``, summed by quarter without listing
    items: the credits up to the end of quarter q sum to min(total so far,
    cap), whatever the order within it, so quarter q's share is that minus
    the same at the end of q − 1. :func:`~simsuite.rules.crediting.credit_capped`
    gives the same sums item by item, in date order, for explanations."""
    b = ctx.b
    sums = np.bincount(cell * 4 + quarter, weights=value, minlength=b.n_reps * b.n_units * 4)
    so_far = np.minimum(np.cumsum(sums.reshape(b.n_reps, b.n_units, 4), axis=2), cap)
    credit = np.diff(so_far, axis=2, prepend=min(0.0, cap))
    return PointsGrid("items", tuple(rules), "item", credit, None, None, np.arange(4), note="running total capped")

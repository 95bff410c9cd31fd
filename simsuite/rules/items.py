"""Points for submitting items: monthly quotas, zero months, per-item points.

All count the lead unit's in-scope items dated in the year (RULES.md C-5,
C-9): :attr:`Context.item_counted`.
"""

from __future__ import annotations

import numpy as np

from ..engine.context import Context
from ..engine.points import Points, make_points
from .crediting import credit_capped


def _month_records(ctx: Context, component: str, rules, hit: np.ndarray, value, note: str) -> Points:
    """One record per (replicate, unit, month) where ``hit``; index = month."""
    rep, unit, month = np.unravel_index(np.flatnonzero(hit), hit.shape)  # as np.nonzero, faster
    q = ctx.b.calendar.quarter_of_month[month]
    amount = np.broadcast_to(np.asarray(value, dtype=float), hit.shape)[rep, unit, month] if np.ndim(value) else np.full(len(rep), float(value))
    return make_points(component, rules, "month", month, rep, unit, q, amount, note=note)


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
    credit = value
    note = ""
    if p["item_points.cap_enabled"]:
        key = b.item_rep[rows].astype(np.int64) * b.n_units + b.item_unit[rows]
        credit = credit_capped(key, b.item_day[rows], value, float(p["item_points.cap"]))
        rules += ["item_points.cap_enabled", "item_points.cap"]
        note = "running total capped"
    month = ctx.item_month[rows]
    return [make_points("items", rules, "item", rows, b.item_rep[rows], b.item_unit[rows], b.quarter(month),
                        credit, value, note=note)]

"""Points for submitting items: monthly quotas, zero months, per-item points.

All count the lead unit's in-scope items dated in the year (decisions C-5,
C-9): :attr:`Context.item_counted`.
"""

from __future__ import annotations

import numpy as np

from ..engine.context import Context
from ..engine.batch import expand_csr
from ..engine.points import Points, PointsGrid, make_points, quarters_of_months, sum_last
from .crediting import credit_capped
from .registry import Spec, component

MONTHS = np.arange(12)
KINDS_SPEC = dict(type="set", choices="item_kinds")


def _by_group(table: dict) -> str:
    return "/".join(f"{v:g} ({g})" for g, v in table.items())


def _quota_feature(rb) -> dict:
    p = rb.parameters
    return {"quota rules": f"monthly {'+'.join(p['quota.kinds'])} ≥ {_by_group(p.table('quota.items'))} → "
                           f"{p['quota.points']:g} a month, no more above quota"}


def _zero_feature(rb) -> dict:
    return {"quota rules": f"month with no item {rb.parameters['zero_month.points']:g}"}


def _item_feature(rb) -> dict:
    p = rb.parameters
    basis = " × quality" if p["item_points.basis"] == "quality" else ""
    kinds = "every" if len(p["item_points.kinds"]) == 5 else "/".join(p["item_points.kinds"])
    out = {"per-item points": f"{p['item_points.points']:g}{basis} per {kinds} item"}
    if p["item_points.cap_enabled"]:
        out["caps"] = f"per-item points capped at {p['item_points.cap']:g} a year"
    return out


def counts_with_co_units(ctx: Context, kinds, with_co: bool) -> np.ndarray:
    """(R, U, 12) counted items of ``kinds`` (all when None) by month; with
    ``with_co`` an item also counts for each of its co-submitting units, the
    other reading of decisions NX-1 and C-9 (only the lead unit's items count)."""
    counts = ctx.month_counts(kinds)
    if not with_co:
        return counts
    b = ctx.b
    of_kinds = ctx.of_kinds(b.item_kind, kinds) if kinds is not None else True
    items = np.flatnonzero(ctx.item_counted & of_kinds & b.keys.item_has_co)
    which, pos = expand_csr(b.co_ptr, items)
    item = items[which]
    key = (b.item_rep[item].astype(np.int64) * b.n_units + b.co_unit[pos]) * 12 + b.item_month[item]
    extra = np.bincount(key, minlength=b.n_reps * b.n_units * 12).reshape(counts.shape)
    return counts + extra


def _quota_cell(rules, source, n, b, rulebook, u) -> dict:
    return {"quota.items": f"quota.items.{rulebook.groups[b.group[u]]}"}


def _month_records(ctx: Context, component: str, rules, hit: np.ndarray, value, note: str) -> PointsGrid:
    """The unit-months where ``hit`` score ``value`` (a number or an (R, U, 12) grid)."""
    if np.ndim(value) == 0:
        return PointsGrid.of_cells(component, rules, "month", hit, value, MONTHS, ctx.quarter_of_month, note)
    amounts = hit * np.asarray(value, dtype=float)
    return PointsGrid(component, tuple(rules), "month", amounts, hit, MONTHS, ctx.quarter_of_month, note=note)


@component("monthly_quota", zh="每月报送数量基础分", en="points for a month with the quota of items reached",
           credits={"quota": "volume"}, feature=_quota_feature, narrow=_quota_cell, params=(
    Spec("quota.kinds", zh="计入月度报送数量的信息类型", en="item kinds counted toward the monthly quota", **KINDS_SPEC),
    Spec("quota.items", "integer", "每月报送数量要求", "monthly quota of items, by group", "items a month", 0, 100,
         keys="groups"),
    Spec("quota.points", "number", "完成每月报送数量基础分(超额不加分)",
         "points for a month with the quota reached (no more for exceeding it)", "points a month", 0, 100),
    Spec("quota.co_units_count", "bool", "联合报送单位的信息计入报送数量", "co-submitted items count toward the co-units' quotas too",
         default=False, cite="decision C-9: only the lead unit's items count"),
))
def monthly_quota(ctx: Context) -> list[Points]:
    """A month in which the unit's items of ``quota.kinds`` reach its group's
    ``quota.items`` earns ``quota.points``; more items earn nothing more."""
    p = ctx.p
    counts = counts_with_co_units(ctx, p["quota.kinds"], p["quota.co_units_count"])
    quota = ctx.by_group("quota.items")[None, :, None]
    hit = counts >= quota
    return [_month_records(ctx, "quota", ["quota.points", "quota.items", "quota.kinds", "quota.co_units_count"], hit,
                           p["quota.points"], "monthly quota reached")]


@component("zero_months", zh="零报送月份扣分", en="points for a month with no item", credits={"zero_month": "volume"},
           feature=_zero_feature, params=(
    Spec("zero_month.points", "number", "当月未报送信息扣分", "points for a month with no item", "points a month",
         -100, 0),
    Spec("zero_month.co_units_count", "bool", "联合报送的信息算作联合单位已报送", "a co-submitted item keeps its co-units' month from being empty",
         default=False, cite="decision C-9: only the lead unit's items count"),
))
def zero_months(ctx: Context) -> list[Points]:
    """A month with no counted item of any kind scores ``zero_month.points``
    (negative: 零报送)."""
    hit = counts_with_co_units(ctx, None, ctx.p["zero_month.co_units_count"]) == 0
    return [_month_records(ctx, "zero_month", ["zero_month.points", "zero_month.co_units_count"], hit, ctx.p["zero_month.points"],
                           "no item submitted in the month")]


@component("per_item_points", zh="按条计分", en="points for each item of some kinds, optionally capped a year",
           credits={"items": "volume"}, feature=_item_feature, params=(
    Spec("item_points.kinds", zh="按条计分的信息类型", en="item kinds scoring points per item", **KINDS_SPEC),
    Spec("item_points.points", "number", "每条计分", "points per item (per quality mark with basis quality)",
         "points an item", 0, 100),
    Spec("item_points.basis", "choice", "每条计分依据(固定分或质量分)",
         "per-item points: fixed, or times the item's quality mark", choices=("fixed", "quality"),
         default="fixed", cite="default: fixed points an item"),
    Spec("item_points.count", "choice", "计分方式:每条,或每月完成即计一次",
         "each item scores (each), or a month with at least one such item scores once (once_a_month)",
         choices=("each", "once_a_month"), default="each", cite="default: each item scores (decision NX-2)"),
    Spec("item_points.cap_enabled", "bool", "是否设年度上限", "cap the per-item points a year", default=False,
         cite="default: no cap"),
    Spec("item_points.cap", "number", "每条计分年度上限", "yearly cap on per-item points", "points a year", 0, 10000,
         when=("item_points.cap_enabled", True)),
))
def per_item_points(ctx: Context) -> list[Points | PointsGrid]:
    """Each counted item of ``item_points.kinds`` scores ``item_points.points``
    (times its ``quality`` where ``item_points.basis`` is ``quality``), in the
    period of its date; with ``item_points.cap_enabled`` the unit's running
    total stops at ``item_points.cap`` (the item that crosses it gets the rest).
    """
    b, p = ctx.b, ctx.p
    points = float(p["item_points.points"])
    by_quality = p["item_points.basis"] == "quality"
    capped = p["item_points.cap_enabled"]
    rules = ["item_points.points", "item_points.kinds", "item_points.basis"]
    rules += ["item_points.cap_enabled", "item_points.cap"] if capped else []
    note = "running total capped" if capped else ""
    if p["item_points.count"] == "once_a_month":  # a quota of one: the month scores once, fixed points
        hit = ctx.month_counts(p["item_points.kinds"]) > 0
        monthly = hit * points
        if capped:
            monthly = capped_by_month(monthly, float(p["item_points.cap"]))
        return [PointsGrid("items", tuple(rules + ["item_points.count"]), "month", monthly, hit,
                           MONTHS, ctx.quarter_of_month, note="at least one such item in the month")]
    if not ctx.trace:  # summed by unit-month, from the counts every month rule shares
        if by_quality:  # items not counted fall past the last key
            size = b.n_reps * b.n_units * 12
            of_kinds = ctx.of_kinds(b.item_kind, p["item_points.kinds"])
            if np.count_nonzero(of_kinds) * 2 < len(of_kinds):  # few of the kinds: their rows alone
                rows = np.flatnonzero(of_kinds)
                key, weight = b.keys.counted_key[rows], b.item_quality[rows] * points
            else:  # most: every item weighed, 0 if not of the kinds (the same sums, zeros added exactly)
                key, weight = b.keys.counted_key, b.item_quality * of_kinds
                weight *= points
            monthly = np.bincount(key, weights=weight, minlength=size + 1)[:size].reshape(b.n_reps, b.n_units, 12)
        else:
            counts = ctx.month_counts(p["item_points.kinds"])
            quarters = quarters_of_months(counts.reshape(-1, 12), ctx.quarter_of_month)
            if quarters is not None and points >= 0:  # summed by quarter in counts, then times the points
                quarters = np.multiply(quarters, points)
                if capped:
                    cap_quarters(quarters, float(p["item_points.cap"]))
                return [PointsGrid("items", tuple(rules), "item", None, None, None, ctx.quarter_of_month, note=note,
                                   quarters=quarters)]
            monthly = points * counts
        if capped:
            monthly = capped_by_month(monthly, float(p["item_points.cap"]))
        return [PointsGrid("items", tuple(rules), "item", monthly, None, None, ctx.quarter_of_month, note=note)]
    rows = np.flatnonzero(ctx.item_counted & ctx.of_kinds(b.item_kind, p["item_points.kinds"]))
    value = points * b.item_quality[rows] if by_quality else np.full(len(rows), points)
    quarter = ctx.quarter_of_month[b.item_month[rows]]
    cell = b.keys.item_cell[rows]
    credit = credit_capped(cell, b.item_day[rows], value, float(p["item_points.cap"])) if capped else value
    return [make_points("items", rules, "item", rows, cell, quarter, credit, b.n_units, value, note=note)]


def capped_by_month(monthly: np.ndarray, cap: float) -> np.ndarray:
    """Monthly credits of a running total capped at ``cap``, from (R, U, 12)
    monthly sums. The credits up to the end of a month sum to min(total so
    far, cap), whatever their order within it, so a month's share is that
    minus the same a month earlier. :func:`~simsuite.rules.crediting.credit_capped`
    gives the same sums item by item, in date order, for explanations.

    With no negative month, a unit whose year stays within the cap is
    credited its months as they are; only the (unit, replicate) cells that
    pass it run month by month (a few, where a cap is set above most units)."""
    R, U, M = monthly.shape
    if cap < 0 or monthly.min(initial=0.0) < 0:
        return _capped_by_month(monthly.reshape(R * U, M), cap).reshape(R, U, M)
    over = np.flatnonzero(sum_last(monthly).reshape(-1) > cap)
    credit = monthly.copy()
    if len(over):
        by_cell = credit.reshape(R * U, M)
        by_cell[over] = _capped_by_month(by_cell[over], cap)
    return credit


def cap_quarters(quarters: np.ndarray, cap: float) -> None:
    """Cap a running total at ``cap``, in place, from its (cells, 4) sums by
    quarter, for amounts never negative: what :func:`capped_by_month` credits,
    summed by quarter. The running total only rises, so what a quarter is
    credited is min(total at its end, cap) less the same at the end of the
    quarter before. Cells whose year stays within the cap keep their quarters
    as they are. Column by column: numpy works along a row of four slowly."""
    so_far = quarters.copy()
    for k in range(1, 4):
        so_far[:, k] += so_far[:, k - 1]
    over = so_far[:, 3] > cap  # the year's total, summed as sum_last sums it
    if not over.any():
        return
    np.minimum(so_far, cap, out=so_far)
    credited = np.empty(quarters.shape)
    np.subtract(so_far[:, 0], min(0.0, cap), out=credited[:, 0])
    for k in range(1, 4):
        np.subtract(so_far[:, k], so_far[:, k - 1], out=credited[:, k])
    rows = np.dtype((np.void, 32))  # a cell's four quarters as one item: copied as a whole
    np.copyto(quarters.view(rows)[:, 0], credited.view(rows)[:, 0], where=over)


def _capped_by_month(monthly: np.ndarray, cap: float) -> np.ndarray:
    """:func:`capped_by_month` of (cells, 12) monthly sums, month by month."""
    credit = np.empty(monthly.shape)
    total = np.zeros(monthly.shape[0])
    so_far, before = np.empty(monthly.shape[0]), np.full(monthly.shape[0], min(0.0, cap))
    for m in range(monthly.shape[1]):  # month by month: a cumsum over a short last axis is slower
        total += monthly[:, m]
        np.minimum(total, cap, out=so_far)
        np.subtract(so_far, before, out=credit[:, m])
        so_far, before = before, so_far  # two buffers in turn: no fresh array a month
    return credit

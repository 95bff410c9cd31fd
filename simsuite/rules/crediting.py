"""How amounts are credited over time when only a running best, or a capped
running total, counts.

Both are segmented scans over date-sorted arrays: one stable sort and one
``maximum.accumulate`` / ``cumsum`` for every item or unit of every replicate
at once.
"""

from __future__ import annotations

import numpy as np


def ordering(key: np.ndarray, day: np.ndarray) -> np.ndarray | None:
    """Positions sorted by key, then day, ties in input order; ``None`` when
    the rows are in that order already (checked, in one pass, not assumed:
    generated batches list each item's adoptions in date order, so C-8 then
    needs no sort). Otherwise one stable argsort of a combined integer
    (twice as fast as a two-key lexsort)."""
    if len(day) <= 1:
        return None
    key = np.asarray(key, dtype=np.int64)
    day = np.asarray(day)
    low, high = int(day.min()), int(day.max())
    if high - low >= 1 << 20 or key.max(initial=0) >= 1 << 42 or key.min(initial=0) < 0:
        combined = None
    else:
        combined = (key << 20) + (day - low)
        if (combined[1:] >= combined[:-1]).all():
            return None
    if combined is None:
        order = np.lexsort((day, key))
        return None if (order == np.arange(len(order))).all() else order
    return np.argsort(combined, kind="stable")


def order_by(key: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Positions sorted by key, then day, ties in input order."""
    order = ordering(key, day)
    return np.arange(len(day)) if order is None else order


def credit_rises(key: np.ndarray, day: np.ndarray, value: np.ndarray) -> np.ndarray:
    """RULES.md C-8: where only a key's highest value counts, each arrival is
    credited the amount by which it raises the key's highest so far (from 0),
    in date order. The credits of one key sum to its highest value."""
    n = len(value)
    if n == 0:
        return np.zeros(0)
    v = np.maximum(np.asarray(value, dtype=np.float64), 0.0)
    order = ordering(key, day)
    k, vs = (key, v) if order is None else (key[order], v[order])
    start = np.empty(n, bool)
    start[0] = True
    np.not_equal(k[1:], k[:-1], out=start[1:])
    seg = np.cumsum(start) - 1
    span = float(vs.max()) + 1.0
    lift = seg * span
    running = np.maximum.accumulate(vs + lift) - lift
    credit = np.empty(n)
    credit[0] = running[0]
    np.subtract(running[1:], running[:-1], out=credit[1:])
    np.copyto(credit, running, where=start)  # the first of a key rises from 0
    if order is None:
        return credit
    out = np.empty(n)
    out[order] = credit
    return out


def credit_capped(key: np.ndarray, day: np.ndarray, value: np.ndarray, cap: float) -> np.ndarray:
    """Credits of a running total that stops at ``cap`` per key, in date order:
    the arrival that crosses the cap gets the remainder, later ones nothing."""
    n = len(value)
    if n == 0:
        return np.zeros(0)
    order = ordering(key, day)
    value = np.asarray(value, dtype=np.float64)
    k, vs = (key, value) if order is None else (key[order], value[order])
    cum = np.cumsum(vs)
    start = np.concatenate([[True], k[1:] != k[:-1]])
    base = np.maximum.accumulate(np.where(start, cum - vs, -np.inf))
    within = cum - base
    credit = np.minimum(within, cap) - np.minimum(within - vs, cap)
    if order is None:
        return credit
    out = np.empty(n)
    out[order] = credit
    return out

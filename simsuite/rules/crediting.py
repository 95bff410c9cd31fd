"""How amounts are credited over time when only a running best, or a capped
running total, counts.

Both are segmented scans over date-sorted arrays: one stable sort and one
``maximum.accumulate`` / ``cumsum`` for every item or unit of every replicate
at once.
"""

from __future__ import annotations

import numpy as np


def order_by(key: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Positions sorted by key, then day, ties in input order: one stable
    argsort of a combined integer (twice as fast as a two-key lexsort)."""
    key = np.asarray(key, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    if len(day) == 0:
        return np.zeros(0, dtype=np.int64)
    span = int(day.max() - day.min()) + 1
    if span >= 1 << 20 or key.max(initial=0) >= 1 << 42:
        return np.lexsort((day, key))
    return np.argsort(key * (1 << 20) + (day - day.min()), kind="stable")


def credit_rises(key: np.ndarray, day: np.ndarray, value: np.ndarray) -> np.ndarray:
    """RULES.md C-8: where only a key's highest value counts, each arrival is
    credited the amount by which it raises the key's highest so far (from 0),
    in date order. The credits of one key sum to its highest value."""
    n = len(value)
    out = np.zeros(n)
    if n == 0:
        return out
    v = np.maximum(np.asarray(value, dtype=np.float64), 0.0)
    order = order_by(key, day)
    k, vs = key[order], v[order]
    seg = np.concatenate([[0], np.cumsum(k[1:] != k[:-1])])
    span = float(vs.max()) + 1.0
    running = np.maximum.accumulate(vs + seg * span) - seg * span
    previous = np.zeros(n)
    previous[1:] = running[:-1]
    previous[np.concatenate([[True], k[1:] != k[:-1]])] = 0.0
    out[order] = running - previous
    return out


def credit_capped(key: np.ndarray, day: np.ndarray, value: np.ndarray, cap: float) -> np.ndarray:
    """Credits of a running total that stops at ``cap`` per key, in date order:
    the arrival that crosses the cap gets the remainder, later ones nothing."""
    n = len(value)
    out = np.zeros(n)
    if n == 0:
        return out
    order = order_by(key, day)
    k, vs = key[order], np.asarray(value, dtype=np.float64)[order]
    cum = np.cumsum(vs)
    start = np.concatenate([[True], k[1:] != k[:-1]])
    base = np.maximum.accumulate(np.where(start, cum - vs, -np.inf))
    within = cum - base
    out[order] = np.minimum(within, cap) - np.minimum(within - vs, cap)
    return out

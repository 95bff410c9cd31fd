"""Ranks within groups, vectorised over replicates (decision C-6).

Scores are compared after rounding to 6 decimal places, so the order in which
floating-point sums were taken never makes or breaks a tie; ties share the
best rank of the tie ("min"). Nothing here depends on the order of a sort:
every tied unit gets the same answer whatever its position in the input.
"""

from __future__ import annotations

import numpy as np

DECIMALS = 6


def comparable(scores: np.ndarray, decimals: int = DECIMALS) -> np.ndarray:
    """Scores as compared for ranks, positions, bands and ties (C-6)."""
    return np.round(np.asarray(scores, dtype=np.float64), decimals) + 0.0  # +0.0 folds -0.0


def rank_min(scores: np.ndarray, groups: np.ndarray, eligible: np.ndarray | None = None) -> np.ndarray:
    """Rank 1 = best, within each group of each replicate; ties share the best.

    ``scores`` is (R, U); ``groups`` (U,) or (R, U) integer codes. Units where
    ``eligible`` is False neither get a rank (0) nor occupy a position.
    Rank = 1 + the number of eligible units of the group with a strictly
    higher comparable score.
    """
    return 1 + count_beyond(scores, groups, eligible, higher=True)


#: groups up to this size are ranked by comparing every pair of units
PAIRWISE_UP_TO = 96


def count_beyond(scores: np.ndarray, groups: np.ndarray, eligible: np.ndarray | None = None,
                 higher: bool = True, decimals: int = DECIMALS) -> np.ndarray:
    """For each unit, how many eligible units of its group score strictly higher
    (or, with ``higher=False``, strictly lower). Ineligible units get -1.

    Groups of up to :data:`PAIRWISE_UP_TO` units (every rulebook's) compare
    every pair of members over all replicates at once (member by member,
    R × n² comparisons in n passes), several times faster than sorting rows
    this short; larger groups, or groups that differ by replicate, sort
    each replicate's row.
    """
    s = comparable(scores, decimals)
    R, U = s.shape
    groups = np.asarray(groups)
    if groups.ndim == 1 and (U == 0 or np.bincount(groups).max() <= PAIRWISE_UP_TO):
        out = _count_pairwise(s, groups, eligible, higher)
    else:
        ok = np.ones((R, U), bool) if eligible is None else np.asarray(eligible, bool)
        out = _count_sorted(-s if higher else s, groups, ok)  # smaller key: beyond
    if eligible is not None:
        out[~np.asarray(eligible, bool)] = -1
    return out


def count_higher_and_lower(scores: np.ndarray, groups: np.ndarray, decimals: int = DECIMALS
                           ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`count_beyond` higher and lower at once, every unit eligible:
    where groups are compared pair by pair, one comparison of each pair
    answers both (that member i scores above member j counts once for j's
    higher and once for i's lower)."""
    s = comparable(scores, decimals)
    groups = np.asarray(groups)
    if groups.ndim == 1 and (s.shape[1] == 0 or np.bincount(groups).max() <= PAIRWISE_UP_TO):
        return _count_pairwise(s, groups, None, True, lower_too=True)
    return (count_beyond(scores, groups, higher=True, decimals=decimals),
            count_beyond(scores, groups, higher=False, decimals=decimals))


def _count_pairwise(s: np.ndarray, groups: np.ndarray, eligible: np.ndarray | None, higher: bool,
                    lower_too: bool = False):
    """Member by member of each group: the members scoring beyond one
    member, counted for every member and replicate at once. Unit-major
    rows (each a member's scores over replicates) keep every comparison a
    contiguous pass: 2–3× faster than one (R, n, n) comparison counted
    over its short last axis.

    ``lower_too`` (with ``higher``): also how many members score below each
    member, from the same comparisons (those its row of them marks), as a
    second array."""
    if eligible is not None:  # ineligible units are beyond no one
        s = np.where(eligible, s, -np.inf if higher else np.inf)
    beyond = np.greater if higher else np.less
    out = np.empty(s.shape, dtype=np.int64)
    lower = np.empty(s.shape, dtype=np.int64) if lower_too else None
    for g in np.unique(groups):  # a few groups, each all replicates at once
        members = np.flatnonzero(groups == g)
        k = np.ascontiguousarray(s[:, members].T)  # (n, R)
        count = np.zeros(k.shape, dtype=np.uint8)  # n ≤ PAIRWISE_UP_TO < 256: a byte per count
        below = np.empty(k.shape, dtype=np.uint8) if lower_too else None
        is_beyond = np.empty(k.shape, dtype=bool)
        for i, member in enumerate(k):  # n passes over (n, R), not a loop over replicates
            beyond(member, k, out=is_beyond)  # row j: member i scores above member j
            count += is_beyond.view(np.uint8)
            if lower_too:
                np.add.reduce(is_beyond.view(np.uint8), axis=0, dtype=np.uint8, out=below[i])
        out[:, members] = count.T
        if lower_too:
            lower[:, members] = below.T
    return (out, lower) if lower_too else out


def _count_sorted(key: np.ndarray, groups: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Each replicate's row sorted on its own (by group, then key), which
    keeps the sort within a few cache lines; ineligible units sort into a
    group of their own."""
    R, U = key.shape
    n_groups = int(np.max(groups, initial=0)) + 1
    g = np.where(ok, np.broadcast_to(groups, (R, U)), n_groups)
    order = np.lexsort((key, g), axis=1)
    gs, ks = np.take_along_axis(g, order, axis=1), np.take_along_axis(key, order, axis=1)
    seg_new = np.ones((R, U), bool)
    seg_new[:, 1:] = gs[:, 1:] != gs[:, :-1]
    val_new = seg_new.copy()
    val_new[:, 1:] |= ks[:, 1:] != ks[:, :-1]
    idx = np.arange(U)
    seg_start = np.maximum.accumulate(np.where(seg_new, idx, 0), axis=1)
    val_start = np.maximum.accumulate(np.where(val_new, idx, 0), axis=1)
    out = np.empty((R, U), dtype=np.int64)
    np.put_along_axis(out, order, val_start - seg_start, axis=1)
    return out


def group_max(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per replicate and group, the maximum over units: (R, ..., G) from (R, U, ...)."""
    out = np.full(values.shape[:1] + (n_groups,) + values.shape[2:], -np.inf)
    for g in range(n_groups):
        members = groups == g
        if members.any():
            out[:, g] = values[:, members].max(axis=1)
    return out

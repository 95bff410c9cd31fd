"""Figures a ranking fixes by its own arithmetic, which are therefore no finding.

When units are ranked within their group, every year exactly k of a group's
n units are in its top k (ties aside), so the group's average chance of the
top k is k/n whatever the rule; an award given to the last three of the
group's 11 units gives the group an average chance of 3/11; the group's
average mean rank is (n + 1)/2. Such a figure says nothing about the rule or
the units: it is informative only when groups are pooled into one ranking,
or when units are grouped by another attribute than the one they are ranked
in. The same holds for one unit whose ranking group is small: a unit in a
group of three is always in the top three.

Every analysis table that can hold such a figure carries a ``fixed`` column
naming them (comma-separated), and :func:`hide_fixed` gives the table as it
should be shown: those cells blanked, columns fixed in every row left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .panel import Panel

#: per-unit and per-group figures decided by the ranking alone
RANK_FIGURES = ("mean_rank", "median_rank", "rank_p5", "rank_p95", "p_first")

#: the columns that go with a figure (its SE and interval)
COMPANIONS = ("", "_se", "_lo", "_hi")


def unit_fixed(p: Panel, top: int = 3) -> list[str]:
    """Per unit, the figures its ranking group's size decides: everything in a
    group of one, the top ``top`` in a group of at most ``top``, the bottom
    three in a group of at most three, and an award that every unit of the
    group got, or none did, in every replicate year (an award quota that
    covers the whole group, or that the group does not have)."""
    sizes = np.zeros(len(p.units), dtype=int)
    whole_award: dict[str, np.ndarray] = {a: np.zeros(len(p.units), dtype=bool) for a in p.award_names()}
    for _, cols in p.ranking_groups():
        sizes[cols] = len(cols)
        for award, flag in whole_award.items():
            hit = p.award[:, cols] == award
            flag[cols] = bool(hit.all() or not hit.any())
    out = []
    for u, n in enumerate(sizes):
        names = list(RANK_FIGURES) if n == 1 else []
        names += [f"p_top{top}"] if n <= top else []
        names += ["p_bottom3"] if n <= 3 else []
        names += [f"p_{a}" for a, flag in whole_award.items() if flag[u]]
        out.append(", ".join(dict.fromkeys(names)))
    return out


def units_fixed(results, top: int = 3) -> pd.DataFrame:
    """comparison, unit_id, fixed: :func:`unit_fixed` for every comparison of
    a run's results table, to mark per-unit tables built from it."""
    from .panel import panels

    frames = [pd.DataFrame({"comparison": name, "unit_id": p.units["unit_id"].to_numpy(object),
                            "fixed": unit_fixed(p, top)}) for name, p in panels(results).items()]
    return pd.concat(frames, ignore_index=True)


def group_fixed(p: Panel, labels: np.ndarray, top: int = 3) -> dict[str, list[str]]:
    """Per label (a group, or another unit attribute), the averages over its
    units that the ranking fixes: when the label's units are whole ranking
    groups, the average mean rank and chances of first place, of the top
    ``top`` and of the bottom three, and each award whose count among them is
    the same in every replicate year (an award by rank quota, such as the
    last three criticised; one that disqualification can withhold varies and
    stays a finding)."""
    labels = np.asarray(labels).astype(str)
    ranking = p.group if p.ranking_group is None else p.ranking_group.astype(str)
    out = {}
    for label in dict.fromkeys(labels):
        cols = labels == label
        whole = all(cols[ranking == g].all() for g in np.unique(ranking[cols]))
        if not whole:
            out[label] = []
            continue
        names = ["mean_rank", "p_first", f"p_top{top}", "p_bottom3"]
        for award in p.award_names():
            per_year = (p.award[:, cols] == award).sum(axis=1)
            if np.ptp(per_year) == 0:
                names.append(f"p_{award}")
        out[label] = names
    return out


def hide_fixed(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it should be shown: every figure its ``fixed`` column
    names is blanked with its SE and interval, and a figure fixed in every
    row is left out altogether; ``fixed`` stays, to say what was left out."""
    if "fixed" not in table or table.empty:
        return table
    out = table.copy()
    listed = out["fixed"].fillna("").astype(str).str.split(", ")
    figures = {name for names in listed for name in names if name}
    drop = []
    for name in sorted(figures):
        rows = listed.apply(lambda names, n=name: n in names).to_numpy()
        columns = [name + c for c in COMPANIONS if name + c in out]
        if rows.all():
            drop += columns
        else:
            for column in columns:
                out[column] = out[column].astype(float).where(~rows)
    return out.drop(columns=drop)


def fixed_cells(table: pd.DataFrame) -> list[tuple[int, str]]:
    """(row, column) of every figure the table shows although its ``fixed``
    column names it: empty for a table passed through :func:`hide_fixed`."""
    if "fixed" not in table:
        return []
    shown = []
    for i, names in enumerate(table["fixed"].fillna("").astype(str).str.split(", ")):
        for name in names:
            for column in (name + c for c in COMPANIONS if name):
                if column in table and pd.notna(table[column].iloc[i]):
                    shown.append((i, column))
    return shown

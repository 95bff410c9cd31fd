"""A yearly cap on what some point rules credit a unit (e.g. adoption points
capped at 100 a year)."""

from __future__ import annotations

import numpy as np

from ..engine.calendar import N_PERIODS
from ..engine.context import Context
from ..engine.points import Credits, Points
from .crediting import credit_capped
from .registry import Spec, component

#: score-table columns a cap can act on: those credited row by row, in date order
CAPPABLE = ("adoption", "bonus", "instruction", "events")


def _cap_feature(rb) -> dict:
    p = rb.parameters
    return {"caps": f"{'+'.join(p['year_cap.columns'])} points capped at {p['year_cap.points']:g} a year"}


@component("year_cap", kind="records", phase="records", zh="年度计分上限",
           en="a unit's points from some columns capped a year; the arrival that crosses the cap gets the rest",
           feature=_cap_feature, params=(
    Spec("year_cap.points", "number", "年度计分上限", "the most a unit can gain a year from the capped columns",
         "points a year", 0, 100000, default=100.0, cite="default: 100 a year"),
    Spec("year_cap.columns", "set", "受上限约束的计分项", "score-table columns whose points the cap counts together",
         choices=CAPPABLE, default=("adoption",), cite="default: adoption points"),
))
def cap_year(ctx: Context, records: list) -> list:
    """The points of ``year_cap.columns`` a unit is credited in the year,
    together and in date order, stop at ``year_cap.points``: the row that
    crosses the cap gets the remainder, later rows nothing. Applied before
    co-submitters' shares, which follow the capped credit."""
    b = ctx.b
    cap = float(ctx.p["year_cap.points"])
    columns = set(ctx.p["year_cap.columns"])
    day_of = {"adoption": b.ad_day, "instruction": b.ins_day, "event": b.ev_day}
    size = b.n_reps * b.n_units * N_PERIODS
    picked = [i for i, rec in enumerate(records) if rec.component in columns and rec.source in day_of]
    if not picked:
        return list(records)
    parts = []  # per picked record: (rows, cell, day, value)
    for i in picked:
        rec = records[i]
        if isinstance(rec, Credits):
            rows = np.flatnonzero(rec.slot < size)  # rows in the year
            value, slot = rec.amounts[rows], rec.slot[rows]
        else:
            rows, value, slot = rec.index, rec.points, rec.slot
        parts.append((slot // N_PERIODS, day_of[rec.source][rows], value))
    cell = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts])
    value = np.concatenate([p[2] for p in parts])
    capped = credit_capped(cell, day, value, cap)
    out = list(records)
    start = 0
    rules = ("year_cap.points", "year_cap.columns")
    for i, (c, _, v) in zip(picked, parts):
        new = capped[start:start + len(v)]
        start += len(v)
        rec = records[i]
        if isinstance(rec, Credits):
            amounts = rec.amounts.copy()
            amounts[rec.slot < size] = new
            out[i] = Credits(rec.component, rec.rules + rules, rec.source, amounts, rec.slot, rec.note)
        else:
            out[i] = Points(rec.component, rec.rules + rules, rec.source, rec.index, rec.slot, new, rec.n_units,
                            rec.basis, (rec.note + "; " if rec.note else "") + "capped a year")
    return out

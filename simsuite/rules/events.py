"""Points a unit gains or loses for events not tied to one item (扣分/加分事项)."""

from __future__ import annotations

import numpy as np

from ..engine.batch import EVENT
from ..engine.context import Context
from ..engine.points import Credits, Points, make_points
from ..engine.order import order_by
from .registry import Spec, component


def _event_feature(rb) -> dict:
    p = rb.parameters
    later = p.table("events.later") if p.has("events.later") else {}
    parts = [f"{k} {v:+g}" + (f" (later {later[k]:+g})" if k in later else "") for k, v in p.table("events.points").items()]
    return {"events": ", ".join(parts)}


@component("event_points", zh="加减分事项", en="points gained or lost for each event of some kinds",
           credits={"events": "conduct"}, feature=_event_feature, params=(
    Spec("events.points", "number", "加减分事项(每次)", "points per event, by kind", "points an event", -1000, 1000,
         keys="event_kinds"),
    Spec("events.later", "number", "同一事项第二次起每次计分", "points for each later event of a kind in the year",
         "points an event", -1000, 1000, keys="event_kinds", default={}, cite="default: every event the same"),
))
def event_points(ctx: Context) -> list[Points]:
    """Each event of a kind in ``events.points`` scores that amount per
    occurrence (``count`` occurrences per row), in the period of its date.

    Where ``events.later`` names the kind, only the unit's first occurrence in
    the year scores ``events.points``; each later one scores ``events.later``
    (an escalating penalty). Occurrences are ordered by date.
    """
    b, p = ctx.b, ctx.p
    first = p.table("events.points")
    later = p.table("events.later") if p.has("events.later") else {}
    month = b.ev_month
    kind_in_year = np.where(b.in_year(month), b.ev_kind, -1)  # -1: outside the year, no kind's
    escalates = "first in the year, then the later rate"
    if not ctx.trace:  # every kind's amounts over the events' rows, summed without listing them
        per_kind = np.zeros(len(EVENT))
        for kind, amount in first.items():
            per_kind[EVENT[kind]] = amount
        amounts = b.ev_count * per_kind[b.ev_kind]
        rules = [f"events.points.{kind}" for kind in first]
        for kind in first:
            if kind in later:
                rows = np.flatnonzero(kind_in_year == EVENT[kind])
                amounts[rows] = _escalated(ctx, rows, first[kind], later[kind])
                rules.append(f"events.later.{kind}")
        note = escalates if any(kind in later for kind in first) else ""
        return [Credits("events", tuple(rules), "event", amounts, b.keys.slots("event", ctx.quarter_of_month), note)]
    out = []
    for kind, amount in first.items():
        rows = np.flatnonzero(kind_in_year == EVENT[kind])
        value = b.ev_count[rows] * float(amount)
        rules = [f"events.points.{kind}"]
        note = ""
        if kind in later and len(rows):
            value = _escalated(ctx, rows, amount, later[kind])
            rules.append(f"events.later.{kind}")
            note = escalates
        out.append(make_points("events", rules, "event", rows, b.keys.ev_cell[rows],
                               ctx.quarter_of_month[month[rows]], value, b.n_units, note=note))
    return out


def _escalated(ctx: Context, rows: np.ndarray, amount: float, later: float) -> np.ndarray:
    """The amounts of a kind's events ``rows`` (of one kind, in the year): each
    unit's first occurrence in the year scores ``amount``, every later one
    ``later`` (occurrences in date order; ``count`` of them a row)."""
    b = ctx.b
    count = b.ev_count[rows].astype(float)
    key = b.keys.ev_cell[rows]
    order = order_by(key, b.ev_day[rows])
    k, c = key[order], count[order]
    cum = np.cumsum(c)
    start = np.concatenate([[True], k[1:] != k[:-1]])
    before = (cum - c) - np.maximum.accumulate(np.where(start, cum - c, -np.inf))
    n_first = np.zeros(len(rows))
    n_first[order] = np.where(before == 0, 1.0, 0.0)
    return n_first * amount + (count - n_first) * later

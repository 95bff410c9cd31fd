"""Judging rule designs at the units' equilibrium.

A design search scores hundreds of rules; drawing each candidate strategy's
histories again for every rule would cost most of the time and would score
each rule on other dice. So the candidate strategies are fixed once per
search, their histories drawn once, and every rule only point-scores those
histories and solves its equilibrium on them.

A strategy's histories do not depend on the rule, except through a stop
that the rule's own parameters set: stopping at the monthly quota, or at
the item count where a yearly cap on per-item points is reached. The
candidate set is therefore the baseline's, with every ``"quota"`` or
``"cap"`` stop replaced by the stops that the searched values imply (the
baseline's and each searched value's, deduplicated): every design is solved
over the same strategies, drawn once, and a unit of a design with a lower
cap can stop at that cap's item count.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..engine.rulebook import Rulebook
from ..response.equilibrium import is_steady
from ..response.params import ResponseModel
from ..response.strategy import ACTIONS, STEADY, Strategy, cap_items, default_candidates, monthly_quota
from ..synthetic.effort import Effort

#: the most strategies a search may draw histories for: each is a history
#: set, and the equilibrium's cost grows with their number
MOST_STRATEGIES = 40
#: searched parameters (and components) that move a quota or a cap
STOP_PATHS = ("quota.items", "item_points.")
STOP_COMPONENTS = ("monthly_quota", "per_item_points")


@dataclass(frozen=True)
class Drawn:
    """A candidate strategy with its stops resolved: ``monthly`` one count per
    unit, ``yearly`` one count for every unit."""

    strategy: Strategy
    monthly: tuple[int, ...] | None = None
    yearly: int | None = None

    def effort(self, model: ResponseModel) -> Effort | None:
        if is_steady(self.strategy):
            return None
        s = self.strategy
        levels = {a: model.budget * float(s.shares.get(a, 0.0)) for a in ACTIONS}
        return Effort(**levels, monthly_stop=None if self.monthly is None else np.array(self.monthly),
                      yearly_stop=self.yearly, effects=model.effects())


def stop_dimensions(dimensions, add, remove) -> tuple[list, list[str]]:
    """The searched parameters and components that move a stop."""
    dims = [d for d in dimensions if any(d.path.startswith(p) for p in STOP_PATHS)]
    comps = [f"{k}:{c}" for k, cs in (("add", add), ("remove", remove)) for c in cs if c in STOP_COMPONENTS]
    return dims, comps


def grid(d) -> list | None:
    """Every value a searched parameter can take, or None for a continuous range."""
    if d.choices:
        return list(d.choices)
    if d.integer:
        step = int(d.step or 1)
        return list(range(int(d.low), int(d.high) + 1, step))
    if d.step:
        n = int(np.floor((d.high - d.low) / d.step + 1e-9))
        return [float(d.low + i * d.step) for i in range(n + 1)]
    return None


def probes(baseline: Rulebook, dims, comps, candidate: Callable[[Mapping[str, Any]], Rulebook],
           problems: list[str], most: int = 2000) -> list[Rulebook]:
    """The baseline and every rule the stop-moving searched values make."""
    values = []
    for d in dims:
        g = grid(d)
        if g is None:
            problems.append(f"[response]: {d.path!r} is searched over a continuous range and moves a stop "
                            f"strategy's item count; give it `step` or `integer = true`, so that the strategies "
                            f"can be drawn once for the whole search")
            return [baseline]
        values.append([(d.path, v) for v in g])
    values += [[(c, False), (c, True)] for c in comps]
    count = int(np.prod([len(v) for v in values])) if values else 1
    if count > most:
        problems.append(f"[response]: the searched parameters that move a quota or a cap make {count} rules "
                        f"(at most {most}); search them on a coarser step")
        return [baseline]
    out = [baseline]
    for combo in itertools.product(*values):
        if combo:
            out.append(candidate(dict(combo)))
    return out


def strategies(baseline: Rulebook, units: pd.DataFrame, rules: list[Rulebook],
               own: tuple[Strategy, ...] | None, problems: list[str]) -> tuple[Drawn, ...]:
    """The candidate strategies of every design: ``own`` (or the default set),
    each ``"quota"`` / ``"cap"`` stop resolved against every rule in ``rules``
    that has one, deduplicated; steady first."""
    listed = list(own) if own else _default(baseline, units, rules)
    if not any(is_steady(s) for s in listed):
        listed.insert(0, STEADY)
    out: dict[tuple, Drawn] = {}
    for s in listed:
        if s.monthly_stop != "quota" and s.yearly_stop != "cap":
            out[(s.name,)] = Drawn(s, None if s.monthly_stop is None else tuple([s.monthly_stop] * len(units)),
                                   s.yearly_stop)
            continue
        found = False
        for rb in rules:
            monthly = monthly_quota(rb, units) if s.monthly_stop == "quota" else None
            yearly = cap_items(rb) if s.yearly_stop == "cap" else s.yearly_stop
            if (s.monthly_stop == "quota" and monthly is None) or (s.yearly_stop == "cap" and yearly is None):
                continue
            found = True
            if monthly is None and isinstance(s.monthly_stop, int):
                monthly = [s.monthly_stop] * len(units)
            key = (s.name, None if monthly is None else tuple(int(m) for m in monthly), yearly)
            if key not in out:
                out[key] = Drawn(_named(s, key[1], yearly, units), key[1], yearly)
        if not found:
            problems.append(f"[[response.strategy]] {s.name!r}: no searched rule has a "
                            f"{'monthly quota' if s.monthly_stop == 'quota' else 'yearly cap on fixed per-item points'}"
                            f" to stop at")
    drawn = sorted(out.values(), key=lambda d: not is_steady(d.strategy))  # steady first, the rest in order
    names = [d.strategy.name for d in drawn]
    if len(set(names)) != len(names):
        problems.append(f"[[response.strategy]]: candidate strategies need distinct names: {names}")
    if len(drawn) > MOST_STRATEGIES:
        problems.append(f"[response]: {len(drawn)} candidate strategies (at most {MOST_STRATEGIES}): the searched "
                        f"quotas and caps imply too many stops; search them on a coarser step, or list the "
                        f"strategies ([[response.strategy]])")
    return tuple(drawn)


def _default(baseline: Rulebook, units, rules: list[Rulebook]) -> list[Strategy]:
    """The default set of the baseline, with the quota and cap stops of any
    searched rule that has one (the baseline's default adds them only where
    it has a quota or a cap itself)."""
    out = [s for s in default_candidates(baseline, units) if s.monthly_stop is None and s.yearly_stop is None]
    if any(monthly_quota(rb, units) is not None for rb in rules):
        out += [Strategy("stop-at-quota", "够数即停", monthly_stop="quota"),
                Strategy("timing+stop-at-quota", "均衡且够数即停", {"timing": 1}, monthly_stop="quota")]
    if any(cap_items(rb) is not None for rb in rules):
        out += [Strategy("stop-at-cap", "到顶即停", yearly_stop="cap"),
                Strategy("polish+stop-at-cap", "精编且到顶即停", {"polish": 1}, yearly_stop="cap")]
    return out


def _named(s: Strategy, monthly, yearly, units: pd.DataFrame) -> Strategy:
    """The strategy with its stop written into its name (a monthly stop by
    group) and kept as a number where it is one count for every unit."""
    if s.yearly_stop == "cap":
        return Strategy(f"{s.name} ({yearly})", f"{s.zh}（{yearly}条）", s.shares, s.monthly_stop, yearly)
    by_group = dict(zip(units["group"].astype(str), monthly))
    label = ", ".join(f"{g}: {c}" for g, c in by_group.items())
    counts = set(monthly)
    stop = counts.pop() if len(counts) == 1 else "quota"
    zh = "，".join(f"{g}组{c}条" for g, c in by_group.items())
    return Strategy(f"{s.name} ({label})", f"{s.zh}（每月{zh}）", s.shares, stop, s.yearly_stop)

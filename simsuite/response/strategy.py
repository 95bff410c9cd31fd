"""Strategies: how a unit splits its effort budget, and what it holds back.

A strategy's shares over the five actions sum to at most 1 (budget not spent
is cost saved); a hold-back rule stops filing at a number of items a month
or a year. ``"quota"`` and ``"cap"`` stand for the rulebook's own monthly
quota (each unit its group's) and the item count at which its yearly cap on
per-item points is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..engine.rulebook import Rulebook
from ..synthetic.effort import Effort
from .params import ResponseModel

#: the actions a unit can spend effort on, with their labels
ACTIONS = {
    "volume": ("多报常规信息", "routine items (volume)"),
    "research": ("调研与约稿信息", "research and commissioned items"),
    "polish": ("精编提高上级采用", "polishing for higher outlets"),
    "timing": ("均衡各月报送", "spreading items over months"),
    "direct": ("直报上级", "direct reports"),
}


@dataclass(frozen=True)
class Strategy:
    name: str
    zh: str
    shares: Mapping[str, float] = field(default_factory=dict)
    monthly_stop: int | str | None = None  # a number, "quota" or None
    yearly_stop: int | str | None = None   # a number, "cap" or None

    def __post_init__(self):
        unknown = [a for a in self.shares if a not in ACTIONS]
        if unknown:
            raise ValueError(f"strategy {self.name!r}: unknown action {unknown[0]!r}; the actions are {', '.join(ACTIONS)}")
        if any(v < 0 for v in self.shares.values()) or sum(self.shares.values()) > 1 + 1e-9:
            raise ValueError(f"strategy {self.name!r}: effort shares must be ≥ 0 and sum to at most 1")
        for which, value, word in (("monthly_stop", self.monthly_stop, "quota"), ("yearly_stop", self.yearly_stop, "cap")):
            if not (value is None or value == word or (isinstance(value, int) and value >= 0)):
                raise ValueError(f"strategy {self.name!r}: {which} must be a whole number ≥ 0 or {word!r}, not {value!r}")

    @property
    def used(self) -> float:
        """Share of the budget spent."""
        return float(sum(self.shares.values()))

    def effort(self, rulebook: Rulebook, units, model: ResponseModel) -> Effort:
        levels = {a: model.budget * float(self.shares.get(a, 0.0)) for a in ACTIONS}
        return Effort(**levels, monthly_stop=_stop(self.monthly_stop, rulebook, units),
                      yearly_stop=_stop(self.yearly_stop, rulebook, units), effects=model.effects())

    def describe(self) -> str:
        parts = [f"{a} {s:.0%}" for a, s in self.shares.items() if s]
        for word, stop in (("a month", self.monthly_stop), ("a year", self.yearly_stop)):
            if stop is not None:
                parts.append(f"stop at {stop} {word}")
        return ", ".join(parts) or "no response"


STEADY = Strategy("steady", "照常报送")


def monthly_quota(rulebook: Rulebook, units) -> np.ndarray | None:
    """(U,) each unit's monthly quota of items, or None without one."""
    if "monthly_quota" not in rulebook.component_names:
        return None
    table = rulebook.parameters.table("quota.items")
    return np.array([int(table.get(g, 0)) for g in units["group"]], dtype=np.int64)


def cap_items(rulebook: Rulebook) -> int | None:
    """Items whose per-item points reach the yearly cap, or None without a cap."""
    p = rulebook.parameters
    if "per_item_points" not in rulebook.component_names or not p["item_points.cap_enabled"]:
        return None
    if p["item_points.basis"] != "fixed" or p["item_points.count"] != "each" or not p["item_points.points"]:
        return None
    return math.ceil(float(p["item_points.cap"]) / float(p["item_points.points"]))


def _stop(value, rulebook, units):
    if value == "quota":
        q = monthly_quota(rulebook, units)
        if q is None:
            raise ValueError(f"{rulebook.name!r} has no monthly quota to stop at")
        return q
    if value == "cap":
        c = cap_items(rulebook)
        if c is None:
            raise ValueError(f"{rulebook.name!r} has no yearly cap on fixed per-item points to stop at")
        return c
    return value


def default_candidates(rulebook: Rulebook, units) -> list[Strategy]:
    """At least ten strategies: no response, each action alone, mixes, half
    effort, and stopping at the rulebook's quota or cap where it has one."""
    out = [
        STEADY,
        Strategy("volume", "多报", {"volume": 1}),
        Strategy("half-volume", "少量多报", {"volume": 0.5}),
        Strategy("research", "重调研", {"research": 1}),
        Strategy("polish", "重精编", {"polish": 1}),
        Strategy("timing", "均衡报送", {"timing": 1}),
        Strategy("direct", "重直报", {"direct": 1}),
        Strategy("volume+polish", "多报兼精编", {"volume": 0.5, "polish": 0.5}),
        Strategy("volume+timing", "多报兼均衡", {"volume": 0.5, "timing": 0.5}),
        Strategy("research+polish", "调研兼精编", {"research": 0.5, "polish": 0.5}),
        Strategy("balanced", "全面用力", {a: 0.2 for a in ACTIONS}),
    ]
    if monthly_quota(rulebook, units) is not None:
        out += [Strategy("stop-at-quota", "够数即停", monthly_stop="quota"),
                Strategy("timing+stop-at-quota", "均衡且够数即停", {"timing": 1}, monthly_stop="quota")]
    if cap_items(rulebook) is not None:
        out += [Strategy("stop-at-cap", "到顶即停", yearly_stop="cap"),
                Strategy("polish+stop-at-cap", "精编且到顶即停", {"polish": 1}, yearly_stop="cap")]
    return out

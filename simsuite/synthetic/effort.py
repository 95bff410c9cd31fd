"""How units spend effort when they respond to a rule: the generator's
levers, applied to every unit alike.

An :class:`Effort` holds effort levels (a strategy's shares of the effort
budget, times the budget) with the effect each unit of effort has, and
optional hold-back rules. The response model (``simsuite.response``) builds
it from its documented parameters; the generator only applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ledger import ITEM_KINDS

RESEARCH_KINDS = [ITEM_KINDS.index("research"), ITEM_KINDS.index("commissioned")]


@dataclass(frozen=True)
class Effects:
    """What one unit of effort does (``simsuite/response/response.toml`` documents each)."""

    volume_gain: float = 0.5        # activity × (1 + gain · e)
    research_shift: float = 0.5     # share of items moved to research and commissioned kinds per unit of effort
    polish_logit: float = 1.0       # adoption logit added at levels above the unit's own
    polish_items: float = 0.2       # share of items given up per unit of polishing effort
    timing_flatten: float = 1.0     # share of the month profile's departure from 1 removed
    timing_shape: float = 3.0       # month shape × (1 + this · e): fewer empty and crowded months
    direct_gain: float = 0.8        # share of the remaining chance of a direct report filled


@dataclass(frozen=True)
class Effort:
    volume: float = 0.0
    research: float = 0.0
    polish: float = 0.0
    timing: float = 0.0
    direct: float = 0.0
    monthly_stop: int | np.ndarray | None = None  # items beyond this in a month are not filed (one, or one per unit)
    yearly_stop: int | np.ndarray | None = None   # items beyond this in the year are not filed
    effects: Effects = Effects()

    def apply(self, model) -> None:
        """Change a generator model's per-unit arrays (``synthetic.generate._Model``)."""
        f = self.effects
        model.activity_mean = model.activity_mean * (1 + f.volume_gain * self.volume) \
            * max(0.0, 1 - f.polish_items * self.polish)
        if self.research:
            share = np.diff(model.kind_cum, prepend=0.0, axis=1)  # (U, K) shares summing to 1
            target = np.zeros_like(share)
            target[:, RESEARCH_KINDS] = share[:, RESEARCH_KINDS]
            target[np.ix_(target.sum(axis=1) <= 0, RESEARCH_KINDS)] = 1.0  # a unit with none: half each
            target /= target.sum(axis=1, keepdims=True)
            a = min(1.0, f.research_shift * self.research)
            model.kind_cum = np.cumsum((1 - a) * share + a * target, axis=1)
        if self.polish:
            model.adopt_logit = model.adopt_logit.copy()
            model.adopt_logit[:, 1:] += f.polish_logit * self.polish  # −inf (never adopted) stays so
        if self.timing:
            a = min(1.0, f.timing_flatten * self.timing)
            model.profile = (1 - a) * model.profile + a
            model.month_shape = model.month_shape * (1 + f.timing_shape * self.timing)
        if self.direct:
            a = min(1.0, f.direct_gain * self.direct)
            model.direct_chance = model.direct_chance + (1 - model.direct_chance) * a

    def hold_back(self, counts: np.ndarray) -> np.ndarray:
        """(R, U, 12) monthly counts with the items held back removed."""
        if self.monthly_stop is not None:
            counts = np.minimum(counts, _per_unit(self.monthly_stop))
        if self.yearly_stop is not None:  # the year's first s items are filed, the rest held back
            filed = np.minimum(np.cumsum(counts, axis=2), _per_unit(self.yearly_stop))
            counts = np.diff(filed, axis=2, prepend=0)
        return counts


def _per_unit(stop) -> np.ndarray:
    """A stop for (R, U, 12) counts: one number, or (U,) one per unit."""
    stop = np.asarray(stop, dtype=np.int64)
    return stop[:, None] if stop.ndim == 1 else stop

"""What a unit wants, as the scenario defines it: weights on what the
rulebook gives it, minus the cost of its effort."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..engine.outcome import Outcome

TOP = "top"  # the group's top award (or the top three where the rulebook has no award)


@dataclass(frozen=True)
class Payoff:
    """Per unit and world: ``final`` × final score + ``rank_share`` × rank ÷
    group size + Σ ``awards[name]`` × [award is name] + ``bottom_three`` ×
    [among the group's three lowest], averaged over worlds; a strategy's cost
    is subtracted. ``awards`` may name ``"top"`` for the group's top award."""

    final: float = 0.0
    rank_share: float = 0.0
    awards: Mapping[str, float] = field(default_factory=lambda: {TOP: 1.0})
    bottom_three: float = -1.0

    def describe(self) -> str:
        parts = [f"{w:+g} × {name}" for name, w in (("final", self.final), ("rank ÷ group size", self.rank_share),
                                                   ("bottom three", self.bottom_three)) if w]
        parts += [f"{w:+g} × P({'top award' if a == TOP else a})" for a, w in self.awards.items() if w]
        return " ".join(parts) + " − effort cost"

    def of(self, o: Outcome, top_award: str, group_size: np.ndarray) -> np.ndarray:
        """(W, U) every unit's payoff in each world, before cost."""
        rank = o.rank.astype(float)
        n = group_size[None, :]
        out = self.final * o.final + self.rank_share * rank / n
        if self.bottom_three:
            out = out + self.bottom_three * (rank > n - 3)
        for name, w in self.awards.items():
            if not w:
                continue
            if name == TOP and not top_award:
                hit = rank <= 3
            else:
                name = top_award if name == TOP else name
                code = o.award_names.index(name) if name in o.award_names else -1
                hit = o.award == code
            out = out + w * hit
        return out


def top_award(o: Outcome) -> str:
    """The award most units ranked first hold ("" when they hold none)."""
    codes = o.award[o.rank == 1]
    if not len(codes):
        return ""
    return o.award_names[int(np.bincount(codes.astype(np.int64)).argmax())]

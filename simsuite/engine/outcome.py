"""What a scoring run produces beyond points: the year's final score, ranks
and awards, built by a rulebook's transforms acting on whole arrays.

Transforms (normalise to first place, rank-point tables, vetoes, awards) act
on the (replicate, unit, quarter) totals and record each effect as a named
column and a :class:`Step`, so an explanation can show how a unit's points
became its final score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Step:
    """One transform as a unit's explanation shows it."""

    name: str  # e.g. "normalise each quarter to its first-placed unit"
    rules: tuple[str, ...]  # parameter paths (label, citation)
    columns: tuple[str, ...]  # the per-unit columns it produced


@dataclass
class Outcome:
    points: np.ndarray  # (R, U) the year's raw points (the score table's `points`)
    quarters: np.ndarray  # (R, U, 4) raw points landing in each quarter
    annual: np.ndarray  # (R, U) raw points of the year as a whole (checklists)
    final: np.ndarray  # (R, U)
    quarter_scores: np.ndarray | None = None  # (R, U, 4) per-quarter results feeding `final`
    rank: np.ndarray | None = None  # (R, U) int
    award: np.ndarray | None = None  # (R, U) int code into award_names
    award_names: list[str] = field(default_factory=lambda: [""])
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    def add_step(self, name: str, rules, **columns: np.ndarray) -> None:
        self.columns.update(columns)
        self.steps.append(Step(name, tuple(rules), tuple(columns)))

    def award_code(self, name: str) -> int:
        if name not in self.award_names:
            self.award_names.append(name)
        return self.award_names.index(name)

    def quarter_columns(self, prefix: str, values: np.ndarray) -> dict[str, np.ndarray]:
        return {f"{prefix}_q{i + 1}": values[:, :, i] for i in range(values.shape[2])}

"""The response model's parameters: defaults from ``response.toml``, changed
by a scenario, validated like every other parameter."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ..engine.rulebook import flatten_changes
from ..params import Parameters
from ..params.rulebook_file import parameters_from_tables
from ..params.tree import suggest
from ..synthetic.effort import Effects

HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def default_parameters() -> Parameters:
    return parameters_from_tables(tomllib.loads((HERE / "response.toml").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ResponseModel:
    """Effort budget, costs and effects; ``changes`` keeps what was asked."""

    parameters: Parameters = field(default_factory=default_parameters)
    changes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, changes: Mapping[str, Any] | None = None) -> "ResponseModel":
        """Defaults with ``changes`` (dotted paths or nested tables); an
        unknown path or a value out of range raises ValueError naming it."""
        base = default_parameters()
        flat = flatten_changes(base, dict(changes or {}))
        problems = []
        for path, value in flat.items():
            if path not in base:
                problems.append(f"no response parameter {path!r}{suggest(path, list(base.leaves))}")
                continue
            try:
                flat[path] = base.param(path).check(value)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise ValueError("; ".join(problems))
        return cls(base.updated(flat), flat)

    @property
    def budget(self) -> float:
        return float(self.parameters["budget.effort"])

    @property
    def effort_cost(self) -> float:
        return float(self.parameters["cost.effort"])

    @property
    def item_cost(self) -> float:
        return float(self.parameters["cost.item"])

    def effects(self) -> Effects:
        p = self.parameters
        return Effects(**{name: float(p[f"effect.{name}"]) for name in Effects.__dataclass_fields__})

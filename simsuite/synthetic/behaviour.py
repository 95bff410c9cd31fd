"""The behaviour model's parameters: defaults from ``behaviour.toml``, changes
and per-group overrides on top, validated like rulebook parameters."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..params import Parameters
from ..params.rulebook_file import parameters_from_tables

HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def default_parameters() -> Parameters:
    return parameters_from_tables(tomllib.loads((HERE / "behaviour.toml").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Behaviour:
    """Behaviour parameters for every unit, with overrides for some groups."""

    parameters: Parameters = field(default_factory=default_parameters)
    groups: Mapping[str, Parameters] = field(default_factory=dict)
    #: calibrated units: path → {unit id: value}, fitted from a ledger (see calibrate.py); they win over groups
    units: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def make(cls, changes: Mapping[str, Any] | None = None,
             groups: Mapping[str, Mapping[str, Any]] | None = None) -> "Behaviour":
        """Defaults with ``changes`` (dotted paths or nested tables) and
        per-group ``groups = {group: changes}``; unknown paths and values out of
        range raise ValueError naming them."""
        from ..engine.rulebook import flatten_changes

        base = default_parameters()
        params = base.updated(flatten_changes(base, dict(changes or {})))
        per_group = {str(g): params.updated(flatten_changes(params, dict(c))) for g, c in (groups or {}).items()}
        return cls(params, per_group)

    def by_group(self, path: str, groups: tuple[str, ...]) -> np.ndarray:
        """One value (or row of a table) per group, in ``groups`` order."""
        rows = [self._value(self.groups.get(g, self.parameters), path) for g in groups]
        return np.array(rows, dtype=float)

    def by_unit(self, path: str, unit_ids, values: np.ndarray) -> np.ndarray:
        """``values`` (one row per unit) with calibrated units' own values put in."""
        own = self.units.get(path)
        if not own:
            return values
        out = values.copy()
        for i, u in enumerate(unit_ids):  # once per scenario, not in a draw
            if u in own:
                out[i] = own[u]
        return out

    def calibrated(self, unit_ids) -> np.ndarray:
        """Which units have fitted behaviour (their latent traits are fixed, not drawn)."""
        own = self.units.get("activity.mean", {})
        return np.array([u in own for u in unit_ids], dtype=bool)

    def table(self, path: str) -> dict[str, Any]:
        return self.parameters.table(path)

    def __getitem__(self, path: str) -> Any:
        return self.parameters[path]

    @staticmethod
    def _value(p: Parameters, path: str):
        if path in p:
            v = p[path]
            return list(v) if isinstance(v, tuple) else v
        return list(p.table(path).values())

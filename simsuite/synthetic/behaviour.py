"""The behaviour model's parameters: defaults from ``behaviour.toml``, changes
and per-group overrides on top, validated like rulebook parameters."""

from __future__ import annotations

import dataclasses
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


@lru_cache(maxsize=None)
def jurisdiction_defaults() -> dict[str, Any]:
    """Per built-in rulebook id: the behaviour under which its rules bite as
    their text intends (``jurisdictions.toml``; docs/calibration.md says why)."""
    return tomllib.loads((HERE / "jurisdictions.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Behaviour:
    """Behaviour parameters for every unit, with overrides for some groups.

    ``changes`` and ``group_changes`` keep what was asked of the defaults, so
    a jurisdiction's calibrated defaults can go underneath them
    (:meth:`for_rulebook`); ``jurisdiction`` names the rulebook whose
    defaults are in (``""``: the generic ones; ``None``: not yet decided)."""

    parameters: Parameters = field(default_factory=default_parameters)
    groups: Mapping[str, Parameters] = field(default_factory=dict)
    changes: Mapping[str, Any] = field(default_factory=dict)
    group_changes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    jurisdiction: str | None = None
    #: calibrated units: path → {unit id: value}, fitted from a ledger (see calibrate.py); they win over groups
    units: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def make(cls, changes: Mapping[str, Any] | None = None,
             groups: Mapping[str, Mapping[str, Any]] | None = None, jurisdiction: str | None = None) -> "Behaviour":
        """Defaults with ``changes`` (dotted paths or nested tables) and
        per-group ``groups = {group: changes}``; unknown paths and values out of
        range raise ValueError naming them. ``jurisdiction`` = a rulebook id
        puts that rulebook's calibrated defaults underneath; ``""`` keeps the
        generic defaults whatever the rulebook; None (the default) leaves it
        to :meth:`for_rulebook` when histories are drawn."""
        from ..engine.rulebook import flatten_changes

        base = default_parameters()
        flat = flatten_changes(base, dict(changes or {}))
        flat_groups = {str(g): flatten_changes(base, dict(c)) for g, c in (groups or {}).items()}
        asked = set(flat)
        if jurisdiction:
            own = jurisdiction_defaults().get(jurisdiction, {})
            flat = {**flatten_changes(base, dict(own.get("changes", {}))), **flat}
            for g, c in own.get("groups", {}).items():
                # the scenario's own setting of a path, for every group, wins over a calibrated group default
                kept = {k: v for k, v in flatten_changes(base, dict(c)).items() if k not in asked}
                flat_groups[g] = {**kept, **flat_groups.get(g, {})}
        params = base.updated(flat)
        per_group = {g: params.updated(c) for g, c in flat_groups.items()}
        return cls(params, per_group, flat, flat_groups, jurisdiction)

    def for_rulebook(self, rulebook_id: str) -> "Behaviour":
        """This behaviour with ``rulebook_id``'s calibrated defaults underneath,
        unless a jurisdiction was already decided."""
        if self.jurisdiction is not None:
            return self
        made = Behaviour.make(self.changes, self.group_changes, jurisdiction=rulebook_id)
        return dataclasses.replace(made, units=self.units)  # calibrated units keep their own values

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


def behaviour_table(rulebook_id: str | None = None):
    """The behaviour parameters as a table; with a built-in ``rulebook_id``,
    beside each default the value that jurisdiction's simulations use and
    its groups' own values, so nobody must read ``jurisdictions.toml``."""
    frame = default_parameters().frame()[["path", "value", "unit", "range", "en", "cite"]]
    if not rulebook_id:
        return frame
    own = jurisdiction_defaults()
    if rulebook_id not in own:
        from ..params import suggest

        raise ValueError(f"no behaviour defaults for {rulebook_id!r}: built-in rulebooks with their own are "
                         f"{sorted(own)}{suggest(rulebook_id, list(own))}; any other uses the generic defaults")
    made = Behaviour.make(jurisdiction=rulebook_id)
    frame = frame.rename(columns={"value": "default"})
    frame.insert(2, rulebook_id, [made.parameters[p] for p in frame["path"]])
    frame.insert(3, "groups", ["; ".join(f"{g}: {params[p]}" for g, params in made.groups.items()
                                         if params[p] != made.parameters[p]) for p in frame["path"]])
    return frame.drop(columns=["cite", "range"])

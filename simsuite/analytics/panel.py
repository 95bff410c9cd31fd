"""One comparison's replicate results as (replicate, unit) arrays.

A run's results are a long table (comparison × replicate × unit); every
analysis here works on the same few arrays of one comparison, so they are
cut out once, in the run's own order, and analysed with numpy.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..params import suggest
from ..rules.registry import SOURCES as SOURCE_TEXT
from ..rules.registry import source_of_column

#: where each score-table component comes from (the volume of work, the
#: quality of it, leaders' instructions, conduct), as each rule component
#: registers it
SOURCE_OF_COMPONENT = source_of_column()
SOURCES = tuple(SOURCE_TEXT)
SOURCE_NAMES = {s: f"{zh} {en}" for s, (zh, en, _) in SOURCE_TEXT.items()}


def source_columns(columns: dict[str, np.ndarray], shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Sum a score's ``from_<component>`` arrays into the four sources."""
    out = {f"from_{s}": np.zeros(shape) for s in SOURCES}
    for name, values in columns.items():
        if not name.startswith("from_"):
            continue
        component = name[len("from_"):]
        if component not in SOURCE_OF_COMPONENT:
            raise KeyError(f"component {component!r} has no source; register it in the rule's `credits`")
        out[f"from_{SOURCE_OF_COMPONENT[component]}"] += values
    return out


@dataclass(frozen=True)
class Panel:
    """R replicate years of the same U units under one rulebook or variant."""

    name: str
    rulebook: str
    units: pd.DataFrame  # unit_id, name, group: U rows in the run's order
    replicates: np.ndarray  # (R,)
    points: np.ndarray  # (R, U) raw points
    final: np.ndarray  # (R, U)
    rank: np.ndarray  # (R, U), 1 = first; ties share a rank
    award: np.ndarray  # (R, U) award names ("" = none)
    quality: np.ndarray | None = None  # (U,) latent quality, the same in every replicate
    sources: dict[str, np.ndarray] = field(default_factory=dict)  # from_<source> → (R, U)
    ranking_group: np.ndarray | None = None  # (U,) the group each unit is ranked in (after pooling)

    @property
    def n_replicates(self) -> int:
        return self.rank.shape[0]

    @property
    def group(self) -> np.ndarray:
        return self.units["group"].astype(str).to_numpy()

    def groups(self) -> list[tuple[str, np.ndarray]]:
        """Each group and the column indices of its units, in first-seen order."""
        return _partition(self.group)

    def ranking_groups(self) -> list[tuple[str, np.ndarray]]:
        """The groups units are ranked within: their own groups, or the pooled
        group where a rulebook pools several (``grouping.merge``)."""
        return _partition(self.group if self.ranking_group is None else self.ranking_group.astype(str))

    def award_names(self) -> list[str]:
        return sorted(a for a in np.unique(self.award) if a)

    @classmethod
    def from_results(cls, results, comparison: str) -> "Panel":
        """Cut one comparison out of a run's results (a RunResult or its table)."""
        frame = getattr(results, "results", results)
        names = list(dict.fromkeys(frame["comparison"].astype(str)))
        if comparison not in names:
            raise KeyError(f"no comparison {comparison!r} in these results{suggest(comparison, names)}; "
                           f"there are {names}")
        part = frame[frame["comparison"].astype(str) == comparison]
        reps = part["replicate"].to_numpy()
        replicates = np.unique(reps)
        R = len(replicates)
        U = len(part) // R
        first = part.iloc[:U]
        if len(part) != R * U or not (reps.reshape(R, U) == replicates[:, None]).all():
            raise ValueError(f"results of {comparison!r} are not one row per replicate and unit in run order")
        units = pd.DataFrame({
            "unit_id": first["unit_id"].astype(str).to_numpy(),
            "name": (first["name"] if "name" in first else first["unit_id"]).astype(str).to_numpy(),
            "group": first["group"].astype(str).to_numpy(),
        })

        def grid(col, dtype=None):
            values = part[col].to_numpy()
            return values.reshape(R, U) if dtype is None else values.astype(dtype).reshape(R, U)

        sources = {c: grid(c, float) for c in part.columns if c.startswith("from_")}
        quality = grid("quality", float)[0] if "quality" in part else None
        ranking = first["ranking_group"].astype(str).to_numpy() if "ranking_group" in first else None
        return cls(comparison, str(part["rulebook"].iloc[0]), units, replicates, grid("points", float),
                   grid("final", float), grid("rank", np.int64), grid("award", str).astype(object), quality, sources,
                   ranking)

    @classmethod
    def from_outcome(cls, outcome, units: pd.DataFrame, *, name: str = "", rulebook: str = "",
                     quality: np.ndarray | None = None, ranking_group: np.ndarray | None = None) -> "Panel":
        """A panel straight from a scored batch (no results table in between)."""
        R, U = outcome.final.shape
        names = np.asarray(outcome.award_names, dtype=object)
        unit_table = pd.DataFrame({
            "unit_id": units["unit_id"].astype(str).to_numpy(),
            "name": units["name"].astype(str).to_numpy() if "name" in units else units["unit_id"].astype(str).to_numpy(),
            "group": units["group"].astype(str).to_numpy(),
        })
        return cls(name, rulebook, unit_table, np.arange(R), outcome.points, outcome.final,
                   outcome.rank.astype(np.int64), names[outcome.award], quality,
                   source_columns(outcome.columns, (R, U)), ranking_group)


def _partition(labels: np.ndarray) -> list[tuple[str, np.ndarray]]:
    return [(name, np.flatnonzero(labels == name)) for name in dict.fromkeys(labels)]


def panels(results) -> dict[str, Panel]:
    """Every comparison of a run, by name."""
    frame = getattr(results, "results", results)
    return {name: Panel.from_results(frame, name) for name in dict.fromkeys(frame["comparison"].astype(str))}


def as_panel(results, comparison) -> Panel:
    return comparison if isinstance(comparison, Panel) else Panel.from_results(results, comparison)


def mean_se(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo mean and its standard error over independent replicates
    (NaNs, such as an undefined correlation, are left out of both)."""
    values = np.asarray(values, dtype=float)
    n = np.sum(~np.isnan(values), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column is NaN, quietly
        mean = np.nanmean(values, axis=axis) if values.size else np.full(np.delete(values.shape, axis), np.nan)
        sd = np.nanstd(values, axis=axis, ddof=1) if values.shape[axis] > 1 else np.full_like(mean, np.nan)
        se = np.where(n > 1, sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return mean, se

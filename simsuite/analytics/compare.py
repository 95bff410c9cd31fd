"""Variant against variant on the same replicate histories: who moves, how
far, who gains or loses an award, and how much the two rankings agree.

Both panels must hold the same units in the same replicate years (a scenario
scores every comparison on the same histories), so every difference is the
rule's doing, not the luck of the draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .agreement import kendall_tau_b, spearman_rho, weighted_tau
from .panel import Panel, as_panel, mean_se
from .uncertainty import proportion_se


@dataclass(frozen=True)
class VariantComparison:
    """The answer to "if we switch from ``base`` to ``variant``, who moves?".

    ``units``: per unit, mean and median rank under each, the mean shift
    (negative = moves up), the chance its rank or award changes.
    ``groups``: per ranking group, Kendall's tau-b, Spearman's rho and the
    top-weighted (weighted) tau between the two rankings, the mean absolute
    rank shift and the share of units whose award changes, each a mean over
    replicates with its standard error.
    ``awards``: per unit and award, the chance of holding it under each, of
    entering it and of leaving it.
    ``identical``: every final, rank and award is the same under both —
    usually a mistyped variant.
    """

    base: str
    variant: str
    units: pd.DataFrame
    groups: pd.DataFrame
    awards: pd.DataFrame
    identical: bool
    n_replicates: int

    @property
    def mean_abs_shift(self) -> float:
        """Mean absolute rank shift over all units and replicates."""
        return float(self.units["mean_abs_shift"].mean())

    def movers(self, n: int = 10) -> pd.DataFrame:
        """The units that move most, largest mean absolute shift first."""
        return self.units.sort_values("mean_abs_shift", ascending=False, kind="stable").head(n)

    def to_excel(self, path) -> None:
        with pd.ExcelWriter(path) as xl:
            for sheet in ("units", "groups", "awards"):
                getattr(self, sheet).to_excel(xl, sheet_name=sheet, index=False)

    def _repr_html_(self) -> str:
        head = f"<b>{self.base}</b> → <b>{self.variant}</b>, {self.n_replicates} replicate years"
        if self.identical:
            head += " — <span style='color:#b00'>every score is identical: the variant changes nothing</span>"
        return (f"<div>{head}</div>" + self.groups.to_html(index=False, float_format="{:.3f}".format)
                + "<div>largest movers</div>" + self.movers().to_html(index=False, float_format="{:.2f}".format))


def compare_variants(results, base, variant) -> VariantComparison:
    """Compare two comparisons of a run (names or :class:`Panel` objects)."""
    return compare_panels(as_panel(results, base), as_panel(results, variant))


def compare_panels(a: Panel, b: Panel) -> VariantComparison:
    _check_same_histories(a, b)
    shift = b.rank - a.rank  # (R, U): negative = moves up
    changed = a.award != b.award
    R = a.n_replicates
    units = a.units.copy()
    units["rank_base"] = a.rank.mean(axis=0)  # mean ranks: the slope chart's two ends
    units["rank_variant"] = b.rank.mean(axis=0)
    units["median_rank_base"] = np.median(a.rank, axis=0)
    units["median_rank_variant"] = np.median(b.rank, axis=0)
    units["mean_shift"], units["mean_shift_se"] = mean_se(shift)
    units["mean_abs_shift"], units["mean_abs_shift_se"] = mean_se(np.abs(shift))
    units["p_rank_changed"] = (shift != 0).mean(axis=0)
    units["p_rank_changed_se"] = proportion_se(units["p_rank_changed"], R)
    units["award_base"] = _modal(a.award)
    units["award_variant"] = _modal(b.award)
    units["p_award_changed"] = changed.mean(axis=0)
    units["p_award_changed_se"] = proportion_se(units["p_award_changed"], R)

    rows = []
    for group, cols in a.groups():
        ra, rb = a.rank[:, cols], b.rank[:, cols]
        row = {"group": group, "n_units": len(cols)}
        for name, values in (
            ("kendall_tau_b", kendall_tau_b(ra, rb)),
            ("spearman_rho", spearman_rho(ra, rb)),
            ("weighted_tau", weighted_tau(ra, rb)),
            ("mean_abs_shift", np.abs(rb - ra).mean(axis=1)),
            ("share_award_changed", changed[:, cols].mean(axis=1)),
        ):
            row[name], row[f"{name}_se"] = (float(v) for v in mean_se(values))
        rows.append(row)
    groups = pd.DataFrame(rows)

    award_rows = []
    for award in sorted(set(a.award_names()) | set(b.award_names())):
        in_a, in_b = a.award == award, b.award == award
        frame = pd.DataFrame({
            "award": award, "unit_id": a.units["unit_id"], "name": a.units["name"], "group": a.units["group"],
            "p_base": in_a.mean(axis=0), "p_variant": in_b.mean(axis=0),
            "p_enter": (in_b & ~in_a).mean(axis=0), "p_leave": (in_a & ~in_b).mean(axis=0),
        })
        for name in ("p_base", "p_variant", "p_enter", "p_leave"):
            frame[f"{name}_se"] = proportion_se(frame[name], R)
        award_rows.append(frame)
    awards = (pd.concat(award_rows, ignore_index=True) if award_rows else
              pd.DataFrame(columns=["award", "unit_id", "name", "group", "p_base", "p_variant", "p_enter", "p_leave",
                                    "p_base_se", "p_variant_se", "p_enter_se", "p_leave_se"]))
    identical = bool(np.array_equal(a.final, b.final) and np.array_equal(a.rank, b.rank) and not changed.any())
    return VariantComparison(a.name, b.name, units, groups, awards, identical, R)


def _check_same_histories(a: Panel, b: Panel) -> None:
    if list(a.units["unit_id"]) != list(b.units["unit_id"]):
        raise ValueError(f"{a.name!r} and {b.name!r} assess different units; compare variants on one population")
    if not np.array_equal(a.replicates, b.replicates):
        raise ValueError(f"{a.name!r} and {b.name!r} were scored on different replicate years")


def _modal(values: np.ndarray) -> np.ndarray:
    """Each column's most frequent value (the first such, in sorted order)."""
    names, inverse = np.unique(values, return_inverse=True)
    R, U = values.shape
    codes = inverse.reshape(R, U) + np.arange(U) * len(names)
    counts = np.bincount(codes.ravel(), minlength=U * len(names)).reshape(U, len(names))
    return names[np.argmax(counts, axis=1)]

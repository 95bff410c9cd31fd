"""The five rulebooks side by side, read from their own parameters.

Every cell is generated from a rulebook's parameter values by the feature
line each of its rule components registers, so the table changes when a
rulebook or a variant does.
"""

from __future__ import annotations

import calendar as _cal

import pandas as pd

from ..engine.rulebook import Rulebook

FEATURES = ("period", "groups", "quota rules", "per-item points", "adoption combination",
            "instruction combination", "co-submission", "bonuses", "events", "normalisation", "rank-point tables",
            "vetoes", "caps", "checklists", "final score", "awards")


def feature_table(rulebooks=None) -> pd.DataFrame:
    """Rows: features; columns: rulebooks (ids, or Rulebook objects for variants)."""
    from . import available, load

    books = [rb if isinstance(rb, Rulebook) else load(rb) for rb in (rulebooks or available())]
    data = {rb.name if rb.baseline is not None else rb.id: features(rb) for rb in books}
    return pd.DataFrame(data, index=list(FEATURES))


def features(rb: Rulebook) -> dict[str, str]:
    """Each feature row's text: what the rulebook's components say of it
    (:attr:`Component.feature`), in composition order; "none" where none does."""
    parts: dict[str, list[str]] = {f: [] for f in FEATURES}
    merge = rb.parameters["grouping.merge"]
    groups = ", ".join(f"{g} {rb.file.groups[g].name}" for g in rb.groups)
    parts["period"].append(_period(rb))
    parts["groups"].append(groups + (f"; pooled: {merge}" if merge else ""))
    for component in rb.point_rules + rb.steps:
        feature = getattr(component, "feature", None)
        for row, text in (feature(rb) if feature else {}).items():
            parts.setdefault(row, []).append(text)
    if not parts["final score"]:
        parts["final score"].append("the year's points")
    return {row: "; ".join(texts) or "none" for row, texts in parts.items()}


def _period(rb: Rulebook) -> str:
    first = int(rb.parameters["calendar.first_month"])
    starts = [int(x) for x in rb.parameters["calendar.quarter_starts"]]
    month = lambda k: _cal.month_abbr[(first - 1 + k) % 12 + 1]  # noqa: E731
    bounds = starts + [12]
    quarters = ", ".join(f"{month(a)}–{month(b - 1)}" for a, b in zip(bounds, bounds[1:]))
    return f"{month(0)}–{month(11)} (quarters {quarters})"

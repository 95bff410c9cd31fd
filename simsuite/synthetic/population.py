"""Who is assessed: a jurisdiction's real units (``data/units``) or a
synthetic population of given group sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from ..engine.rulebook import Rulebook

#: the unit lists shipped with the project (a source checkout)
UNITS_DIR = Path(__file__).parents[2] / "data" / "units"


def real_units(rulebook: Rulebook) -> pd.DataFrame:
    """The jurisdiction's units from ``data/units/<rulebook id>.csv``, or for a
    rulebook file of one's own from ``<file>.units.csv`` beside it."""
    path = UNITS_DIR / f"{rulebook.id}.csv"
    beside = Path(rulebook.file.path).with_suffix(".units.csv")
    if not path.exists() and beside.exists():
        path = beside
    if not path.exists():
        raise FileNotFoundError(f"no unit list {path}: use a synthetic population of group sizes instead")
    units = pd.read_csv(path, dtype=str, keep_default_na=False)
    return units[["unit_id", "name", "group"]]


def synthetic_units(rulebook: Rulebook, sizes: Mapping[str, int]) -> pd.DataFrame:
    """``sizes[group]`` units per group, named 单位001 … in group order."""
    unknown = set(sizes) - set(rulebook.groups)
    if unknown:
        from ..params import suggest

        bad = sorted(unknown)[0]
        raise ValueError(f"population: {rulebook.id} has no group {bad!r} (groups: {list(rulebook.groups)})"
                         f"{suggest(bad, rulebook.groups)}")
    rows, n = [], 0
    for group in rulebook.groups:
        for _ in range(int(sizes.get(group, 0))):
            n += 1
            rows.append({"unit_id": f"{n:03d}", "name": f"单位{n:03d}", "group": group})
    return pd.DataFrame(rows, columns=["unit_id", "name", "group"])

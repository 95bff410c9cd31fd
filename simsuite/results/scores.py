"""The score table (one row per unit, or per replicate and unit), for one history or R replicates."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..engine.calendar import PERIOD_NAMES
from ..engine.context import Context
from ..engine.outcome import Outcome
from ..engine.points import Points
from .awards import award_label

CONTRACT = ["unit_id", "name", "group", "points", "final", "rank", "award"]


class Scores:
    """Scores of every unit under one rulebook for one year.

    ``table`` is the score table (one row per unit, or per replicate and unit
    with a ``replicate`` column); ``explain(unit)`` says where every point came
    from; ``stamp`` names the package version, rulebook and parameter hash.
    """

    def __init__(self, rulebook, ctx: Context, records: list[Points], outcome: Outcome):
        self.rulebook = rulebook
        self.context = ctx
        self.batch = ctx.b
        self.records = records
        self.outcome = outcome

    # ---- identity -------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.batch.calendar.year

    @cached_property
    def stamp(self) -> dict[str, str]:
        from ..version import VERSION as __version__

        return {
            "simsuite": __version__,
            "rulebook": self.rulebook.id,
            "variant": self.rulebook.name if self.rulebook.baseline is not None else "",
            "parameters": self.rulebook.parameters.digest(),
            "year": str(self.year),
            "period": self.batch.calendar.describe(),
        }

    @property
    def left_out(self) -> pd.DataFrame:
        """Rows of the ledger outside the assessment year, by sheet and reason."""
        return self.batch.left_out

    # ---- the table ------------------------------------------------------------
    @cached_property
    def table(self) -> pd.DataFrame:
        o, b = self.outcome, self.batch
        R, U = o.points.shape
        units = b.units
        cols: dict[str, np.ndarray] = {}
        if R > 1:
            cols["replicate"] = np.repeat(np.arange(R), U)
        for c in ("unit_id", "name", "group"):
            cols[c] = np.tile(units[c].to_numpy(object), R)
        cols["points"] = o.points.ravel()
        cols["final"] = o.final.ravel()
        cols["rank"] = o.rank.ravel().astype(np.int64)
        cols["award"] = np.asarray(o.award_names, dtype=object)[o.award.ravel()]
        periods = np.concatenate([o.quarters, o.annual[:, :, None]], axis=2)
        for i, name in enumerate(PERIOD_NAMES):
            cols[f"points_{name}"] = periods[:, :, i].ravel()
        for name, values in o.columns.items():
            cols[name] = np.asarray(values).ravel()
        table = pd.DataFrame(cols)
        _check_sums(table)
        table.attrs.update(self.stamp)
        return table

    def replicate(self, r: int) -> pd.DataFrame:
        t = self.table
        return t[t["replicate"] == r].drop(columns="replicate").reset_index(drop=True) if "replicate" in t else t

    # ---- explanations ----------------------------------------------------------
    def explain(self, unit: str, replicate: int = 0):
        """Every point of ``unit`` (id or name): which rule, which article or
        decision, which item or event; then how points became its final score
        and where that puts it in its group."""
        from .explain import explain_unit

        return explain_unit(self, unit, replicate)

    # ---- display ---------------------------------------------------------------
    def _repr_html_(self) -> str:
        t = self.table
        if "replicate" in t:
            t = t[t["replicate"] == 0]
        show = t[CONTRACT + [c for c in t.columns if c.startswith("points_")]].copy()
        show["award"] = show["award"].map(award_label)  # 扣分第一档 deduction-1: the name and the code
        styled = (
            show.style.format({c: "{:.2f}" for c in show.columns if show[c].dtype.kind == "f"})
            .background_gradient(subset=["final"], cmap="Greens")
            .hide(axis="index")
            .set_caption(self._caption())
        )
        return styled.to_html()

    def _caption(self) -> str:
        s = self.stamp
        variant = f" · variant {s['variant']}" if s["variant"] else ""
        reps = f" · {self.batch.n_reps} replicates (first shown)" if self.batch.n_reps > 1 else ""
        return (f"{self.rulebook.file.meta['name']} · {s['rulebook']}{variant} · {s['period']} · "
                f"parameters {s['parameters']} · simsuite {s['simsuite']}{reps}")

    def __repr__(self) -> str:
        return f"<Scores {self._caption()}>\n{self.table[CONTRACT].to_string(index=False)}"


def _check_sums(table: pd.DataFrame) -> None:
    """The per-period and per-component columns add up to ``points``."""
    total = table["points"].to_numpy()
    for prefix in ("points_", "from_"):
        parts = table[[c for c in table.columns if c.startswith(prefix)]].to_numpy().sum(axis=1)
        if not np.allclose(parts, total, atol=1e-6):
            raise AssertionError(f"{prefix}* columns do not add up to points")

"""Small hand-made panels: ranks chosen so every statistic can be worked out by hand."""

import numpy as np
import pandas as pd

from simsuite.analytics.panel import Panel


def make_panel(rank, *, name="base", groups=None, award=None, quality=None, points=None, sources=None):
    rank = np.asarray(rank, dtype=np.int64)
    R, U = rank.shape
    units = pd.DataFrame({
        "unit_id": [f"{i + 1:03d}" for i in range(U)],
        "name": [f"单位{i + 1}" for i in range(U)],
        "group": list(groups) if groups is not None else ["1"] * U,
    })
    points = np.asarray(points, dtype=float) if points is not None else (U - rank).astype(float)
    award = np.asarray(award, dtype=object) if award is not None else np.full((R, U), "", dtype=object)
    return Panel(name, "test", units, np.arange(R), points, points.copy(), rank, award,
                 None if quality is None else np.asarray(quality, dtype=float), sources or {})

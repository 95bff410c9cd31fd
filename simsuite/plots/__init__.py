"""Charts for policy staff, with Chinese labels drawn on any machine.

Importing this package points matplotlib at a CJK font (a system one where
installed, else the bundled Simsuite Sans CJK SC; see ``use_chinese_font``),
so unit names such as 银川市交通运输局 never come out as empty boxes.
"""

from __future__ import annotations

from .charts import (
    effort_reward_chart,
    figure_png_bytes,
    footnote,
    jurisdiction_chart,
    rank_heatmap,
    rank_intervals,
    rank_shift_chart,
    save_png,
    score_breakdown,
    sobol_chart,
    tornado_chart,
)
from .font import BUNDLED_FAMILY, BUNDLED_FONT_FILE, use_chinese_font

use_chinese_font()


def _show_figures_in_notebooks() -> None:
    """Figures built without pyplot have no notebook display of their own;
    in a Jupyter kernel, show them as PNG when a cell returns one."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        from matplotlib.figure import Figure

        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png_bytes)


_show_figures_in_notebooks()

__all__ = [
    "BUNDLED_FAMILY",
    "BUNDLED_FONT_FILE",
    "effort_reward_chart",
    "figure_png_bytes",
    "jurisdiction_chart",
    "rank_heatmap",
    "rank_intervals",
    "rank_shift_chart",
    "save_png",
    "score_breakdown",
    "sobol_chart",
    "tornado_chart",
    "use_chinese_font",
]

"""What a run answers, as tables, figures and one self-contained HTML page."""

from pathlib import Path

import pandas as pd

from .analysis import Analysis, Figure, analyse
from .html import render_html


def write_report(result, out: str | Path, analysis: Analysis | None = None) -> Path:
    """A run's data (:meth:`RunResult.write`) and its report beside it:
    analysis.xlsx (every analysis table), figures/ (each chart as PNG with
    the data it draws as CSV) and report.html."""
    out = result.write(out)
    analysis = analysis or analyse(result)
    with pd.ExcelWriter(out / "analysis.xlsx") as xl:
        for name, table in analysis.tables.items():
            table.to_excel(xl, sheet_name=name[:31], index=False)
    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    for fig in analysis.figures:
        (figures / f"{fig.key}.png").write_bytes(fig.png)
        fig.data.to_csv(figures / f"{fig.key}.csv", index=False, encoding="utf-8-sig")
    (out / "report.html").write_text(render_html(result, analysis), encoding="utf-8")
    return out


__all__ = ["Analysis", "Figure", "analyse", "render_html", "write_report"]

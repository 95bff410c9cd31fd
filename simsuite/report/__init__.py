"""What a run answers, as tables, figures and one self-contained HTML page."""

from pathlib import Path
from typing import Mapping

from .analysis import Analysis, Figure, analyse
from .html import render_html
from .labels import group_names
from .workbook import with_names, write_summary, write_tables


def write_report(result, out: str | Path, analysis: Analysis | None = None, force: bool = False,
                 response: Mapping | None = None) -> Path:
    """A run's data (:meth:`RunResult.write`) and its report beside it, for
    Excel users and readers of the brief: summary.xlsx (per comparison and
    unit, labelled and rounded), analysis.xlsx (every analysis table),
    figures/ (each chart as PNG with the data it draws as CSV) and
    report.html. All of it appears at once, when complete. ``response``:
    equilibria by comparison (simsuite.response), written as response*.csv
    and a section of the report."""
    analysis = analysis or analyse(result)

    def report(folder: Path) -> None:
        write_summary(result, folder / "summary.xlsx", group_names(result))
        write_tables(folder / "analysis.xlsx", {name: with_names(table, result.results)
                                                for name, table in analysis.tables.items()}, analysis.group_names)
        figures = folder / "figures"
        figures.mkdir(exist_ok=True)
        for fig in analysis.figures:
            (figures / f"{fig.key}.png").write_bytes(fig.png)
            fig.data.to_csv(figures / f"{fig.key}.csv", index=False, encoding="utf-8-sig")
        page = render_html(result, analysis)
        if response:
            from ..response.scenario import write_tables as write_response_tables
            from .response import response_section

            write_response_tables(response, folder)
            page = page.replace("<h2 id='glossary'>", response_section(response) + "\n<h2 id='glossary'>", 1)
        (folder / "report.html").write_text(page, encoding="utf-8")

    return result.write(out, force=force, also=report)


__all__ = ["Analysis", "Figure", "analyse", "render_html", "write_report"]

"""Workbooks for Excel users: unit names beside ids, Chinese and English
headers, awards and groups by name, numbers rounded (probabilities as
percentages), a frozen header row and columns wide enough to read.

Values stay numbers, so staff can sort, filter and chart them in Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..results.text import display_width
from ..runs.run import _flat
from .labels import decimals, readable

HEADER_FILL = PatternFill("solid", fgColor="F3F3F3")


def with_names(frame: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each unit's name right after its id, where it has none."""
    if "unit_id" not in frame.columns or "name" in frame.columns:
        return frame
    lookup = results.drop_duplicates("unit_id").set_index(results.drop_duplicates("unit_id")["unit_id"].astype(str))
    names = frame["unit_id"].astype(str).map(lookup["name"].astype(str))
    out = frame.copy()
    out.insert(out.columns.get_loc("unit_id") + 1, "name", names.to_numpy())
    return out


def write_tables(path: str | Path, sheets: dict[str, pd.DataFrame], groups: dict[str, str] | None = None) -> Path:
    """One sheet per table (sheet names as given), each made readable."""
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            shown = readable(frame, groups, as_text=False)
            shown.to_excel(xl, sheet_name=name[:31], index=False)
            _style(xl.sheets[name[:31]], frame, shown)
    return path


def write_summary(result, path: str | Path, groups: dict[str, str] | None = None) -> Path:
    """summary.xlsx: per comparison and unit, the rank distribution and award
    chances (sheet ``summary``), and the run's manifest (sheet ``manifest``)."""
    summary = with_names(result.summary, result.results)
    manifest = pd.DataFrame(list(_flat(result.manifest).items()), columns=["key", "value"])
    return write_tables(path, {"summary": summary, "manifest": manifest}, groups)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _style(sheet, frame: pd.DataFrame, shown: pd.DataFrame) -> None:
    sheet.freeze_panes = "A2"
    for k, (source, header) in enumerate(zip(frame.columns, shown.columns), 1):
        letter = get_column_letter(k)
        cell = sheet.cell(row=1, column=k)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        digits = decimals(str(source))
        number_format = "0.0%" if digits == "%" else (f"0.{'0' * digits}" if isinstance(digits, int) and digits
                                                     else "0" if digits == 0 else None)
        if number_format and pd.api.types.is_numeric_dtype(shown[header]):
            for row in sheet.iter_rows(min_row=2, min_col=k, max_col=k):
                row[0].number_format = number_format
        values = ["" if pd.isna(v) else str(v) for v in shown[header].head(500)]
        body = max((display_width(v) if len(v) < 12 or not _is_number(v) else 10 for v in values), default=0)
        head = max((display_width(part) for part in str(header).split(" ")), default=0)
        sheet.column_dimensions[letter].width = min(max(body, head, 6) + 2, 48)
    sheet.row_dimensions[1].height = 32

"""Writing a history back to a workbook or a CSV folder, losslessly.

The output reads back equal (:meth:`History.equals`): ids are written as
text (``007`` stays ``007``), lists joined with ``;``, booleans as
true/false, numbers exactly, and every sheet is written, empty or not, so the
file doubles as a template.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from .history import History
from .schema import BOOL, COUNT, DATE, PAIR_LIST, QUALITY, SPEC, UNIT_LIST


def write_history(history: History, path: str | Path, *, bom: bool = False) -> Path:
    """Write ``history`` to ``path``: an ``.xlsx`` workbook, or else a folder of CSV files.

    ``bom`` adds a UTF-8 byte-order mark to each CSV, which Excel needs to
    show Chinese text in a CSV correctly. Returns ``path``.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_workbook(history, path)
    elif path.suffix.lower() in {".csv", ".xls", ".xlsm"} or (path.exists() and not path.is_dir()):
        raise ValueError(f"{path}: write a ledger to an .xlsx path or to a folder")
    else:
        _write_folder(history, path, "utf-8-sig" if bom else "utf-8")
    return path


def _text(value: Any, type_: str) -> str:
    """A canonical value as the text the reader parses back to it."""
    if type_ in (UNIT_LIST, PAIR_LIST):
        return ";".join(value)
    if type_ == BOOL:
        return "true" if value else "false"
    if type_ == DATE:
        return pd.Timestamp(value).date().isoformat()
    if type_ == QUALITY:
        v = float(value)
        return str(int(v)) if v.is_integer() else repr(v)
    if type_ == COUNT:
        return str(int(value))
    return str(value)


def _write_folder(history: History, folder: Path, encoding: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in history.tables().items():
        spec = SPEC[name]
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(spec.column_names)
            for row in zip(*(frame[c.name].tolist() for c in spec.columns)):
                writer.writerow([_text(v, c.type) for v, c in zip(row, spec.columns)])


def _write_workbook(history: History, path: Path) -> None:
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in history.tables().items():
        spec = SPEC[name]
        ws = book.create_sheet(name)
        ws.append(list(spec.column_names))
        widths = [len(c) for c in spec.column_names]
        for r, row in enumerate(zip(*(frame[c.name].tolist() for c in spec.columns)), start=2):
            for i, (value, col) in enumerate(zip(row, spec.columns), start=1):
                cell = ws.cell(row=r, column=i)
                if col.type == DATE:
                    cell.value = pd.Timestamp(value).date()
                    cell.number_format = "yyyy-mm-dd"
                elif col.type == BOOL:
                    cell.value = bool(value)
                elif col.type == QUALITY and float("%.16g" % value) == value:
                    cell.value = float(value)  # openpyxl stores 16 significant digits
                elif col.type == COUNT:
                    cell.value = int(value)
                else:
                    text = _text(value, col.type)
                    cell.value = text
                    cell.data_type = "s"  # keep "=…" text and digit-only ids as text
                    cell.number_format = "@"
                widths[i - 1] = max(widths[i - 1], len(str(cell.value)))
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 10), 60)
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)

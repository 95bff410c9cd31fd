"""Loading a ledger from a workbook, a CSV folder or in-memory records.

All three end in :func:`parse.build_history`, so they accept the same
aliases and report problems in the same words and row numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .errors import LedgerError, Problem
from .history import History, Vocabulary
from .parse import RawSheet, build_history
from .schema import SHEETS

EXPECTED_SOURCE = "an .xlsx workbook or a folder of NAME.csv files"


def read_history(path: str | Path, vocabulary: Vocabulary | None = None) -> History:
    """Load and check a ledger: an ``.xlsx`` workbook or a folder of CSV files.

    With a ``vocabulary`` the groups, outlets, sections, ``sent_to`` pairs
    and checklist lines are checked against the rulebook too (and Chinese
    outlet, section and group names replaced by ids). Raises
    :class:`LedgerError` listing every problem found.
    """
    path = Path(path)
    source = str(path)
    if path.is_dir():
        sheets, problems = _read_folder(path)
        return build_history(sheets, source, vocabulary, problems)
    if not path.exists():
        raise LedgerError(source, [Problem(source, None, None, None, "no such file or folder", EXPECTED_SOURCE)])
    if path.suffix.lower() != ".xlsx":
        hint = " (use the folder holding the CSV files)" if path.suffix.lower() == ".csv" else ""
        raise LedgerError(source, [Problem(source, None, None, None, f"not a ledger file{hint}", EXPECTED_SOURCE)])
    return build_history(_read_workbook(path), source, vocabulary)


def _read_workbook(path: Path) -> list[RawSheet]:
    import openpyxl

    source = str(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerError(source, [Problem(source, None, None, None, f"cannot be opened as a workbook ({exc})", EXPECTED_SOURCE)]) from None
    except Exception as exc:  # openpyxl raises its own types for damaged parts
        raise LedgerError(source, [Problem(source, None, None, None, f"cannot be opened as a workbook ({type(exc).__name__}: {exc})", EXPECTED_SOURCE)]) from None
    sheets = []
    for ws in book.worksheets:
        rows = [(cells[0].row, [c.value for c in cells]) for cells in ws.iter_rows() if cells]
        sheets.append(_raw(source, ws.title, rows))
    return sheets


def _read_folder(path: Path) -> tuple[list[RawSheet], list[Problem]]:
    sheets, problems = [], []
    for file in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(Problem(
                str(file), file.stem, None, None, f"not UTF-8 text (byte {exc.start})",
                "a CSV saved as UTF-8 (Excel: “CSV UTF-8”)"))
            continue
        records = list(csv.reader(io.StringIO(text, newline="")))
        sheets.append(_raw(str(file), file.stem, [(i + 1, rec) for i, rec in enumerate(records)]))
    return sheets, problems


def _raw(file: str, label: str, rows: list[tuple[int, list[Any]]]) -> RawSheet:
    """Split a sheet's rows into its header (the first non-blank row) and data."""
    for i, (_, cells) in enumerate(rows):
        if any(c is not None and str(c).strip() for c in cells):
            return RawSheet(file, label, list(cells), rows[i + 1:])
    return RawSheet(file, label, [], [])


def history_from_records(
    units: Any,
    items: Any = (),
    adoptions: Any = (),
    instructions: Any = (),
    unit_events: Any = (),
    checklist: Any = (),
    vocabulary: Vocabulary | None = None,
    source: str = "<records>",
) -> History:
    """Build a history from lists of dicts or DataFrames with the ledger's columns.

    Values may be what a file holds (strings) or Python values (dates,
    bools, numbers, lists for ``co_units`` / ``sent_to``). The checks and
    messages are those of :func:`read_history`; row numbers are position + 2,
    as if the records had been typed under a header row.
    """
    given = dict(units=units, items=items, adoptions=adoptions, instructions=instructions,
                 unit_events=unit_events, checklist=checklist)
    sheets = [_records_sheet(source, name, given[name]) for name in SHEETS]
    return build_history(sheets, source, vocabulary, require_sheets=False)


def _records_sheet(source: str, name: str, records: Any) -> RawSheet:
    if records is None:
        records = ()
    if isinstance(records, pd.DataFrame):
        headers = [str(c) for c in records.columns]
        rows = [list(r) for r in records.itertuples(index=False, name=None)]
    else:
        records = list(records)
        headers = list(dict.fromkeys(str(k) for r in records for k in _mapping(r, name)))
        rows = [[_mapping(r, name).get(h) for h in headers] for r in records]
    return RawSheet(source, name, headers, [(i + 2, row) for i, row in enumerate(rows)])


def _mapping(record: Any, sheet: str) -> Mapping[str, Any]:
    if isinstance(record, Mapping):
        return {str(k): v for k, v in record.items()}
    raise TypeError(f"{sheet}: each record must be a dict, not {type(record).__name__}")


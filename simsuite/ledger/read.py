"""Loading a ledger from a workbook, a CSV folder or in-memory records.

All three end in :func:`parse.build_history`, so they accept the same
aliases and report problems in the same words and row numbers.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import warnings
import zipfile
from xml.etree import ElementTree
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .errors import LedgerError, LedgerWarning, Problem
from .history import History, Vocabulary
from .parse import ID_COLUMNS, RawSheet, build_history, to_text
from .schema import COLUMN_BY_NAME, SHEET_BY_NAME, SHEETS, normalise_name

EXPECTED_SOURCE = "an .xlsx workbook or a folder of NAME.csv files"


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while a ledger's millions of cells are built.

    The loader makes no reference cycles, yet every list it allocates counts
    toward the next full collection, which walks every live object: on a
    700,000-row ledger those walks cost a third of the load.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_history(path: str | Path, vocabulary: Vocabulary | None = None) -> History:
    """Load and check a ledger: an ``.xlsx`` workbook or a folder of CSV files.

    With a ``vocabulary`` the groups, outlets, sections, ``sent_to`` pairs
    and checklist lines are checked against the rulebook too (and Chinese
    outlet, section and group names replaced by ids). Raises
    :class:`LedgerError` listing every problem found; things read as written
    that deserve a look are :class:`LedgerWarning` warnings.
    """
    with _no_cycle_collection():
        return _read_history(path, vocabulary)


def _read_history(path: str | Path, vocabulary: Vocabulary | None = None) -> History:
    path = Path(path)
    source = str(path)
    if path.is_dir():
        sheets, problems, encodings = _read_folder(path)
        history = build_history(sheets, source, vocabulary, problems)
        history.encodings = encodings
        other = {e for e in encodings.values() if e != "UTF-8"}
        if other:
            files = ", ".join(f"{Path(f).name}: {e}" for f, e in encodings.items() if e != "UTF-8")
            warnings.warn(LedgerWarning(f"{source}: read as {files} (Chinese text should look right below; "
                                        "if not, save the files as “CSV UTF-8”)"), stacklevel=2)
        return history
    if not path.exists():
        raise LedgerError(source, [Problem(source, None, None, None, "no such file or folder", EXPECTED_SOURCE)])
    if path.suffix.lower() != ".xlsx":
        hint = " (use the folder holding the CSV files)" if path.suffix.lower() in (".csv", ".tsv", ".txt") else ""
        raise LedgerError(source, [Problem(source, None, None, None, f"not a ledger file{hint}", EXPECTED_SOURCE)])
    return build_history(_read_workbook(path), source, vocabulary)


def _read_workbook(path: Path) -> list[RawSheet]:
    """Cell values through calamine (fast); openpyxl only for the sheets that
    need what calamine does not give: the number format of ids typed as
    numbers, and which empty cells are formulas never calculated."""
    from python_calamine import CalamineWorkbook

    source = str(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            merged = [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            sheets.append(RawSheet.of_rows(source, name, sheet.to_python(skip_empty_area=False), merged=merged))
        book.close()
        formulas = _sheets_with_formulas(path)
    except Exception as exc:  # calamine raises its own types for damaged or foreign files
        raise LedgerError(source, [Problem(
            source, None, None, None, f"cannot be opened as a workbook ({type(exc).__name__}: {exc})", EXPECTED_SOURCE,
        )]) from None
    details = None
    for raw in sheets:
        numeric = _numeric_id_cells(raw)
        if not numeric and raw.label not in formulas and "*" not in formulas:
            continue
        if details is None:
            import openpyxl

            details = openpyxl.load_workbook(path, read_only=True, data_only=False)
        ws = details[raw.label]
        raw.formats = {}
        if raw.label in formulas or "*" in formulas:
            rows = ws.iter_rows()
        else:  # only the id columns: openpyxl builds no cell for the others
            columns = [c for _, c in numeric]
            rows = ws.iter_rows(min_col=min(columns) + 1, max_col=max(columns) + 1)
        for row in rows:
            for cell in row:
                if not hasattr(cell, "column"):
                    continue  # an empty cell of a read-only sheet
                at = (cell.row, cell.column - 1)
                if at in numeric:
                    raw.formats[at] = cell.number_format or "General"
                elif cell.data_type == "f" and _blank(raw.cells, *at):
                    raw.formulas.append(at)
    if details is not None:
        details.close()
    return sheets


def _blank(cells: pd.DataFrame, row: int, col: int) -> bool:
    if row not in cells.index or col not in cells.columns:
        return True
    value = cells.at[row, col]
    return value is None or (isinstance(value, str) and not value.strip())


def _numeric_id_cells(raw: RawSheet) -> set[tuple[int, int]]:
    """(row, column) of number cells under an id header (unit_id, item_id)."""
    known = COLUMN_BY_NAME.get(SHEET_BY_NAME.get(normalise_name(raw.label), ""), {})
    top = raw.cells.head(8)
    found: set[tuple[int, int]] = set()
    for c in raw.cells.columns:
        if not any(known.get(normalise_name(to_text(v))) in ID_COLUMNS for v in top[c] if v not in (None, "")):
            continue
        col = raw.cells[c]
        numbers = col.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).to_numpy(dtype=bool)
        found.update((int(r), int(c)) for r in col.index[numbers])
    return found


#: How a formula element starts in a sheet's XML, with or without a namespace prefix.
FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")


def _sheets_with_formulas(path: Path) -> set[str]:
    """Names of the sheets whose XML holds a formula (read without openpyxl)."""
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        holding = {n for n, xml in ((n, z.read(n)) for n in parts) if any(tag in xml for tag in FORMULA_TAGS)}
        if not holding:
            return set()
        try:
            return _sheet_names(z, holding)
        except (KeyError, ElementTree.ParseError):  # parts named unusually: look at every sheet
            return {"*"}


def _sheet_names(z: zipfile.ZipFile, parts: set[str]) -> set[str]:
    """The names of the sheets stored in the given parts of a workbook."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): "xl/" + r.get("Target", "").lstrip("/").removeprefix("xl/") for r in rels}
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    return {sheet.get("name") for sheet in book.iter(f"{main}sheet") if target.get(sheet.get(rel_id)) in parts}


#: Text files a folder may hold a sheet in: CSV, or tab-separated "Unicode text".
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def _read_folder(path: Path) -> tuple[list[RawSheet], list[Problem], dict[str, str]]:
    sheets, problems, encodings = [], [], {}
    for file in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES):
        if file.suffix.lower() != ".csv" and normalise_name(file.stem) not in SHEET_BY_NAME:
            continue  # notes.txt and the like are not sheets
        data = file.read_bytes()
        try:
            text, encoding = decode(data)
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            problems.append(Problem(
                str(file), SHEET_BY_NAME.get(normalise_name(file.stem), file.stem), line, None,
                f"not text in a known encoding (byte {exc.start + 1} of the file: {exc.reason})",
                "a CSV saved by Excel as “CSV UTF-8”, “CSV” (GBK) or “Unicode text”"))
            continue
        first = next((line for line in text.splitlines() if line.strip()), "")
        tabs = first.count("\t") > first.count(",")
        encodings[str(file)] = encoding + (", tab-separated" if tabs else "")
        sheets.append(_csv_sheet(str(file), file.stem, text, "\t" if tabs else ","))
    return sheets, problems, encodings


def _csv_sheet(file: str, label: str, text: str, sep: str) -> RawSheet:
    """pandas' C reader, every cell as text; Python's csv module for what it
    refuses (a row longer than the first)."""
    try:
        cells = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=object, na_filter=False,
                            skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:
        return RawSheet.of_rows(file, label, [])
    except pd.errors.ParserError:
        return RawSheet.of_rows(file, label, list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)))
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    return RawSheet(file, label, cells)


def decode(data: bytes) -> tuple[str, str]:
    """A text file's text and the encoding it was in.

    Chinese Excel saves “CSV” in GBK (GB18030 is its superset), “CSV UTF-8”
    with a byte-order mark, and “Unicode text” as UTF-16 with one. UTF-8 is
    tried before GB18030 because GBK text is almost never valid UTF-8, while
    UTF-8 text is often valid GB18030 (as the wrong characters).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    if len(data) >= 4 and data.count(b"\x00") * 3 > len(data):  # UTF-16 without its mark
        return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GB18030 (GBK)"


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
    if not headers and not rows:
        return RawSheet.of_rows(source, name, [])
    return RawSheet.of_rows(source, name, [headers, *rows])


def _mapping(record: Any, sheet: str) -> Mapping[str, Any]:
    if isinstance(record, Mapping):
        return {str(k): v for k, v in record.items()}
    raise TypeError(f"{sheet}: each record must be a dict, not {type(record).__name__}")


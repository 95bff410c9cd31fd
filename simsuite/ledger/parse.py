"""From raw cells to a checked History: one path for workbooks, CSV folders and records.

Every input first becomes :class:`RawSheet` objects (headers and cells as
found, with their row numbers), so a file and a list of dicts get exactly the
same checks and messages. Checks never stop at the first problem: a bad cell
becomes ``BAD`` and later checks skip it, so one run reports every row.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import codes
from .errors import LedgerError, Problem, one_line, warn
from .history import History, Vocabulary, empty_table
from .schema import (
    BOOL, COUNT, DATE, DTYPES, EVENT_KIND, INSTRUCTION_KIND, ITEM_DATE, ITEM_KIND, LEVEL,
    PAIR_LIST, QUALITY, SHEET_BY_NAME, SHEETS, SPEC, TEXT, UNIT_LIST, COLUMN_BY_NAME,
    normalise_name,
)


class _Bad:
    """A cell that failed its check (already reported)."""

    def __repr__(self) -> str:
        return "BAD"


BAD = _Bad()


@dataclass
class RawSheet:
    """A sheet as found: every cell as read, one row per Excel row.

    ``cells`` is indexed by the row number the user sees (the first row of
    the file is row 1) with one column per sheet column (0 = A). The header
    is found in it, so a title row above the header can be recognised.
    ``merged`` lists merged ranges (``B1:C1``) where the file has them;
    ``formats`` maps (row, column) → the number format of a numeric id cell,
    and ``formulas`` lists (row, column) of formula cells with no saved value.
    """

    file: str
    label: str
    cells: pd.DataFrame
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formats: dict[tuple[int, int], str] | None = None
    formulas: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def of_rows(cls, file: str, label: str, rows: list[list[Any]], first_row: int = 1, **extra) -> "RawSheet":
        cells = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
        cells.index = pd.RangeIndex(first_row, first_row + len(cells))
        return cls(file, label, cells, **extra)


@dataclass
class Table:
    """One sheet after parsing: canonical columns, values or BAD, row numbers."""

    name: str
    file: str
    label: str
    labels: dict[str, str]  # canonical column -> header as written
    rows: list[int]
    data: dict[str, list[Any]]

    def problem(self, row: int | None, column: str | None, message: str, expected: str = "") -> Problem:
        return Problem(
            self.file, self.name, row, column, message, expected,
            sheet_label=self.label, column_label=self.labels.get(column, "") if column else "",
        )

    def records(self, *columns: str) -> Iterable[tuple[int, int, tuple]]:
        """(position, row number, values) of the rows where all ``columns`` are good."""
        cols = [self.data[c] for c in columns if c in self.data]
        if len(cols) < len(columns):
            return
        if not any(BAD in c for c in cols):  # the common case, compared in C
            yield from zip(range(len(self.rows)), self.rows, zip(*cols))
            return
        for pos, row in enumerate(self.rows):
            values = tuple(c[pos] for c in cols)
            if not any(v is BAD for v in values):
                yield pos, row, values


# ---------------------------------------------------------------------------
# cells -> text -> values


def to_text(value: Any) -> str:
    """Any cell or record value as the text a user would have typed."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return ""
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        parts = []
        for v in value:
            if isinstance(v, (list, tuple)) and len(v) == 2:
                parts.append(f"{to_text(v[0])}:{to_text(v[1])}")
            else:
                parts.append(to_text(v))
        return ";".join(parts)
    return str(value).strip()


class CellError(ValueError):
    def __init__(self, message: str, expected: str = ""):
        super().__init__(message)
        self.message, self.expected = message, expected


_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_SPLIT = re.compile(r"[;；,，、]")
_PAIR = re.compile(r"[:：]")
DATE_EXPECTED = "a date YYYY-MM-DD"


#: Dashes and slashes a Chinese input method types in dates, as ASCII (full-width digits are NFKC's job).
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣－"})
#: Excel counts days from 1899-12-30 (its day 60, 1900-02-29, never was); serials 61 and up are exact.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL = re.compile(r"^(\d{2,6})(?:\.\d+)?$")


def parse_date(text: str) -> pd.Timestamp:
    """A date as Chinese offices type it: ISO, 年月日, full-width digits and
    dashes, or the day number Excel shows when a date cell lost its format."""
    written, text = text, unicodedata.normalize("NFKC", text).translate(_DASHES)
    serial = _SERIAL.match(text)
    if serial:
        days = int(serial.group(1))
        if not 61 <= days <= 109_572:  # 1900-03-01 … 2199-12-31
            raise CellError(f"not a date: {written!r} (as an Excel day number it is outside 1900–2199)", DATE_EXPECTED)
        return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=days))
    m = _DATE.match(text)
    if not m:
        raise CellError(f"not a date: {written!r}", DATE_EXPECTED)
    y, mo, d = (int(g) for g in m.groups())
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        raise CellError(f"no such day: {written!r}", DATE_EXPECTED) from None
    if not 1900 <= y <= 2199:
        raise CellError(f"year {y} out of range: {written!r}", "a year between 1900 and 2199")
    return pd.Timestamp(day)


def _code_table(codes_: Sequence[str], aliases: Mapping[Any, Sequence[str]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for code in codes_:
        table[_code_key(str(code))] = code
    for code, spellings in aliases.items():
        for s in spellings:
            table.setdefault(_code_key(s), code)
    return table


def _code_key(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", text.lower())


def _code_parser(what: str, codes_: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> Callable[[str], str]:
    table = _code_table(codes_, aliases)
    chinese = [a[0] for c in codes_ for a in [aliases.get(c, ())] if a]
    expected = f"one of {', '.join(codes_)}" + (f" (or {', '.join(chinese)} …)" if chinese else "")

    def parse(text: str) -> str:
        found = table.get(_code_key(text))
        if found is None:
            raise CellError(f"unknown {what} {text!r}{did_you_mean(text, [*codes_, *table])}", expected)
        return found

    return parse


_BOOL = _code_table((), codes.BOOLEAN_ALIASES)


def parse_bool(text: str) -> bool:
    found = _BOOL.get(_code_key(text))
    if found is None:
        raise CellError(f"not a yes/no value: {text!r}", "true/false, 1/0 or 是/否")
    return found


def parse_quality(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"not a number: {text!r}", "a number from 0 to 10") from None
    if not (math.isfinite(value) and 0 <= value <= 10):
        raise CellError(f"quality {text} out of range", "a number from 0 to 10")
    return value


#: The largest count one event row may give: no unit seconds 100 staff or is late 100 times in one row.
MAX_COUNT = 100


def parse_count(text: str) -> int:
    m = re.fullmatch(r"[+]?(\d+)(?:\.0*)?", text)
    if not m:
        raise CellError(f"not a whole number: {text!r}", "a whole number ≥ 1")
    value = int(m.group(1))
    if value < 1:
        raise CellError(f"count {value} is below 1", "a whole number ≥ 1")
    if value > MAX_COUNT:
        raise CellError(f"count {value:,} is implausible for one row", f"a whole number from 1 to {MAX_COUNT}")
    return value


def parse_unit_list(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in _SPLIT.split(text) if p.strip())


def parse_pair_list(text: str) -> tuple[str, ...]:
    pairs, bad = [], []
    for entry in parse_unit_list(text):
        parts = _PAIR.split(entry, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            bad.append(entry)
        else:
            pairs.append(f"{parts[0].strip()}:{parts[1].strip()}")
    if bad:
        listed = ", ".join(repr(b) for b in bad)
        raise CellError(f"not of the form outlet:section: {listed}", "entries like jd-hangzhou:key, separated by ;")
    return tuple(pairs)


PARSERS: dict[str, Callable[[str], Any]] = {
    TEXT: lambda s: s,
    DATE: parse_date,
    ITEM_KIND: _code_parser("item kind", codes.ITEM_KINDS, codes.ITEM_KIND_ALIASES),
    LEVEL: _code_parser("instruction level", codes.INSTRUCTION_LEVELS, codes.INSTRUCTION_LEVEL_ALIASES),
    INSTRUCTION_KIND: _code_parser("instruction kind", codes.INSTRUCTION_KINDS, codes.INSTRUCTION_KIND_ALIASES),
    EVENT_KIND: _code_parser("event kind", codes.EVENT_KINDS, codes.EVENT_KIND_ALIASES),
    BOOL: parse_bool,
    QUALITY: parse_quality,
    COUNT: parse_count,
    UNIT_LIST: parse_unit_list,
    PAIR_LIST: parse_pair_list,
}


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    candidates = list(dict.fromkeys(str(c) for c in candidates))
    close = difflib.get_close_matches(str(value), candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# ---------------------------------------------------------------------------
# raw sheets -> tables


def build_history(
    sheets: Sequence[RawSheet],
    source: str,
    vocabulary: Vocabulary | None = None,
    problems: list[Problem] | None = None,
    require_sheets: bool = True,
    folder_file: str | None = None,
) -> History:
    """Parse, cross-check and (with a vocabulary) vocabulary-check raw sheets.

    Raises one :class:`LedgerError` with every problem found, in sheet and
    row order.
    """
    problems = list(problems or [])
    tables: dict[str, Table] = {}
    for raw in sheets:
        table = _parse_sheet(raw, tables, problems)
        if table is not None:
            tables[table.name] = table
    if require_sheets:
        for name in SHEETS:
            if SPEC[name].required and name not in tables and not any(p.sheet == name for p in problems):
                problems.append(Problem(
                    folder_file or source, name, None, None, "required sheet is missing",
                    f"a sheet named {name}" + (f" or {SPEC[name].aliases[0]}" if SPEC[name].aliases else ""),
                ))
    units = tables.get("units")
    if units is not None and not units.rows:
        problems.append(units.problem(None, None, "the ledger lists no units, so there is nothing to score",
                                      "one row per assessed unit"))
    _cross_check(tables, problems)
    if vocabulary is not None:
        _vocabulary_check(tables, vocabulary, problems)
    _repeated_rows(tables, problems)
    if problems:
        raise LedgerError(source, _sorted(problems))
    return History(**{name: _frame(name, tables.get(name)) for name in SHEETS}, source=source, checked=vocabulary)


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {name: i for i, name in enumerate(SHEETS)}

    def key(ip):
        i, p = ip
        sheet = order.get(p.sheet, -1) if p.sheet is not None else -2
        columns = SPEC[p.sheet].column_names if p.sheet in SPEC else ()
        column = columns.index(p.column) if p.column in columns else -1
        return (sheet, p.row or 0, column, i)

    return [p for _, p in sorted(enumerate(problems), key=key)]


def _texts(cells: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a user would have typed (see :func:`to_text`)."""
    out = {}
    for c in cells.columns:
        values = cells[c].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=False) == "string":
            out[c] = [v.strip() for v in values]  # a CSV's cells: four times faster than .str.strip()
        else:  # a workbook's dates, numbers and booleans: each distinct value once
            try:
                codes, uniques = pd.factorize(values)
            except TypeError:  # records may hold lists (co_units), which do not hash
                out[c] = [to_text(v) for v in values]
                continue
            if _merges_bools_and_numbers(values, codes, uniques):  # True == 1, yet reads "true", not "1"
                out[c] = [to_text(v) for v in values]
                continue
            texts = np.array([to_text(u) for u in uniques] + [""], dtype=object)  # code -1 (empty) → ""
            out[c] = texts[codes].tolist()
    return pd.DataFrame(out, index=cells.index, columns=cells.columns, dtype=object)


def _merges_bools_and_numbers(values: np.ndarray, codes: np.ndarray, uniques) -> bool:
    for k, u in enumerate(uniques):
        if isinstance(u, (bool, int, float, np.number)) and u in (0, 1):
            if len({type(v) for v in values[codes == k]}) > 1:
                return True
    return False


def _parse_sheet(raw: RawSheet, tables: dict[str, Table], problems: list[Problem]) -> Table | None:
    texts = _texts(raw.cells)
    filled = texts.ne("").to_numpy() if texts.shape[1] else np.zeros((len(texts), 0), bool)
    nonblank = np.flatnonzero(filled.any(axis=1))
    name = SHEET_BY_NAME.get(normalise_name(raw.label))
    if name is None:
        if not len(nonblank):
            return None  # a blank sheet (Excel's default "Sheet1") holds nothing to lose
        problems.append(Problem(
            raw.file, raw.label, None, None, f"unknown sheet {raw.label!r}{did_you_mean(normalise_name(raw.label), SHEET_BY_NAME)}",
            f"one of {', '.join(SHEETS)}",
        ))
        return None
    spec = SPEC[name]
    table = Table(name, raw.file, raw.label, {}, [], {})
    if name in tables:
        problems.append(table.problem(None, None, f"sheet given twice (also as {tables[name].label!r})"))
        return None
    if not len(nonblank):
        for col in spec.columns:
            table.data[col.name] = []
        return table

    known = COLUMN_BY_NAME[name]
    at, headers = _find_header(texts, nonblank, raw, table, problems)
    data = texts.iloc[nonblank[nonblank > at]]
    table.rows = data.index.tolist()
    position: dict[str, int] = {}
    for i, header in enumerate(headers):
        if not header:
            empty = data.iloc[:, i].eq("").to_numpy() if len(data) else np.ones(0, bool)
            if not empty.all():
                letter = _column_letter(i)
                problems.append(table.problem(
                    None, f"#{letter}", f"column {letter} has values (rows {_rows(data.index[~empty].tolist())}) but no header",
                    f"a header from {', '.join(spec.column_names)}",
                ))
            continue
        col = known.get(normalise_name(header))
        if col is None:
            hint = did_you_mean(normalise_name(header), known)
            if "\n" in header or "\r" in header:
                hint = ": the header cell holds line breaks, as when a quote (\") is opened and never closed"
            problems.append(Problem(
                raw.file, name, None, header, f"unknown column {one_line(header)!r}{hint}",
                f"one of {', '.join(spec.column_names)}", sheet_label=raw.label,
            ))
            continue
        if col in position:
            problems.append(Problem(
                raw.file, name, None, col,
                f"column given twice ({table.labels[col]!r} and {header!r})", sheet_label=raw.label,
                column_label=header,
            ))
            continue
        position[col] = i
        table.labels[col] = header
    for col in spec.columns:
        if col.required and col.name not in position:
            problems.append(table.problem(None, col.name, "required column is missing", f"a column named {col.name}"))

    for col in spec.columns:
        if col.name not in position:
            if not col.required:
                table.data[col.name] = [col.default] * len(data)
            continue
        i = position[col.name]
        if raw.formats is not None and col.name in ID_COLUMNS:
            _restore_zeros(raw, table, col.name, i, data, problems)
        for r, c in raw.formulas:
            if c == i and r in data.index and data.at[r, i] == "":
                problems.append(table.problem(
                    r, col.name, "a formula with no saved value (the file was not saved by Excel after the formula was written)",
                    "open and save the workbook in Excel, or paste the values"))
                data.at[r, i] = "\0formula"
        table.data[col.name] = _parse_column(table, col, data.iloc[:, i], problems)
    return table


#: Columns holding ids that a number cell would strip of their leading zeros.
ID_COLUMNS = frozenset({"unit_id", "item_id"})


def _restore_zeros(raw: RawSheet, table: Table, column: str, i: int, data: pd.DataFrame, problems: list[Problem]) -> None:
    """Pad ids typed into number cells as their cell format shows them (``000`` → ``001``).

    Where the format does not say how many digits an id has, warn: the
    zeros, if there were any, are gone.
    """
    padded, unknown = {}, []
    for (r, c), fmt in raw.formats.items():
        if c != i or r not in data.index:
            continue
        digits = re.fullmatch(r"0+", fmt.strip('"'))
        if digits and len(fmt) > 1:
            padded[r] = data.at[r, i].zfill(len(digits.group(0)))
        else:
            unknown.append(r)
    for r, text in padded.items():
        data.at[r, i] = text
    if unknown:
        warn(table.file, table.label, column,
             f"ids stored as numbers in rows {_rows(sorted(unknown))} (cell format without digits); leading zeros, "
             "if any, were lost before simsuite read them: format the column as text and retype the ids")


def _parse_column(table: Table, col, texts: pd.Series, problems: list[Problem]) -> list[Any]:
    """Parse a column once per distinct text, so a large ledger costs one dict look-up a cell."""
    parse = PARSERS[col.type]
    values = texts.to_numpy(dtype=object)
    cache: dict[str, Any] = {}
    failed: dict[str, CellError] = {}
    for text in pd.unique(values):
        if text == "":
            cache[text] = BAD if col.required else col.default
        elif text == "\0formula":
            cache[text] = BAD
        else:
            try:
                cache[text] = parse(text)
            except CellError as exc:
                cache[text] = BAD
                failed[text] = exc
    if failed or (col.required and "" in cache):
        for r, text in zip(texts.index, values):
            if text == "" and col.required:
                problems.append(table.problem(r, col.name, "empty cell in a required column", _expected(col)))
            elif text in failed:
                problems.append(table.problem(r, col.name, one_line(failed[text].message, 200), failed[text].expected))
    return [cache[text] for text in values]


def _find_header(texts: pd.DataFrame, nonblank: np.ndarray, raw: RawSheet, table: Table,
                 problems: list[Problem]) -> tuple[int, list[str]]:
    """Position of the (last) header row and the column names.

    The header is the first non-blank row, unless that row is a title above
    the header or the top half of a two-row (merged) header. Both are errors
    that say so; the column names found are then used to go on checking.
    """
    known = COLUMN_BY_NAME[table.name]

    def cells(pos: int) -> list[str]:
        return [t.replace("\ufeff", "").strip() for t in texts.iloc[pos]]

    def is_name(text: str) -> bool:
        return normalise_name(text) in known

    first = int(nonblank[0])
    first_row = int(texts.index[first])
    top = cells(first)
    merged = [m for m in raw.merged if m[0] <= first_row <= m[2] and m[3] > m[1]]
    filled = [t for t in top if t]
    if len(filled) == 1 and not is_name(filled[0]):  # a title, e.g. 2021年度信息报送台账
        for pos in nonblank[1:6]:
            if sum(map(is_name, cells(int(pos)))) >= 2:
                row = int(texts.index[pos])
                problems.append(table.problem(
                    first_row, None, f"row {first_row} holds a title ({filled[0]!r}) above the header in row {row}: "
                    "delete the title row so that the column names are the first row",
                    "one header row of column names, as in the template"))
                return int(pos), cells(int(pos))
    if len(nonblank) > 1:
        second = int(nonblank[1])
        below = cells(second)
        names_below = [i for i, t in enumerate(below) if t]
        if names_below and all(is_name(below[i]) for i in names_below) and \
                any(i >= len(top) or not is_name(top[i]) for i in names_below):
            row = int(texts.index[second])
            problems.append(table.problem(
                first_row, None, f"the header spans rows {first_row}, {row} (a merged or two-row header): "
                "give each column one header cell, all in one row",
                "one header row of column names, no merged cells"))
            combined = [b if is_name(b) else t for t, b in zip(top + [""] * len(below), below)]
            return second, combined
    if merged:
        spans = ", ".join(_range_name(m) for m in merged)
        problems.append(table.problem(
            first_row, None, f"merged header cells {spans}: each column needs its own header cell",
            "one header row of column names, no merged cells"))
    return first, top


def _range_name(m: tuple[int, int, int, int]) -> str:
    r0, c0, r1, c1 = m
    return f"{_column_letter(c0)}{r0}:{_column_letter(c1)}{r1}"


def _expected(col) -> str:
    return {DATE: DATE_EXPECTED, BOOL: "true or false", ITEM_KIND: f"one of {', '.join(codes.ITEM_KINDS)}",
            LEVEL: f"one of {', '.join(codes.INSTRUCTION_LEVELS)}",
            INSTRUCTION_KIND: f"one of {', '.join(codes.INSTRUCTION_KINDS)}",
            EVENT_KIND: f"one of {', '.join(codes.EVENT_KINDS)}"}.get(col.type, f"a {col.name}")


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (" …" if len(rows) > 5 else "")


# ---------------------------------------------------------------------------
# checks across rows and sheets


def _cross_check(tables: dict[str, Table], problems: list[Problem]) -> None:
    units = tables.get("units")
    unit_ids: dict[str, int] | None = None
    if units is not None and "unit_id" in units.data:
        unit_ids = _unique(units, "unit_id", problems)
    items = tables.get("items")
    item_ids: dict[str, int] | None = None
    if items is not None and "item_id" in items.data:
        item_ids = _unique(items, "item_id", problems)

    def known_unit(table: Table, column: str = "unit_id") -> None:
        if unit_ids is None:
            return
        for pos, row, (unit,) in table.records(column):
            if unit not in unit_ids:
                table.data[column][pos] = BAD
                problems.append(table.problem(
                    row, column, f"unknown unit {unit!r}{did_you_mean(unit, unit_ids)}", "a unit_id of the units sheet"))

    for name in ("items", "unit_events", "checklist"):
        if name in tables:
            known_unit(tables[name])

    if items is not None and "co_units" in items.data:
        for pos, row, (cos,) in items.records("co_units"):
            lead = items.data["unit_id"][pos] if "unit_id" in items.data else BAD
            seen: set[str] = set()
            for co in cos:
                if co == lead:
                    problems.append(items.problem(row, "co_units", f"{co!r} is the lead unit itself", "the other submitting units only"))
                elif co in seen:
                    problems.append(items.problem(row, "co_units", f"{co!r} listed twice", "each co-submitting unit once"))
                elif unit_ids is not None and co not in unit_ids:
                    problems.append(items.problem(
                        row, "co_units", f"unknown unit {co!r}{did_you_mean(co, unit_ids)}", "unit_ids of the units sheet, separated by ;"))
                seen.add(co)

    for name in ("adoptions", "instructions"):
        table = tables.get(name)
        if table is None:
            continue
        dates = table.data.setdefault("date", [ITEM_DATE] * len(table.rows))
        if item_ids is None:
            continue
        item_dates = items.data.get("date") or [BAD] * len(items.rows)
        for pos, row, (item,) in table.records("item_id"):
            at = item_ids.get(item)
            if at is None:
                problems.append(table.problem(
                    row, "item_id", f"unknown item {item!r}{did_you_mean(item, item_ids)}", "an item_id of the items sheet"))
                continue
            date, item_date = dates[pos], item_dates[at]
            if date is ITEM_DATE:  # an empty date means the item's own date
                dates[pos] = item_date
            elif date is not item_date and date is not BAD and item_date is not BAD and date < item_date:
                problems.append(table.problem(
                    row, "date", f"{date:%Y-%m-%d} is before item {item!r} was submitted "
                    f"({item_date:%Y-%m-%d}, items row {items.rows[at]})",
                    "a date on or after the item's date, or empty for the item's date"))

    checklist = tables.get("checklist")
    if checklist is not None and "period" in checklist.data:
        first: dict[tuple, int] = {}
        for _, row, key in checklist.records("unit_id", "item", "period"):
            if key in first:
                problems.append(checklist.problem(
                    row, "item", f"line {key[1]!r} of unit {key[0]!r} for period {key[2]!r} already given at row {first[key]}",
                    "one row per unit, line and period"))
            else:
                first[key] = row


#: Rows that repeat an earlier row exactly. A repeated adoption or instruction
#: is an error: an item is published once in a section, and a leader's
#: instruction is recorded once, so an identical row can only be a pasted copy,
#: and it would count twice (one copied Ningxia instruction moves a unit from
#: 36 to 46 points). A unit can be late twice on one day, so a repeated event
#: row is counted as given, with a warning listing it.
REPEATS = {
    "adoptions": (("item_id", "outlet", "section", "date"), "adoption"),
    "instructions": (("item_id", "level", "kind", "date"), "instruction"),
    "unit_events": (("unit_id", "date", "kind", "count"), None),
}


def _repeated_rows(tables: dict[str, Table], problems: list[Problem]) -> None:
    for name, (columns, what) in REPEATS.items():
        table = tables.get(name)
        if table is None:
            continue
        repeats = _repeats(table, columns)
        if not repeats:
            continue
        if what:
            for row, earlier in repeats:
                problems.append(table.problem(
                    row, None, f"the same {what} as row {earlier} (same {', '.join(columns)}): "
                    "a copied row would count twice", f"each {what} once"))
        else:
            listed = ", ".join(f"row {r} = row {e}" for r, e in repeats[:10]) + (" …" if len(repeats) > 10 else "")
            warn(table.file, table.label, None,
                 f"{len(repeats)} row{'s' if len(repeats) > 1 else ''} repeat an earlier row exactly ({listed}; "
                 f"same {', '.join(columns)}); each is counted: delete the copies unless they record separate "
                 "events, or give one row with the count")


def _repeats(table: Table, columns: Sequence[str]) -> list[tuple[int, int]]:
    """(row, earlier row) of each row whose ``columns`` repeat an earlier row's.

    Each column is turned into integer codes first (pandas hashes in C), so
    a sheet of 500,000 rows costs no Python tuple of dates a row.
    """
    if not table.rows or any(c not in table.data for c in columns):
        return []
    values = [np.asarray(table.data[c] + [None], dtype=object)[:-1] for c in columns]  # + None: never 2-D
    codes = pd.DataFrame({i: pd.factorize(v)[0] for i, v in enumerate(values)})
    valid = np.ones(len(codes), bool)
    for v in values:
        if any(x is BAD for x in v):
            valid &= np.fromiter((x is not BAD for x in v), bool, len(v))
    again = codes.duplicated(keep="first").to_numpy() & valid
    if not again.any():
        return []
    involved = codes.duplicated(keep=False).to_numpy() & valid
    first: dict[tuple, int] = {}
    repeats = []
    matrix = codes.to_numpy()
    for pos in np.flatnonzero(involved):
        key = tuple(matrix[pos])
        if key in first:
            repeats.append((table.rows[pos], table.rows[first[key]]))
        else:
            first[key] = pos
    return repeats


def _unique(table: Table, column: str, problems: list[Problem]) -> dict[str, int]:
    """Map each id to its first position; report every later repeat."""
    first: dict[str, int] = {}
    for pos, row, (value,) in table.records(column):
        if value in first:
            problems.append(table.problem(
                row, column, f"duplicate {column} {value!r} (first at row {table.rows[first[value]]})", f"a unique {column}"))
        else:
            first[value] = pos
    return first


# ---------------------------------------------------------------------------
# checks against a rulebook


def _name_key(text: str) -> str:
    return re.sub(r"[\s《》〈〉<>“”\"']+", "", str(text)).lower()


def _resolver(ids: Iterable[str], names: Mapping[str, str]) -> Callable[[str], str | None]:
    """Match an id exactly, else a Chinese name (ignoring spaces and 《》)."""
    ids = list(ids)
    by_name: dict[str, str | None] = {}
    for i, n in names.items():
        key = _name_key(n)
        by_name[key] = None if key in by_name and by_name[key] != i else i  # ambiguous names resolve to nothing
    by_id = {i: i for i in ids}
    by_id_key = {_name_key(i): i for i in ids}

    def resolve(text: str) -> str | None:
        return by_id.get(text) or by_id_key.get(_name_key(text)) or by_name.get(_name_key(text))

    return resolve


def _vocabulary_check(tables: dict[str, Table], vocab: Vocabulary, problems: list[Problem]) -> None:
    rb = vocab.rulebook_id
    units = tables.get("units")
    if units is not None and "group" in units.data:
        resolve = _resolver(vocab.groups, vocab.groups)
        for pos, row, (group,) in units.records("group"):
            found = resolve(group)
            if found is None:
                problems.append(units.problem(
                    row, "group", f"group {group!r} is not one of {rb}'s groups{did_you_mean(group, [*vocab.groups, *vocab.groups.values()])}",
                    f"one of {', '.join(vocab.groups)}"))
            else:
                units.data["group"][pos] = found

    outlet_of = _resolver(vocab.outlets, vocab.outlet_names)
    section_of = {o: _resolver(secs, secs) for o, secs in vocab.outlets.items()}

    resolved_pairs: dict[tuple[str, str], tuple[str | None, str | None, str]] = {}

    def pair(outlet: str, section: str) -> tuple[str | None, str | None, str]:
        """Resolved (outlet, section) and a message when either is unknown (worked out once per pair)."""
        key = (outlet, section)
        if key not in resolved_pairs:
            resolved_pairs[key] = resolve_pair(outlet, section)
        return resolved_pairs[key]

    def resolve_pair(outlet: str, section: str) -> tuple[str | None, str | None, str]:
        o = outlet_of(outlet)
        if o is None:
            hint = did_you_mean(outlet, [*vocab.outlets, *vocab.outlet_names.values()])
            return None, None, f"outlet {outlet!r} is not in {rb}'s catalogue{hint}"
        s = section_of[o](section)
        if s is None:
            secs = vocab.outlets[o]
            hint = did_you_mean(section, [*secs, *secs.values()])
            return o, None, f"section {section!r} is not a section of outlet {o!r}{hint}"
        return o, s, ""

    outlets_expected = f"one of {', '.join(vocab.outlets)}"
    adoptions = tables.get("adoptions")
    if adoptions is not None and "outlet" in adoptions.data:
        sections = adoptions.data.get("section") or [BAD] * len(adoptions.rows)
        for pos, row, (outlet,) in adoptions.records("outlet"):
            section = sections[pos]
            o, s, message = pair(outlet, section if section is not BAD else "")
            if o is None:
                problems.append(adoptions.problem(row, "outlet", message, outlets_expected))
                continue
            adoptions.data["outlet"][pos] = o
            if section is BAD:
                continue
            if s is None:
                problems.append(adoptions.problem(row, "section", message, f"one of {', '.join(vocab.outlets[o])}"))
            else:
                adoptions.data["section"][pos] = s

    items = tables.get("items")
    if items is not None and "sent_to" in items.data:
        for pos, row, (entries,) in items.records("sent_to"):
            resolved = []
            for entry in entries:
                outlet, section = entry.split(":", 1)
                o, s, message = pair(outlet, section)
                if s is None:
                    problems.append(items.problem(
                        row, "sent_to", f"{entry!r}: {message}",
                        outlets_expected if o is None else f"a section of {o}: {', '.join(vocab.outlets[o])}"))
                else:
                    resolved.append(f"{o}:{s}")
            if len(resolved) == len(entries):
                items.data["sent_to"][pos] = tuple(resolved)

    checklist = tables.get("checklist")
    if checklist is not None and "item" in checklist.data:
        lines = tuple(vocab.checklist_items)
        for pos, row, (line,) in checklist.records("item"):
            if not lines:
                problems.append(checklist.problem(row, "item", f"{rb} scores no checklist, yet line {line!r} is given", "no checklist rows"))
            elif line not in lines:
                problems.append(checklist.problem(
                    row, "item", f"line {line!r} is not on {rb}'s checklist{did_you_mean(line, lines)}", f"one of {', '.join(lines)}"))


def check_vocabulary(history: History, vocabulary: Vocabulary) -> History:
    """:meth:`History.validate`: the rulebook checks on an already loaded history."""
    tables = {}
    for name, frame in history.tables().items():
        tables[name] = Table(
            name, history.source, name, {}, [int(r) for r in frame.index],
            {c: frame[c].tolist() for c in frame.columns},
        )
    problems: list[Problem] = []
    _vocabulary_check(tables, vocabulary, problems)
    if problems:
        raise LedgerError(history.source, _sorted(problems))
    for name, column in (("units", "group"), ("adoptions", "outlet"), ("adoptions", "section"), ("items", "sent_to")):
        frame = getattr(history, name)
        if column in frame.columns and frame[column].tolist() != tables[name].data[column]:
            frame[column] = pd.Series(tables[name].data[column], index=frame.index, dtype=frame[column].dtype)
    return history


# ---------------------------------------------------------------------------
# tables -> canonical frames


def _frame(name: str, table: Table | None) -> pd.DataFrame:
    if table is None or not table.rows:
        return empty_table(name)
    index = pd.Index(table.rows, dtype="int64", name="row")
    columns = {}
    for col in SPEC[name].columns:
        values = table.data.get(col.name, [col.default] * len(table.rows))
        if col.type == DATE:
            series = pd.Series(pd.to_datetime(values), index=index).astype("datetime64[ns]")
        elif DTYPES[col.type] is object:
            series = pd.Series([tuple(v) for v in values], index=index, dtype=object)
        else:
            series = pd.Series(values, index=index, dtype=DTYPES[col.type])
        columns[col.name] = series
    return pd.DataFrame(columns, index=index)

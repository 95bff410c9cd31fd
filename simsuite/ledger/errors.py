"""Problems found in a ledger, gathered into one error.

A bureau fixes its ledger in Excel, so every problem names the place a user
looks at: the file, the sheet, the row number Excel shows (the header is row
1) and the column. The loader collects every problem before raising, so one
run lists all the rows to fix instead of the first one only.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a ledger, located as precisely as possible.

    ``sheet`` and ``column`` are the canonical ids (``items``, ``date``) where
    known; ``sheet_label`` / ``column_label`` keep what the file itself says
    (``信息报送``, ``报送日期``) so the message shows both. ``row`` is the
    row number as Excel shows it; None for sheet- or file-wide problems.
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    expected: str = ""
    sheet_label: str = ""
    column_label: str = ""

    def where(self) -> str:
        parts = [one_line(self.file, limit=None)]
        if self.sheet is not None:
            parts.append(_label(self.sheet, self.sheet_label))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {_label(self.column, self.column_label)}")
        return " › ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return one_line(text, limit=None)


def one_line(text: str, limit: int | None = 60) -> str:
    """Text as one line (a cell may hold line breaks, e.g. after a quote left
    open), cut to ``limit`` characters so one problem stays one line."""
    text = str(text).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"… ({len(text):,} characters)"
    return text


def _label(canonical: str, as_written: str) -> str:
    canonical, as_written = one_line(canonical), one_line(as_written)
    if as_written and as_written != canonical:
        return f"{as_written} ({canonical})"
    return canonical


class LedgerError(ValueError):
    """A ledger that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: Iterable[Problem]):
        self.source = str(source)
        self.problems: list[Problem] = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: {n} problem{'' if n == 1 else 's'}"
        return "\n".join([head, *(str(p) for p in self.problems)])

    def __str__(self) -> str:
        return self._render()


class LedgerWarning(UserWarning):
    """Something in a ledger that was read as written but deserves a look.

    Its message names the file, sheet, column and rows, like a
    :class:`Problem`; the command line prints it before the scores.
    """


def warn(file: str, sheet: str, column: str | None, message: str) -> None:
    where = " › ".join([file, sheet] + ([f"column {column}"] if column else []))
    warnings.warn(LedgerWarning(f"{where}: {message}"), stacklevel=3)

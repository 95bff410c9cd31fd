"""The assessment year: which month and quarter a date falls in.

Dates are held as whole days since 1970-01-01 (int32) so that every period
lookup is one vectorised integer operation over all events of all replicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: period index of points that belong to the year as a whole (checklists)
ANNUAL = 4
N_PERIODS = 5
PERIOD_NAMES = ("q1", "q2", "q3", "q4", "annual")


@dataclass(frozen=True)
class Calendar:
    """One assessment year of a rulebook (decision C-1, or the rulebook's own)."""

    year: int
    first_month: int = 1  # 1..12
    starts_previous_year: bool = False
    quarter_starts: tuple[int, ...] = (0, 3, 6, 9)  # month offsets from the year start

    @property
    def start_month(self) -> int:
        """The first month as months since 1970-01."""
        y = self.year - (1 if self.starts_previous_year else 0)
        return (y - 1970) * 12 + self.first_month - 1

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.start_month, "M").astype("datetime64[D]")

    @property
    def end(self) -> np.datetime64:
        """The last day of the year (inclusive)."""
        return np.datetime64(self.start_month + 12, "M").astype("datetime64[D]") - np.timedelta64(1, "D")

    @property
    def days(self) -> int:
        return int((self.end - self.start).astype(int)) + 1

    def month_index(self, days: np.ndarray) -> np.ndarray:
        """Month within the year, 0..11; < 0 before the year, > 11 after it.

        A lookup over the days of the years around this one (one subtraction
        and one take); dates further out fall back to calendar arithmetic."""
        days = np.asarray(days)
        first, table = self._month_table
        if days.size == 0:
            return np.zeros(days.shape, dtype=np.int16)
        if int(days.min()) >= first and int(days.max()) < first + len(table):
            return np.take(table, days - first)  # the usual case: one subtraction, one take
        days = days.astype(np.int64)
        offset = days - first
        inside = (offset >= 0) & (offset < len(table))
        months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        return np.where(inside, table[np.clip(offset, 0, len(table) - 1)], months - self.start_month).astype(np.int16)

    def by_day(self, days: np.ndarray, of_month: np.ndarray, outside: int) -> np.ndarray:
        """``of_month[m]`` for each day in month m of the year, ``outside``
        for days outside it (int64): one subtraction and one take from a
        table over the days around the year. Days beyond the table clip to
        its ends, which lie outside the year too, so no day needs a check."""
        first, table = self._month_table
        by_day = _by_day(self.start_month, np.asarray(of_month, dtype=np.int64).tobytes(), outside)
        return np.take(by_day, np.subtract(days, first, dtype=np.int64), mode="clip")

    @property
    def _month_table(self) -> tuple[int, np.ndarray]:
        return _month_table(self.start_month)

    @property
    def quarter_of_month(self) -> np.ndarray:
        """Quarter index (0..3) of each month index 0..11."""
        q = np.zeros(12, dtype=np.int8)
        for i, s in enumerate(self.quarter_starts):
            q[s:] = i
        return q

    def quarter_months(self, quarter: int) -> np.ndarray:
        return np.flatnonzero(self.quarter_of_month == quarter)

    def month_label(self, month: int) -> str:
        m = self.start_month + month
        return f"{1970 + m // 12}-{m % 12 + 1:02d}"

    def describe(self) -> str:
        start, end = str(self.start), str(self.end)
        return f"{start} – {end}"


@lru_cache(maxsize=64)
def _month_table(start_month: int) -> tuple[int, np.ndarray]:
    """Month index (relative to ``start_month``) of every day from two years
    before the year to two years after it."""
    first = int(np.datetime64(start_month - 24, "M").astype("datetime64[D]").astype(np.int64))
    last = int(np.datetime64(start_month + 36, "M").astype("datetime64[D]").astype(np.int64))
    months = np.arange(first, last).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    table = (months - start_month).astype(np.int16)
    table.flags.writeable = False
    return first, table


@lru_cache(maxsize=64)
def _by_day(start_month: int, of_month: bytes, outside: int) -> np.ndarray:
    """A value per month of the year (``of_month``) as a value per day of
    :func:`_month_table`'s days; ``outside`` for days outside the year."""
    months = _month_table(start_month)[1]
    values = np.concatenate([[outside], np.frombuffer(of_month, dtype=np.int64), [outside]])
    table = values[np.clip(months, -1, 12) + 1]
    table.flags.writeable = False
    return table


def day_numbers(dates) -> np.ndarray:
    """Dates (pandas/numpy datetimes) as int32 days since 1970-01-01."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int32)

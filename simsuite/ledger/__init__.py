"""Ledgers (报送台账): reading, checking and writing a bureau's submission history.

A ledger is an ``.xlsx`` workbook or a folder of CSV files with the sheets
:data:`SHEETS`; :func:`read_history` loads it into a :class:`History` of
canonical DataFrames or raises one :class:`LedgerError` listing every
problem; what it reads as written but flags (repeated event rows, ids that
were numbers, a CSV not in UTF-8) is a :class:`LedgerWarning`. The accepted Chinese sheet names, headers and values are listed in
:mod:`simsuite.ledger.schema` and ``docs/ledger-format.md``.
"""

from .codes import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS
from .errors import LedgerError, LedgerWarning, Problem
from .history import History, Vocabulary, empty_table
from .read import history_from_records, read_history
from .schema import SHEETS
from .write import write_history

__all__ = [
    "EVENT_KINDS",
    "INSTRUCTION_KINDS",
    "INSTRUCTION_LEVELS",
    "ITEM_KINDS",
    "SHEETS",
    "History",
    "LedgerError",
    "LedgerWarning",
    "Problem",
    "Vocabulary",
    "empty_table",
    "history_from_records",
    "read_history",
    "write_history",
]

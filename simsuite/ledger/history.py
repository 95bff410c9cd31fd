"""A loaded ledger (History) and what a rulebook lets it name (Vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from .schema import DTYPES, SHEETS, SPEC


@dataclass(frozen=True)
class Vocabulary:
    """The ids a rulebook knows, so a ledger can be checked against it.

    ``outlets`` maps outlet id → {section id → Chinese section name};
    ``outlet_names`` maps outlet id → its Chinese name, which a ledger may
    write instead of the id. An empty ``checklist_items`` means the rulebook
    scores no checklist, so any checklist row is a mistake.
    """

    rulebook_id: str
    groups: Mapping[str, str]
    outlets: Mapping[str, Mapping[str, str]]
    outlet_names: Mapping[str, str] = field(default_factory=dict)
    checklist_items: tuple[str, ...] = ()


def empty_table(sheet: str) -> pd.DataFrame:
    """A table with no rows but the canonical columns and dtypes."""
    spec = SPEC[sheet]
    index = pd.Index([], dtype="int64", name="row")
    return pd.DataFrame(
        {c.name: pd.Series([], dtype=DTYPES[c.type], index=index) for c in spec.columns},
        index=index,
    )


@dataclass
class History:
    """One ledger in canonical form: six tables and where they came from.

    Every table's index is the row number the user sees in the source
    (header = row 1), so any later message can point back at the row.
    """

    units: pd.DataFrame
    items: pd.DataFrame = field(default_factory=lambda: empty_table("items"))
    adoptions: pd.DataFrame = field(default_factory=lambda: empty_table("adoptions"))
    instructions: pd.DataFrame = field(default_factory=lambda: empty_table("instructions"))
    unit_events: pd.DataFrame = field(default_factory=lambda: empty_table("unit_events"))
    checklist: pd.DataFrame = field(default_factory=lambda: empty_table("checklist"))
    source: str = "<records>"
    #: The vocabulary this history was last checked against (so it is checked once).
    checked: Vocabulary | None = field(default=None, repr=False, compare=False)
    #: For a CSV folder: each file and the encoding it was read in (``GB18030 (GBK)``, ``UTF-16, tab-separated``).
    encodings: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The six tables by sheet name, in :data:`SHEETS` order."""
        return {name: getattr(self, name) for name in SHEETS}

    def copy(self) -> "History":
        return History(**{k: v.copy() for k, v in self.tables().items()}, source=self.source)

    def equals(self, other: "History") -> bool:
        """Same rows, values, row numbers and dtypes in every table; ``source`` is ignored."""
        if not isinstance(other, History):
            return False
        return all(_same_table(a, getattr(other, name)) for name, a in self.tables().items())

    def validate(self, vocabulary: Vocabulary) -> "History":
        """Check the groups, outlets, sections and checklist lines against a rulebook.

        Raises :class:`LedgerError` listing every row the rulebook does not
        know. Chinese outlet, section and group names are replaced by their
        ids in place (the same data, in the form the scorer codes), so
        calling ``h.validate(v)`` is enough; returns ``self`` for chaining.
        """
        from .parse import check_vocabulary

        if self.checked is not None and self.checked == vocabulary:
            return self
        check_vocabulary(self, vocabulary)
        self.checked = vocabulary
        return self

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(t)}" for name, t in self.tables().items())
        return f"History({self.source!r}: {sizes})"


def _same_table(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    if list(a.index) != list(b.index):
        return False
    for col in a.columns:
        if a[col].dtype != b[col].dtype:
            return False
        if a[col].tolist() != b[col].tolist():
            return False
    return True

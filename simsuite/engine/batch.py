"""A batch: R replicate histories of the same units, compiled to flat arrays.

Every sheet of every replicate becomes one set of parallel numpy arrays with a
replicate column, so each rule is a handful of vectorised operations over all
units, events and replicates at once. A single ledger is a batch with R = 1;
the synthetic-history generator builds batches directly, with no files and no
DataFrames in between.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

import numpy as np
import pandas as pd

from ..ledger import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS, History
from .calendar import N_PERIODS, Calendar, day_numbers
from .order import Runs

KIND = {k: i for i, k in enumerate(ITEM_KINDS)}
LEVEL = {k: i for i, k in enumerate(INSTRUCTION_LEVELS)}
INSTRUCTION_KIND = {k: i for i, k in enumerate(INSTRUCTION_KINDS)}
EVENT = {k: i for i, k in enumerate(EVENT_KINDS)}


@dataclass
class Batch:
    """Parallel arrays of one or many histories, coded against one rulebook.

    Item-linked tables (adoptions, instructions) point at items by their
    global row; an item's replicate and unit are read through that row.
    Month indices are relative to the assessment year (0..11 inside it).
    """

    calendar: Calendar
    units: pd.DataFrame  # unit_id, name, group (ledger group id)
    group: np.ndarray  # (U,) ledger group code
    n_reps: int
    # items
    item_rep: np.ndarray
    item_unit: np.ndarray
    item_day: np.ndarray
    item_kind: np.ndarray
    item_in_scope: np.ndarray
    item_quality: np.ndarray
    co_ptr: np.ndarray  # CSR over items -> co_unit
    co_unit: np.ndarray
    sent_ptr: np.ndarray  # CSR over items -> sent_pair (outlet-section pair code)
    sent_pair: np.ndarray
    # adoptions
    ad_item: np.ndarray
    ad_pair: np.ndarray
    ad_day: np.ndarray
    # instructions
    ins_item: np.ndarray
    ins_level: np.ndarray
    ins_kind: np.ndarray
    ins_day: np.ndarray
    # unit events
    ev_rep: np.ndarray
    ev_unit: np.ndarray
    ev_kind: np.ndarray
    ev_day: np.ndarray
    ev_count: np.ndarray
    # checklist lines (for the year)
    ck_rep: np.ndarray
    ck_unit: np.ndarray
    ck_line: np.ndarray
    ck_met: np.ndarray
    # what was left out of the year, and why (one row per sheet and reason)
    left_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the source histories, kept to name items and events in explanations
    histories: tuple[History, ...] = ()
    # where each row lands, worked out once from the arrays above (RowKeys);
    # a batch under another calendar shares them
    keys: "RowKeys | None" = None

    def __post_init__(self) -> None:
        if self.keys is None:
            self.keys = RowKeys.of(self)

    # ---- derived views (cheap, computed on demand) -------------------------
    @property
    def n_units(self) -> int:
        return len(self.units)

    def under(self, calendar: Calendar) -> "Batch":
        """These histories under another calendar of the same twelve months:
        new quarter boundaries regroup the same dated events, so a variant
        of the quarters is scored on the very histories of its baseline.
        Histories drawn for one year cannot serve a year that starts in
        another month (``calendar.first_month``): that is an error."""
        if calendar == self.calendar:
            return self
        if calendar.start_month != self.calendar.start_month:  # months would move: RowKeys hold for one start
            raise ValueError(f"these histories cover {self.calendar.start} to {self.calendar.end}; a year starting "
                             f"{calendar.start} (calendar.first_month) needs histories drawn for that year")
        return dataclasses.replace(self, calendar=calendar)

    @property
    def item_month(self) -> np.ndarray:
        return self.keys.item_month

    @property
    def ad_month(self) -> np.ndarray:
        return self.keys.ad_month

    @property
    def ins_month(self) -> np.ndarray:
        return self.keys.ins_month

    @property
    def ev_month(self) -> np.ndarray:
        return self.keys.ev_month

    def in_year(self, month: np.ndarray) -> np.ndarray:
        return (month >= 0) & (month < 12)

    def quarter(self, month: np.ndarray) -> np.ndarray:
        """Quarter of in-year months (out-of-year months get 0; mask them)."""
        return self.calendar.quarter_of_month[np.clip(month, 0, 11)]


class RowKeys:
    """Where each row of a batch lands, before any rule.

    Each row's month in the year (0..11; < 0 before the year, > 11 after)
    and cell ``replicate × units + unit`` (for adoptions and instructions,
    the item's lead unit); ``item_key`` joins the two as ``cell × 12 +
    month``, with items outside the year all at ``cells × 12``, one past the
    last, so a bincount counts the year's items by unit-month and drops the
    rest; :meth:`slots` does the same for adoptions and instructions by
    quarter. Also each item's adoptions and instructions in date order
    (:class:`Runs`, for C-8), the adopted item's kind, scope and group, the
    co-units that share in them (C-3), and the items behind each entry of
    ``sent_to``.

    They depend on the histories and the year's first month only, not on
    any parameter, so every rule of every variant scored on a batch reads
    the same ones. Each is worked out when a rule first asks for it and
    kept: a batch scored once pays only for the keys its rulebook reads,
    and a batch scored under many variants pays for each once. Whoever
    builds a batch and knows some keys already (the generator draws items
    by unit-month) hands them over as ``known``.
    """

    def __init__(self, b: "Batch", **known: np.ndarray):
        self.n_cells = b.n_reps * b.n_units
        # the arrays the keys are worked out from (references, not copies; not
        # the batch itself, which holds these keys)
        self._rows = _Rows(
            n_units=b.n_units, calendar=b.calendar, group=b.group,
            item_rep=b.item_rep, item_unit=b.item_unit, item_day=b.item_day, item_kind=b.item_kind,
            item_in_scope=b.item_in_scope, co_ptr=b.co_ptr, co_unit=b.co_unit, sent_ptr=b.sent_ptr,
            ad_item=b.ad_item, ad_day=b.ad_day, ins_item=b.ins_item, ins_day=b.ins_day,
            ev_rep=b.ev_rep, ev_unit=b.ev_unit, ev_day=b.ev_day)
        self.know(**known)
        # each adoption's and instruction's slot (cell × N_PERIODS + quarter),
        # by quarter map, when first asked
        self.slots_by_quarters: dict = {}

    @classmethod
    def of(cls, b: "Batch", **known: np.ndarray) -> "RowKeys":
        return cls(b, **known)

    def know(self, **known: np.ndarray) -> "RowKeys":
        """Take keys worked out elsewhere, as if a rule had asked for them."""
        unknown = set(known) - set(KEY_NAMES)
        if unknown:
            raise ValueError(f"no batch key {sorted(unknown)[0]!r}")
        self.__dict__.update(known)  # where cached_property keeps what it worked out
        return self

    def know_month_counts(self, counts: np.ndarray) -> "RowKeys":
        """Take the (R, U, 12) month counts of every counted item, as a
        generator drew them (what :meth:`~simsuite.engine.context.Context.month_counts`
        would count from the keys)."""
        R = self.n_cells // self._rows.n_units if self._rows.n_units else 0
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (R, self._rows.n_units, 12):
            raise ValueError(f"month counts of shape {counts.shape}; this batch has {(R, self._rows.n_units, 12)}")
        counts.setflags(write=False)
        self.__dict__.setdefault("_month_counts", {})[("month_counts", None)] = counts
        return self

    def all(self) -> "RowKeys":
        """Work out every key now (and the slots under the batch's quarters)."""
        for name in KEY_NAMES:
            getattr(self, name)
        return self

    @property
    def _outside(self) -> int:
        return self.n_cells * 12

    # ---- months and cells --------------------------------------------------
    @cached_property
    def item_month(self) -> np.ndarray:
        return self._rows.calendar.month_index(self._rows.item_day)

    @cached_property
    def ad_month(self) -> np.ndarray:
        return self._rows.calendar.month_index(self._rows.ad_day)

    @cached_property
    def ins_month(self) -> np.ndarray:
        return self._rows.calendar.month_index(self._rows.ins_day)

    @cached_property
    def ev_month(self) -> np.ndarray:
        return self._rows.calendar.month_index(self._rows.ev_day)

    @cached_property
    def item_cell(self) -> np.ndarray:
        r = self._rows
        return r.item_rep.astype(np.int64) * r.n_units + r.item_unit

    @cached_property
    def ad_cell(self) -> np.ndarray:
        return self.item_cell[self._rows.ad_item]

    @cached_property
    def ins_cell(self) -> np.ndarray:
        return self.item_cell[self._rows.ins_item]

    @cached_property
    def ev_cell(self) -> np.ndarray:
        r = self._rows
        return r.ev_rep.astype(np.int64) * r.n_units + r.ev_unit

    @cached_property
    def item_key(self) -> np.ndarray:
        months = self.item_month
        return np.where((months >= 0) & (months < 12), self.item_cell * 12 + months, self._outside)

    # ---- what is counted -----------------------------------------------------
    @cached_property
    def counted_key(self) -> np.ndarray:
        """``item_key`` of the items counted (C-5, C-9); others one past the last."""
        scope = self._rows.item_in_scope
        return self.item_key if self.all_in_scope else np.where(scope, self.item_key, self._outside)

    @cached_property
    def sent_key(self) -> np.ndarray:
        """Each (item, outlet sent to): the item's ``item_key`` if counted, else one past the last."""
        return self.counted_key[csr_rows(self._rows.sent_ptr)]

    @cached_property
    def all_in_scope(self) -> bool:
        """Whether every item is in scope (C-5): then no rule need mask rows by scope."""
        return bool(self._rows.item_in_scope.all())

    # ---- what the adopted item is ------------------------------------------
    @cached_property
    def ad_kind(self) -> np.ndarray:
        return self._rows.item_kind[self._rows.ad_item]

    @cached_property
    def ad_in_scope(self) -> np.ndarray:
        scope = self._rows.item_in_scope
        return np.ones(len(self._rows.ad_item), bool) if self.all_in_scope else scope[self._rows.ad_item]

    @cached_property
    def ad_group(self) -> np.ndarray:
        """The group of each adoption's unit, read by its cell (worked out for
        slots anyway) from the groups repeated over replicates: one gather
        from a small table instead of two over the adoptions."""
        r = self._rows
        reps = self.n_cells // r.n_units if r.n_units else 0
        return np.tile(r.group, reps)[self.ad_cell]

    # ---- runs and co-units ---------------------------------------------------
    @cached_property
    def ad_runs(self) -> Runs:
        return Runs.of(self._rows.ad_item, self._rows.ad_day)

    @cached_property
    def ins_runs(self) -> Runs:
        return Runs.of(self._rows.ins_item, self._rows.ins_day)

    @cached_property
    def item_has_co(self) -> np.ndarray:
        """Items with at least one co-unit."""
        ptr = self._rows.co_ptr
        return ptr[1:] > ptr[:-1]

    @cached_property
    def ad_co(self) -> tuple[np.ndarray, np.ndarray]:
        """(adoption row, the co-unit's cell), one per co-unit."""
        return self._co(self._rows.ad_item)

    @cached_property
    def ins_co(self) -> tuple[np.ndarray, np.ndarray]:
        return self._co(self._rows.ins_item)

    def _co(self, item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each (row, co-unit) of the rows whose item has co-units."""
        r = self._rows
        rows = np.flatnonzero(self.item_has_co[item])
        if self.one_co_unit_each:  # an item's one co-unit is where its pointer starts
            items = item[rows]
            pos = r.co_ptr[items]
        else:
            which, pos = expand_csr(r.co_ptr, item[rows])
            rows = rows[which]
            items = item[rows]
        return rows, r.item_rep[items].astype(np.int64) * r.n_units + r.co_unit[pos]

    @cached_property
    def one_co_unit_each(self) -> bool:
        """Whether no item has more than one co-unit (as generated histories)."""
        return len(self._rows.co_unit) == np.count_nonzero(self.item_has_co)

    def slots(self, source: str, quarter_of_month: np.ndarray) -> np.ndarray:
        """Each adoption's, instruction's or event's slot under these quarters,
        where :class:`~simsuite.engine.points.Credits` sum it; rows outside
        the year one past the last slot."""
        r = self._rows
        of_source = {"adoption": lambda: (self.ad_cell, r.ad_day), "instruction": lambda: (self.ins_cell, r.ins_day),
                     "event": lambda: (self.ev_cell, r.ev_day)}
        if source not in of_source:
            raise ValueError(f"no slots for {source!r} rows: adoptions, instructions and events have them")
        key = (source, quarter_of_month.tobytes())
        if key not in self.slots_by_quarters:
            self.slots_by_quarters[key] = self.slots_of_days(*of_source[source](), quarter_of_month)
        return self.slots_by_quarters[key]

    def slots_of_days(self, cell: np.ndarray, day: np.ndarray, quarter_of_month: np.ndarray) -> np.ndarray:
        """Slots of rows from their (replicate, unit) cell and day: the
        quarter through a table of days (no month of the rows worked out
        first); rows outside the year one past the last slot."""
        outside = self.n_cells * N_PERIODS
        slots = self._rows.calendar.by_day(day, quarter_of_month, outside)
        slots += cell * N_PERIODS
        return np.minimum(slots, outside, out=slots)


#: the keys a batch holds (each a cached property of :class:`RowKeys`)
KEY_NAMES = tuple(name for name, v in vars(RowKeys).items() if isinstance(v, cached_property))


@dataclass(frozen=True)
class _Rows:
    """The row arrays of a batch that its keys are worked out from."""

    n_units: int
    calendar: Calendar  # its months: the keys hold for calendars of the same first month
    group: np.ndarray
    item_rep: np.ndarray
    item_unit: np.ndarray
    item_day: np.ndarray
    item_kind: np.ndarray
    item_in_scope: np.ndarray
    co_ptr: np.ndarray
    co_unit: np.ndarray
    sent_ptr: np.ndarray
    ad_item: np.ndarray
    ad_day: np.ndarray
    ins_item: np.ndarray
    ins_day: np.ndarray
    ev_rep: np.ndarray
    ev_unit: np.ndarray
    ev_day: np.ndarray


def compile_histories(
    histories: Sequence[History],
    calendar: Calendar,
    groups: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    checklist_lines: Sequence[str],
) -> Batch:
    """Code R histories of the same units against a rulebook's vocabularies.

    ``groups``, ``pairs`` (outlet, section) and ``checklist_lines`` fix the
    integer codes; values the rulebook does not know have been rejected by
    the ledger loader already. Coding is done with index lookups over whole
    columns, never row by row.
    """
    first = histories[0]
    unit_ids = first.units["unit_id"].tolist()
    for h in histories[1:]:
        if h.units["unit_id"].tolist() != unit_ids:
            raise ValueError("replicate histories must list the same units in the same order")
    units = pd.Index(unit_ids)

    def cat(sheet: str) -> pd.DataFrame:
        frames = [getattr(h, sheet) for h in histories]
        reps = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
        return pd.concat(frames, ignore_index=True).assign(_rep=reps)

    items = cat("items")
    adoptions = cat("adoptions")
    instructions = cat("instructions")
    events = cat("unit_events")
    checklist = cat("checklist")

    item_index = pd.MultiIndex.from_arrays([items["_rep"].to_numpy(), items["item_id"].to_numpy(object)])

    def item_rows(frame: pd.DataFrame) -> np.ndarray:
        keys = pd.MultiIndex.from_arrays([frame["_rep"].to_numpy(), frame["item_id"].to_numpy(object)])
        return _codes(item_index, keys, "item").astype(np.int64)

    co_ptr, co_values = _flatten(items["co_units"])
    sent_ptr, sent_values = _flatten(items["sent_to"])
    sent_codes = pd.Index([f"{o}:{s}" for o, s in pairs]).get_indexer(sent_values)
    # an item may be sent to outlets outside the catalogue: they match no pair
    sent_ptr = _ptr_keeping(sent_ptr, sent_codes >= 0)
    sent_codes = sent_codes[sent_codes >= 0]
    pair_index = pd.MultiIndex.from_tuples(list(pairs)) if len(pairs) else pd.MultiIndex.from_tuples([("", "")])

    period = str(calendar.year)
    ck_in = checklist["period"].astype(str).isin(["", period]).to_numpy()
    checklist_year = checklist[ck_in]

    batch = Batch(
        calendar=calendar,
        units=first.units[["unit_id", "name", "group"]].reset_index(drop=True),
        group=_codes(pd.Index(list(groups)), first.units["group"], "group").astype(np.int32),
        n_reps=len(histories),
        item_rep=items["_rep"].to_numpy(np.int32),
        item_unit=_codes(units, items["unit_id"], "unit").astype(np.int32),
        item_day=day_numbers(items["date"]),
        item_kind=_codes(pd.Index(ITEM_KINDS), items["kind"], "item kind").astype(np.int8),
        item_in_scope=items["in_scope"].to_numpy(bool),
        item_quality=items["quality"].to_numpy(np.float64),
        co_ptr=co_ptr,
        co_unit=_codes(units, co_values, "co-unit").astype(np.int32),
        sent_ptr=sent_ptr,
        sent_pair=sent_codes.astype(np.int32),
        ad_item=item_rows(adoptions),
        ad_pair=_codes(pair_index, pd.MultiIndex.from_arrays(
            [adoptions["outlet"].to_numpy(object), adoptions["section"].to_numpy(object)]), "outlet:section"
        ).astype(np.int32),
        ad_day=day_numbers(adoptions["date"]),
        ins_item=item_rows(instructions),
        ins_level=_codes(pd.Index(INSTRUCTION_LEVELS), instructions["level"], "level").astype(np.int8),
        ins_kind=_codes(pd.Index(INSTRUCTION_KINDS), instructions["kind"], "instruction kind").astype(np.int8),
        ins_day=day_numbers(instructions["date"]),
        ev_rep=events["_rep"].to_numpy(np.int32),
        ev_unit=_codes(units, events["unit_id"], "unit").astype(np.int32),
        ev_kind=_codes(pd.Index(EVENT_KINDS), events["kind"], "event kind").astype(np.int8),
        ev_day=day_numbers(events["date"]),
        ev_count=events["count"].to_numpy(np.int64),
        ck_rep=checklist_year["_rep"].to_numpy(np.int32),
        ck_unit=_codes(units, checklist_year["unit_id"], "unit").astype(np.int32),
        ck_line=_codes(pd.Index(list(checklist_lines)), checklist_year["item"], "checklist line").astype(np.int32),
        ck_met=checklist_year["met"].to_numpy(bool),
        histories=tuple(histories),
    )
    batch.left_out = left_out_report(batch, n_checklist_other=int((~ck_in).sum()))
    return batch


def _codes(index: pd.Index, values, what: str) -> np.ndarray:
    """Positions of ``values`` in ``index``; a value not there is a bug upstream
    (the ledger loader rejects unknown values), so it raises."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    codes = index.get_indexer(values)
    if (codes < 0).any():
        bad = pd.Index(values)[codes < 0][:3].tolist()
        raise ValueError(f"unknown {what}: {bad}")
    return codes


def _flatten(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column of tuples as CSR: (row pointers, flat values)."""
    lengths = column.map(len).to_numpy(np.int64) if len(column) else np.zeros(0, np.int64)
    ptr = np.zeros(len(column) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    flat = column.explode().dropna().to_numpy(object) if ptr[-1] else np.zeros(0, dtype=object)
    return ptr, flat


def _ptr_keeping(ptr: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """CSR row pointers after dropping the flat entries where ``keep`` is False."""
    kept = np.concatenate([[0], np.cumsum(keep)])
    return kept[ptr]


def left_out_report(b: Batch, n_checklist_other: int = 0) -> pd.DataFrame:
    """How many rows of each sheet fall outside the year, and what that means."""
    year = b.calendar.describe()
    rows = []

    def add(sheet: str, months: np.ndarray, before: str, after: str) -> None:
        n_before, n_after = int((months < 0).sum()), int((months > 11).sum())
        if n_before:
            rows.append((sheet, n_before, before))
        if n_after:
            rows.append((sheet, n_after, after))

    add(
        "items",
        b.item_month,
        f"dated before {year}: count toward no quota, zero month or per-item points; "
        "their adoptions and instructions dated in the year still score",
        f"dated after {year}: left out",
    )
    add(
        "adoptions",
        b.ad_month,
        f"dated before {year}: score nothing in this year; where only an item's highest "
        "adoption counts they set the highest so far (decision C-8)",
        f"dated after {year}: left out",
    )
    add(
        "instructions",
        b.ins_month,
        f"dated before {year}: score nothing in this year; where only an item's highest "
        "instruction counts they set the highest so far (decision C-8)",
        f"dated after {year}: left out",
    )
    add("unit_events", b.ev_month, f"dated before {year}: left out", f"dated after {year}: left out")
    if n_checklist_other:
        rows.append(("checklist", n_checklist_other, f"period is not {b.calendar.year}: left out"))
    return pd.DataFrame(rows, columns=["sheet", "rows", "reason"])


def expand_csr(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each index in ``rows``, the positions of its CSR entries.

    Returns (which, pos): ``which[k]`` is the position in ``rows`` an entry
    belongs to, ``pos[k]`` its index in the flat CSR array. Vectorised, no
    loop over rows.
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    sub_ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=sub_ptr[1:])
    which = csr_rows(sub_ptr)
    return which, np.arange(sub_ptr[-1]) + (starts - sub_ptr[:-1])[which]


def csr_rows(ptr: np.ndarray) -> np.ndarray:
    """The row of each flat entry of a CSR array with row pointers ``ptr``:
    the number of rows ending at or before the entry (one bincount and one
    cumsum, much faster than ``np.repeat`` when many rows are empty)."""
    total = int(ptr[-1])
    return np.cumsum(np.bincount(ptr[1:-1], minlength=total + 1)[:total])

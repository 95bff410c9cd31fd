"""A batch: R replicate histories of the same units, compiled to flat arrays.

Every sheet of every replicate becomes one set of parallel numpy arrays with a
replicate column, so each rule is a handful of vectorised operations over all
units, events and replicates at once. A single ledger is a batch with R = 1;
the synthetic-history generator builds batches directly, with no files and no
DataFrames in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from ..ledger import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS, History
from .calendar import Calendar, day_numbers

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

    # ---- derived views (cheap, computed on demand) -------------------------
    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def item_month(self) -> np.ndarray:
        return self.calendar.month_index(self.item_day)

    @property
    def ad_month(self) -> np.ndarray:
        return self.calendar.month_index(self.ad_day)

    @property
    def ins_month(self) -> np.ndarray:
        return self.calendar.month_index(self.ins_day)

    @property
    def ev_month(self) -> np.ndarray:
        return self.calendar.month_index(self.ev_day)

    def in_year(self, month: np.ndarray) -> np.ndarray:
        return (month >= 0) & (month < 12)

    def quarter(self, month: np.ndarray) -> np.ndarray:
        """Quarter of in-year months (out-of-year months get 0; mask them)."""
        return self.calendar.quarter_of_month[np.clip(month, 0, 11)]


def compile_histories(
    histories: Sequence[History],
    calendar: Calendar,
    groups: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    checklist_lines: Sequence[str],
) -> Batch:
    """Code R histories of the same units against a rulebook's vocabularies.

    ``groups``, ``pairs`` (outlet, section) and ``checklist_lines`` fix the
    integer codes; values the rulebook does not know have been rejected by the
    ledger loader already.
    """
    first = histories[0]
    unit_ids = first.units["unit_id"].tolist()
    for h in histories[1:]:
        if h.units["unit_id"].tolist() != unit_ids:
            raise ValueError("replicate histories must list the same units in the same order")
    unit_code = {u: i for i, u in enumerate(unit_ids)}
    group_code = {g: i for i, g in enumerate(groups)}
    pair_code = {p: i for i, p in enumerate(pairs)}
    line_code = {c: i for i, c in enumerate(checklist_lines)}

    def cat(sheet: str) -> pd.DataFrame:
        frames = []
        for r, h in enumerate(histories):
            df = getattr(h, sheet)
            frames.append(df.assign(_rep=r))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    items = cat("items")
    adoptions = cat("adoptions")
    instructions = cat("instructions")
    events = cat("unit_events")
    checklist = cat("checklist")

    item_key = {(r, i): n for n, (r, i) in enumerate(zip(items["_rep"], items["item_id"]))}
    co_lists = [[unit_code[u] for u in cos] for cos in items["co_units"]]
    sent_lists = [[pair_code[tuple(s.split(":", 1))] for s in st if tuple(s.split(":", 1)) in pair_code] for st in items["sent_to"]]

    period = str(calendar.year)
    ck_in = checklist["period"].astype(str).isin(["", period]).to_numpy() if len(checklist) else np.zeros(0, bool)
    checklist_year = checklist[ck_in] if len(checklist) else checklist

    batch = Batch(
        calendar=calendar,
        units=first.units[["unit_id", "name", "group"]].reset_index(drop=True),
        group=np.array([group_code[g] for g in first.units["group"]], dtype=np.int32),
        n_reps=len(histories),
        item_rep=items["_rep"].to_numpy(np.int32),
        item_unit=np.array([unit_code[u] for u in items["unit_id"]], dtype=np.int32),
        item_day=day_numbers(items["date"]),
        item_kind=np.array([KIND[k] for k in items["kind"]], dtype=np.int8),
        item_in_scope=items["in_scope"].to_numpy(bool),
        item_quality=items["quality"].to_numpy(np.float64),
        co_ptr=_ptr(co_lists),
        co_unit=np.array([u for cos in co_lists for u in cos], dtype=np.int32),
        sent_ptr=_ptr(sent_lists),
        sent_pair=np.array([p for ps in sent_lists for p in ps], dtype=np.int32),
        ad_item=np.array([item_key[(r, i)] for r, i in zip(adoptions["_rep"], adoptions["item_id"])], dtype=np.int64),
        ad_pair=np.array([pair_code[(o, s)] for o, s in zip(adoptions["outlet"], adoptions["section"])], dtype=np.int32),
        ad_day=day_numbers(adoptions["date"]),
        ins_item=np.array([item_key[(r, i)] for r, i in zip(instructions["_rep"], instructions["item_id"])], dtype=np.int64),
        ins_level=np.array([LEVEL[k] for k in instructions["level"]], dtype=np.int8),
        ins_kind=np.array([INSTRUCTION_KIND[k] for k in instructions["kind"]], dtype=np.int8),
        ins_day=day_numbers(instructions["date"]),
        ev_rep=events["_rep"].to_numpy(np.int32),
        ev_unit=np.array([unit_code[u] for u in events["unit_id"]], dtype=np.int32),
        ev_kind=np.array([EVENT[k] for k in events["kind"]], dtype=np.int8),
        ev_day=day_numbers(events["date"]),
        ev_count=events["count"].to_numpy(np.int64),
        ck_rep=checklist_year["_rep"].to_numpy(np.int32),
        ck_unit=np.array([unit_code[u] for u in checklist_year["unit_id"]], dtype=np.int32),
        ck_line=np.array([line_code[c] for c in checklist_year["item"]], dtype=np.int32),
        ck_met=checklist_year["met"].to_numpy(bool),
        histories=tuple(histories),
    )
    batch.left_out = left_out_report(batch, n_checklist_other=int((~ck_in).sum()))
    return batch


def _ptr(lists: list[list[int]]) -> np.ndarray:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lists], out=ptr[1:])
    return ptr


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
        "adoption counts they set the highest so far (RULES.md C-8)",
        f"dated after {year}: left out",
    )
    add(
        "instructions",
        b.ins_month,
        f"dated before {year}: score nothing in this year; where only an item's highest "
        "instruction counts they set the highest so far (RULES.md C-8)",
        f"dated after {year}: left out",
    )
    add("unit_events", b.ev_month, f"dated before {year}: left out", f"dated after {year}: left out")
    if n_checklist_other:
        rows.append(("checklist", n_checklist_other, f"period is not {b.calendar.year}: left out"))
    return pd.DataFrame(rows, columns=["sheet", "rows", "reason"])


def expand_csr(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each index in ``rows``, the positions of its CSR entries.

    Returns (which, pos): ``which[k]`` is the position in ``rows`` an entry
    belongs to, ``pos[k]`` its index in the flat CSR array. Vectorised: one
    repeat and one arange, no loop over rows.
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    which = np.repeat(np.arange(len(rows)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return which, np.repeat(starts, counts) + offsets

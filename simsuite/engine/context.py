"""What a rule sees: the compiled batch, the effective parameters, the rulebook's
vocabularies, and a few shared derived arrays computed once per scoring run."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Sequence

import numpy as np

from ..ledger import ITEM_KINDS
from ..params import Parameters
from .batch import KIND, Batch
from .points import QUARTERS_OF_MONTHS, Credits, Points, make_points
from .ranking import DECIMALS, count_higher_and_lower


@dataclass
class Context:
    b: Batch
    p: Parameters
    groups: tuple[str, ...]  # rulebook group ids; Batch.group codes index these
    pairs: tuple[tuple[str, str], ...]  # (outlet, section) codes
    lines: tuple[str, ...]  # checklist line ids
    trace: bool = False  # keep zero-point records too, to explain what scored nothing
    _cache: dict = field(default_factory=dict)

    # ---- shape ------------------------------------------------------------
    @property
    def n_reps(self) -> int:
        return self.b.n_reps

    @property
    def n_units(self) -> int:
        return self.b.n_units

    @property
    def group(self) -> np.ndarray:
        """(U,) each unit's own group code."""
        return self.b.group

    # ---- groups -----------------------------------------------------------
    @cached_property
    def scoring_group(self) -> np.ndarray:
        """Group code each unit is ranked in, after ``grouping.merge`` (pooling)."""
        merge = self.p["grouping.merge"] if "grouping.merge" in self.p else {}
        code = {g: i for i, g in enumerate(self.groups)}
        target = np.array([code[merge.get(g, g)] for g in self.groups], dtype=np.int32)
        return target[self.group]

    def by_group(self, prefix: str, scoring: bool = False, default: float = 0.0) -> np.ndarray:
        """A per-group parameter table as one value per unit.

        Quotas follow a unit's own group; targets, tables and bands the group
        it is ranked in (``scoring=True``) — so pooling groups pools rankings
        while each unit keeps its own group's quota.
        """
        table = self.p.table(prefix)
        values = np.array([float(table.get(g, default)) for g in self.groups])
        return values[self.scoring_group if scoring else self.group]

    def standing(self, values: np.ndarray, decimals: int = DECIMALS) -> tuple[np.ndarray, np.ndarray]:
        """(R, U) how many units of each unit's scoring group score strictly
        higher, and strictly lower, on ``values`` (compared as decision C-6
        says), read-only. Kept for the values last asked about: the rank and
        award steps, and the run's table, all read the final score's."""
        kept = self._cache.get("standing")
        if kept is not None and kept[0] == decimals and kept[1].shape == np.shape(values) and np.array_equal(
                kept[1], values):
            return kept[2]
        counts = count_higher_and_lower(values, self.scoring_group, decimals)
        for a in counts:
            a.setflags(write=False)
        self._cache["standing"] = (decimals, np.array(values, dtype=np.float64), counts)
        return counts

    # ---- items ------------------------------------------------------------
    def kind_mask(self, kinds: Iterable[str]) -> np.ndarray:
        """Per item-kind code, True for the kinds named."""
        mask = np.zeros(len(ITEM_KINDS), bool)
        for k in kinds:
            mask[KIND[k]] = True
        return mask

    def of_kinds(self, kind: np.ndarray, kinds: Iterable[str]) -> np.ndarray:
        """Per row of one-byte kind codes ``kind``: whether it is one of
        ``kinds``. A comparison per kind (or per kind left out, when fewer):
        several times faster than gathering from a table by these codes."""
        mask = self.kind_mask(kinds)
        if not mask.any():
            return np.zeros(len(kind), bool)
        if mask.all():
            return np.ones(len(kind), bool)
        out_of = mask.sum() * 2 > len(mask)  # name the kinds left out instead
        codes = np.flatnonzero(~mask if out_of else mask)
        hit = kind == codes[0]
        for code in codes[1:]:
            hit |= kind == code
        return ~hit if out_of else hit

    @cached_property
    def quarter_of_month(self) -> np.ndarray:
        """Quarter (0..3) of each month 0..11 under this calendar."""
        return self.b.calendar.quarter_of_month

    @cached_property
    def item_counted(self) -> np.ndarray:
        """Items that count toward quotas, zero months and per-item points:
        the lead unit's in-scope items dated in the year (C-5, C-9)."""
        return self.b.keys.counted_key < self.b.n_reps * self.b.n_units * 12

    def item_scores(self, source: str) -> np.ndarray | None:
        """Per adoption or instruction: whether its item may score, being in
        scope (C-5) and not of a kind the rulebook scores nothing for;
        ``None`` when every row's item may (nothing to mask: no pass over
        the rows)."""
        b = self.b
        unscored = self.kind_mask(self.p["items.unscored_kinds"] if "items.unscored_kinds" in self.p else ())
        if not unscored.any() and b.keys.all_in_scope:
            return None
        if not unscored.any():
            return b.keys.ad_in_scope if source == "adoption" else b.item_in_scope[b.ins_item]
        kinds = np.asarray(ITEM_KINDS)[unscored]
        if source == "adoption":
            return b.keys.ad_in_scope & ~self.of_kinds(b.keys.ad_kind, kinds)
        return b.item_in_scope[b.ins_item] & ~self.of_kinds(b.item_kind[b.ins_item], kinds)

    def month_counts(self, kinds: Sequence[str] | None = None) -> np.ndarray:
        """(R, U, 12) counts of counted items, of ``kinds`` (all when None):
        a bincount of the items' precomputed unit-month keys. Counts of some
        kinds add up rows of one bincount by (kind, unit-month), made once:
        that is cheaper than putting the items in kind order first, and any
        kinds after it cost a few additions of grids.
        They depend on the histories alone, so they are kept with the batch's
        row keys (read-only) for every rulebook scored on the same batch."""
        if kinds is not None and self.kind_mask(kinds).all():
            kinds = None  # every kind: one bincount of the keys, no kind read
        key = ("month_counts", None if kinds is None else tuple(sorted(kinds)))
        shared = self.b.keys.__dict__.setdefault("_month_counts", {})
        if key not in shared:
            size = self.b.n_reps * self.b.n_units * 12
            if kinds is None and "by_kind" not in shared:
                counts = np.bincount(self.b.keys.counted_key, minlength=size + 1)
            else:  # every kind's row, when they are there already: a few additions instead of a bincount
                by_kind = self._counts_by_kind(shared, size + 1)
                rows = np.flatnonzero(self.kind_mask(ITEM_KINDS if kinds is None else kinds))
                if len(rows) == 0:
                    counts = np.zeros(size + 1, dtype=by_kind.dtype)
                elif len(rows) == 1:
                    counts = by_kind[rows[0]]  # a view: kept read-only below
                else:
                    counts = np.add(by_kind[rows[0]], by_kind[rows[1]])
                    for k in rows[2:]:
                        counts += by_kind[k]
            counts = counts[:size].reshape(self.b.n_reps, self.b.n_units, 12)
            counts.setflags(write=False)  # shared: no rule may change it in place
            shared[key] = counts
        return shared[key]

    def _counts_by_kind(self, shared: dict, n: int) -> np.ndarray:
        """(kinds, n) counts of counted items by kind and unit-month key
        (``n``: the keys, one past the last included), one bincount."""
        if "by_kind" not in shared:
            key = np.multiply(self.b.item_kind, n, dtype=np.int64)
            key += self.b.keys.counted_key
            shared["by_kind"] = np.bincount(key, minlength=len(ITEM_KINDS) * n).reshape(len(ITEM_KINDS), n)
        return shared["by_kind"]

    def credit(self, component: str, rules: Sequence[str], source: str, amounts: np.ndarray,
               keep: np.ndarray | Callable[[], np.ndarray], basis: np.ndarray | None = None,
               note: str = "") -> Points | Credits:
        """What a rule over adoptions or instructions credits: ``amounts`` for
        each row (0 where it credits nothing), ``keep`` the rows credited in
        the year (or a function giving them). Scoring sums the amounts into
        their (replicate, unit, quarter) slots; trace mode lists the rows of
        ``keep`` for explanations."""
        keys = self.b.keys
        if not self.trace:
            return Credits(component, tuple(rules), source, amounts, keys.slots(source, self.quarter_of_month), note)
        cell, month = (keys.ad_cell, keys.ad_month) if source == "adoption" else (keys.ins_cell, keys.ins_month)
        rows = np.flatnonzero(keep() if callable(keep) else keep)
        return make_points(component, rules, source, rows, cell[rows], self.quarter_of_month[month[rows]],
                           amounts[rows], self.b.n_units, None if basis is None else basis[rows], note)

    def quarter_counts(self, kinds: Sequence[str] | None = None) -> np.ndarray:
        """(R, U, 4) counts of counted items by quarter."""
        months = self.month_counts(kinds)
        q = self.b.calendar.quarter_of_month
        return np.stack([months[:, :, q == i].sum(axis=2) for i in range(4)], axis=2)

    # ---- events -----------------------------------------------------------
    def event_counts(self, kind_code: int, quarterly: bool = False) -> np.ndarray:
        """(R, U) or (R, U, 4) number of events of a kind in the year (``count`` summed)."""
        b = self.b
        month = b.ev_month
        rows = np.flatnonzero((b.ev_kind == kind_code) & b.in_year(month))  # (faster than indexing by the mask)
        ru = b.keys.ev_cell[rows]
        if not quarterly:
            return np.bincount(ru, weights=b.ev_count[rows], minlength=b.n_reps * b.n_units).reshape(b.n_reps, b.n_units)
        idx = ru * 4 + b.quarter(month[rows])
        return np.bincount(idx, weights=b.ev_count[rows], minlength=b.n_reps * b.n_units * 4).reshape(
            b.n_reps, b.n_units, 4
        )

    # ---- per-unit facts the steps read ---------------------------------------
    # Steps (normalisation, ranks, vetoes, awards) see the histories only
    # through these (R, U, …) arrays, so a world assembled from several
    # batches can supply them by gathering (see simsuite.response.worlds).

    def direct_reports_met(self, monthly_pair: int, monthly_count: int, quarterly_pair: int,
                           quarterly_count: int) -> np.ndarray:
        """(R, U, 4) whether every month of the quarter has ≥ ``monthly_count``
        counted items sent to ``monthly_pair`` and the quarter ≥
        ``quarterly_count`` sent to ``quarterly_pair`` (outlet-section codes)."""
        b = self.b
        R, U = b.n_reps, b.n_units
        targets = tuple(dict.fromkeys((monthly_pair, quarterly_pair)))
        # the counts depend on the histories and the outlets alone: kept with the batch's keys, like month counts
        shared = b.keys.__dict__.setdefault("_sent_counts", {})
        if (targets, len(self.pairs)) not in shared:
            cells = R * U * 12 + 1  # the last: items not counted
            # one entry per (item, outlet sent to): one bincount by target, unit and month, its key made in
            # place; the target's number from comparisons (faster than a gather from a table by pair code):
            # 0 for the first target, 1 for the second, one past the last for any other pair
            off_first = b.sent_pair != targets[0]
            key = off_first.astype(np.int64)
            if len(targets) == 2:
                key += off_first & (b.sent_pair != targets[1])
            key *= cells
            key += b.keys.sent_key
            counts = np.bincount(key, minlength=(len(targets) + 1) * cells)
            counts = counts.reshape(len(targets) + 1, cells)[: len(targets), :-1].reshape(len(targets), R, U, 12)
            counts.setflags(write=False)
            shared[targets, len(self.pairs)] = counts
        counts = shared[targets, len(self.pairs)]
        monthly = counts[0] >= monthly_count
        quarterly = counts[-1]
        qm = self.quarter_of_month
        if (qm == QUARTERS_OF_MONTHS).all():  # three months to a quarter, in order: three strided passes each
            m, q = monthly.reshape(R, U, 4, 3), quarterly.reshape(R, U, 4, 3)
            every_month = m[..., 0] & m[..., 1] & m[..., 2]
            return every_month & (q[..., 0] + q[..., 1] + q[..., 2] >= quarterly_count)
        return np.stack([monthly[:, :, qm == i].all(axis=2) & (quarterly[:, :, qm == i].sum(axis=2) >= quarterly_count)
                         for i in range(4)], axis=2)

    def adopted_in_year(self) -> np.ndarray:
        """(R, U) whether any of a unit's in-scope items has an adoption dated in the year."""
        b = self.b
        keep = b.in_year(b.ad_month) & b.keys.ad_in_scope
        adopted = np.zeros(b.n_reps * b.n_units, bool)
        adopted[b.keys.ad_cell[keep]] = True
        return adopted.reshape(b.n_reps, b.n_units)

    def instructed(self, levels: tuple[int, ...], exclude_kinds: tuple[str, ...]) -> np.ndarray:
        """(R, U) whether a unit leads an in-scope item, not of ``exclude_kinds``,
        with an instruction of one of ``levels`` dated in the year."""
        b = self.b
        out = np.zeros((b.n_reps, b.n_units), bool)
        item = b.ins_item
        ok = (np.isin(b.ins_level, list(levels)) & b.in_year(b.ins_month) & b.item_in_scope[item]
              & ~self.of_kinds(b.item_kind[item], exclude_kinds))
        out[b.item_rep[item[ok]], b.item_unit[item[ok]]] = True
        return out

    # ---- outlets ----------------------------------------------------------
    def pair_values(self, prefix: str, default: float = 0.0) -> np.ndarray:
        """A table outlet → section → value, as one value per pair code."""
        table = self.p.table(prefix)
        return np.array([float(table.get(o, {}).get(s, default)) for o, s in self.pairs])

    def pair_code(self, outlet: str, section: str) -> int:
        return self.pairs.index((outlet, section))

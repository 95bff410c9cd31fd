"""A rulebook: its parameter file, the rule components it composes, and variants.

A rulebook is data: its file holds every number with its citation and names
the rule components (point rules, then the steps that turn points into the
final score, rank and award) in order. The engine runs whatever components
it is given; which exist, what they read and how a file is checked against
them is the composition layer's (:mod:`simsuite.rulebooks.compose`), which
it hands in as ``composer``. A variant keeps a reference to its baseline and
the changes, never a copy of the file.
"""

from __future__ import annotations

import re

import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..ledger import Vocabulary
from ..params import Parameters, RulebookFile, suggest
from .calendar import Calendar


class VariantError(ValueError):
    """A variant names a parameter the rulebook does not have, or a value it cannot take."""


class RedundantChange(UserWarning):
    """A variant sets a parameter to the value it already has (usually a mistake)."""


@dataclass(frozen=True)
class Rulebook:
    file: RulebookFile
    point_rules: tuple[Callable, ...]
    steps: tuple[Callable, ...]
    parameters: Parameters
    title: str = ""
    description: str = ""
    baseline: "Rulebook | None" = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    composer: Callable | None = field(default=None, compare=False, repr=False)  # makes variants
    added: tuple[str, ...] = ()  # components a variant added
    removed: tuple[str, ...] = ()  # and removed

    @property
    def component_names(self) -> tuple[str, ...]:
        """The rule components, in scoring order."""
        return tuple(getattr(c, "name", getattr(c, "__name__", "")) for c in self.point_rules + self.steps)

    def all_components(self) -> tuple[list[str], list[str]]:
        """Components added and removed from the base rulebook, through stacked variants."""
        base = set(self.root.component_names)
        now = self.component_names
        return [c for c in now if c not in base], [c for c in self.root.component_names if c not in now]

    # ---- identity -----------------------------------------------------------
    @property
    def id(self) -> str:
        return self.file.meta["id"]

    @property
    def name(self) -> str:
        return self.title or self.file.meta["title"]

    @property
    def summary(self) -> str:
        return self.file.meta["summary"]

    @property
    def lineage(self) -> list[str]:
        """Titles from the baseline rulebook to this variant."""
        chain, rb = [], self
        while rb is not None:
            chain.append(rb.name)
            rb = rb.baseline
        return chain[::-1]

    def own_year(self) -> int:
        """The assessment year the rulebook was written for: ``year`` in its
        ``[rulebook]`` table, else the year its id ends with
        (``ningxia-transport-2021``); used where no year is given."""
        if "year" in self.file.meta:
            return int(self.file.meta["year"])
        found = re.search(r"(\d{4})$", self.id)
        if not found:
            raise ValueError(f"{self.id}: no year in the rulebook; pass year=")
        return int(found.group(1))

    @property
    def root(self) -> "Rulebook":
        """The built-in rulebook this variant (or stack of variants) starts from."""
        rb = self
        while rb.baseline is not None:
            rb = rb.baseline
        return rb

    def __repr__(self) -> str:
        extra = f", {len(self.all_changes())} change(s) from {self.id}" if self.baseline is not None else ""
        return f"<Rulebook {self.name!r}{extra}>"

    # ---- vocabularies ---------------------------------------------------------
    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.file.groups)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((o.id, s) for o in self.file.outlets.values() for s in o.sections)

    @property
    def checklist_lines(self) -> tuple[str, ...]:
        return tuple(self.file.checklist)

    @property
    def vocabulary(self) -> Vocabulary:
        f = self.file
        return Vocabulary(
            rulebook_id=self.id,
            groups={g.id: g.name for g in f.groups.values()},
            outlets={o.id: dict(o.sections) for o in f.outlets.values()},
            outlet_names={o.id: o.name for o in f.outlets.values()},
            checklist_items=tuple(f.checklist),
        )

    def calendar(self, year: int) -> Calendar:
        first = int(self.parameters["calendar.first_month"])
        return Calendar(
            year=int(year),
            first_month=first,
            starts_previous_year=first != 1,
            quarter_starts=tuple(int(x) for x in self.parameters["calendar.quarter_starts"]),
        )

    def outlets(self) -> pd.DataFrame:
        """The outlet catalogue: id, name, level, section, section name, points, citation."""
        p = self.parameters
        rows = []
        for o in self.file.outlets.values():
            for s, zh in o.sections.items():
                path = f"adoption.points.{o.id}.{s}"
                rows.append({"outlet": o.id, "name": o.name, "level": o.level, "section": s,
                             "section_name": zh, "points": p[path], "cite": p.param(path).cite or o.cite})
        return pd.DataFrame(rows)

    # ---- variants -------------------------------------------------------------
    def vary(self, changes: Mapping[str, Any] | None = None, title: str | None = None,
             description: str = "", add: Sequence[str] = (), remove: Sequence[str] = ()) -> "Rulebook":
        """A variant: this rulebook with the components ``remove`` names taken
        out, those ``add`` names put in (with their documented defaults), and
        ``changes`` (dotted paths, or nested tables of them) applied. Unknown
        paths and values out of range raise :class:`VariantError` naming each;
        a change to the current value is reported with a
        :class:`RedundantChange` warning and kept in ``notes``.
        """
        if isinstance(add, str) or isinstance(remove, str):
            raise VariantError("add= and remove= take lists of component names")
        if self.composer is not None:
            return self.composer(self, changes, title=title, description=description, add=add, remove=remove)
        if add or remove:
            raise VariantError(f"{self.name!r} was built without a component catalogue: cannot add or remove components")
        flat = flatten_changes(self.parameters, dict(changes or {}))
        problems, notes, checked = [], [], {}
        for path, value in flat.items():
            if path not in self.parameters:
                problems.append(f"no parameter {path!r}{suggest(path, list(self.parameters.leaves))}")
                continue
            param = self.parameters.param(path)
            try:
                checked[path] = param.check(value)
            except ValueError as exc:
                allowed = _allowed(param)
                problems.append(f"{exc}{allowed}")
                continue
            if checked[path] == param.value:
                notes.append(f"{path} is already {param.value!r} in {self.name!r}: this change does nothing")
        problems += _check_merge(self, checked)
        if problems:
            raise VariantError(f"variant of {self.name!r}:\n  " + "\n  ".join(problems))
        for note in notes:
            warnings.warn(note, RedundantChange, stacklevel=2)
        return Rulebook(
            file=self.file, point_rules=self.point_rules, steps=self.steps,
            parameters=self.parameters.updated(checked),
            title=title or f"{self.name} (variant)", description=description,
            baseline=self, changes=checked, notes=tuple(notes),
        )

    def all_changes(self) -> dict[str, Any]:
        """Every change from the base rulebook, through stacked variants."""
        out: dict[str, Any] = {}
        chain, rb = [], self
        while rb is not None and rb.baseline is not None:
            chain.append(rb)
            rb = rb.baseline
        for v in reversed(chain):
            out.update(v.changes)
        base = rb.parameters if rb is not None else self.parameters
        return {k: v for k, v in out.items() if k not in base or base[k] != v}

    def diff(self, other: "Rulebook | None" = None) -> pd.DataFrame:
        """Parameters whose values differ between this rulebook and ``other``
        (its baseline when omitted)."""
        other = other if other is not None else (self.baseline or self)
        rows = []
        for path, p in self.parameters.leaves.items():
            theirs = other.parameters[path] if path in other.parameters else None
            if theirs != p.value:
                rows.append({"path": path, other.name: theirs, self.name: p.value, "cite": p.cite})
        return pd.DataFrame(rows)

    # ---- scoring --------------------------------------------------------------
    def score(self, history, year: int | None = None):
        """Score a history (or a list of replicate histories) for one year."""
        from .score import score_histories

        return score_histories(self, history, year)

    def describe(self) -> str:
        return f"{self.id}: {self.file.meta['name']} — {self.summary}"


def flatten_changes(params: Parameters, changes: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables of changes as dotted paths; a parameter whose value is a
    table itself (a mapping) is a leaf."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        path = f"{prefix}{key}"
        if path in params or not isinstance(value, Mapping):
            out[path] = value
        else:
            out.update(flatten_changes(params, value, path + "."))
    return out


def _allowed(param) -> str:
    if param.choices is not None:
        return ""
    if param.min is not None or param.max is not None:
        return f" (allowed: {param.type} in [{'' if param.min is None else param.min}, {'' if param.max is None else param.max}])"
    return f" (allowed: {param.type})"


def _check_merge(rb: Rulebook, checked: Mapping[str, Any]) -> list[str]:
    """``grouping.merge`` maps groups to groups of this rulebook, one step deep."""
    merge = checked.get("grouping.merge")
    if merge is None:
        return []
    problems = []
    for src, dst in merge.items():
        if src not in rb.groups:
            problems.append(f"grouping.merge: no group {src!r} (groups: {list(rb.groups)}){suggest(src, rb.groups)}")
        if dst in merge and merge[dst] != dst:
            problems.append(f"grouping.merge: {src!r} → {dst!r}, but {dst!r} is itself merged into {merge[dst]!r}")
    return problems


def infer_year(rulebook: Rulebook, dates: Sequence) -> int:
    """The assessment year most of a history's items fall in."""
    dates = pd.to_datetime(pd.Series(list(dates)))
    if dates.empty:
        raise ValueError("cannot infer the assessment year of a history with no items: pass year=")
    first = int(rulebook.parameters["calendar.first_month"])
    years = dates.dt.year + np.where((first != 1) & (dates.dt.month >= first), 1, 0)
    counts = Counter(years.tolist())
    return int(max(counts, key=lambda y: (counts[y], y)))  # a tie goes to the later year

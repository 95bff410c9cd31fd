"""The catalogue of rule components: each rule function, registered once with
everything the rest of the package needs to know about it.

A component is a rule function plus its name (the word a rulebook file lists
under ``components``), the parameters it reads (type, range, unit, default,
description and the citation of the default), its phase in the scoring
pipeline, the score-table columns it credits and where they come from, its
line in the side-by-side feature table, and how an explanation narrows a
table parameter to the one cell that decided a row. Rulebook files, the
feature table, explanations, panels and charts all read this catalogue; no
other module lists rules.

Kinds of component, run in the order a rulebook lists them:

- ``points``: ``f(ctx) -> records`` credits points;
- ``records``: ``f(ctx, records) -> records`` reworks what the point rules
  credited (a yearly cap, co-submitters' shares);
- ``step``: ``f(ctx, outcome)`` turns points into the final score, rank and award.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

#: phases of the pipeline: a rulebook's components must be listed in this
#: order, and a component a variant adds goes after the last of its phase
PHASES = {
    "points": 10,  # credit points
    "records": 20,  # rework credited points (caps)
    "share": 30,  # co-submitters' shares
    "quarters": 40,  # quarter points → quarter scores (normalisation, rank points)
    "combine": 50,  # quarter scores → the year's final
    "year": 55,  # the year's final reworked (normalised to the first)
    "veto": 60,  # year vetoes
    "rank": 70,
    "award": 80,
}

#: where each score-table column comes from, for panels and charts
SOURCES = {
    "volume": ("数量", "volume", "the amount of work: items, monthly quotas, zero months, checklist lines"),
    "adoption": ("采用", "adoption", "its quality: adoptions and their bonuses"),
    "instruction": ("批示", "instruction", "leaders' instructions on items"),
    "conduct": ("奖惩", "conduct", "penalties and rewards for events"),
}

#: vocabularies a parameter's choices or table keys may name; resolved per rulebook
VOCABULARIES = ("groups", "lines", "outlets", "pairs", "item_kinds", "event_kinds", "levels", "instruction_kinds",
                "checklist_rules", "records", "awards")

REQUIRED = object()


@dataclass(frozen=True)
class Spec:
    """A parameter a component reads.

    ``path`` is a dotted path; with ``keys`` it is a table whose first key
    below ``path`` is from that vocabulary (``quota.items.<group>``), and
    ``below`` names the vocabularies of the keys under that one (``sections``:
    the sections of the outlet named just above). ``depths`` are the numbers
    of keys a leaf may have below ``path`` (default: every level). A key
    outside its vocabulary, or a leaf too deep or too shallow, is an error
    when the rulebook or variant is read, not when it is scored. ``default`` is :data:`REQUIRED` when the
    rulebook must say; ``when`` = (path, value) reads the parameter only
    while another has that value."""

    path: str
    type: str
    zh: str
    en: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | str | None = None  # a tuple, or the name of a vocabulary
    default: Any = REQUIRED
    cite: str = ""  # the citation of the default
    keys: str | None = None  # a table keyed by this vocabulary
    below: tuple[str, ...] = ()  # the vocabularies of the keys under the first
    depths: tuple[int, ...] | None = None  # keys a leaf may have below ``path``; None: 1 + len(below)
    when: tuple[str, Any] | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def covers(self, path: str) -> bool:
        """Whether a parameter (or a table of them) at ``path`` is this one or under it."""
        return path == self.path or path.startswith(self.path + ".")


@dataclass(frozen=True)
class Component:
    name: str
    kind: str  # points | records | step
    phase: str
    func: Callable
    params: tuple[Spec, ...]
    zh: str
    en: str
    doc: str
    credits: Mapping[str, str] = field(default_factory=dict)  # score-table column → source
    feature: Callable | None = None  # (rulebook) -> {feature row: text}
    narrow: Callable | None = None  # (rules, source, n, batch, rulebook, unit) -> {table path: cell path}

    def __call__(self, *args):
        return self.func(*args)

    @property
    def __name__(self) -> str:  # what code that named rule functions reads
        return self.name

    def reads(self, path: str) -> Spec | None:
        return next((s for s in self.params if s.covers(path)), None)


CATALOGUE: dict[str, Component] = {}


def component(name: str, *, kind: str = "points", phase: str | None = None, params=(), zh: str, en: str,
              credits: Mapping[str, str] | None = None, feature: Callable | None = None,
              narrow: Callable | None = None):
    """Register the decorated rule function as component ``name``."""

    def register(func: Callable) -> Callable:
        if name in CATALOGUE and CATALOGUE[name].func is not func:
            raise ValueError(f"two rule components are named {name!r}")
        CATALOGUE[name] = Component(name, kind, phase or kind, func, tuple(params), zh, en,
                                    _first_paragraph(func.__doc__), dict(credits or {}), feature, narrow)
        return func

    if kind not in ("points", "records", "step") or (phase or kind) not in PHASES:
        raise ValueError(f"component {name!r}: kind {kind!r} / phase {phase!r}")
    return register


def _first_paragraph(doc: str | None) -> str:
    text = (doc or "").strip().split("\n\n")[0]
    return " ".join(text.split())


def catalogue() -> dict[str, Component]:
    """Every rule component, found by importing each module of this package."""
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{__package__}.{info.name}")
    return dict(CATALOGUE)


def source_of_column() -> dict[str, str]:
    """Score-table column (``items``, ``adoption`` …) → its source (``volume`` …)."""
    out: dict[str, str] = {}
    for c in catalogue().values():
        out.update(c.credits)
    return out


def source_labels() -> dict[str, str]:
    """``from_<source>`` → its bilingual chart label."""
    return {f"from_{s}": f"{zh} {en}" for s, (zh, en, _) in SOURCES.items()}


# ---- parameters every rulebook has (read by the calendar and the ranking) ----
BASE = (
    Spec("calendar.first_month", "integer", "考核年度起始月份", "first month of the assessment year", "month", 1, 12,
         default=1, cite="decision C-1"),
    Spec("calendar.quarter_starts", "list", "各季度起始月(距年度起点)",
         "quarter starts, in months from the start of the year", "months from the year start", 0, 11,
         default=(0.0, 3.0, 6.0, 9.0), cite="decision C-1"),
    Spec("grouping.merge", "mapping", "合并考核组(组 → 并入的组)",
         "groups pooled into another group for ranking (group → group it joins)", choices="groups",
         default={}, cite="default: no pooling"),
)

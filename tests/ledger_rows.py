"""Ledger rows and scoring shortcuts shared by the hand-computed rulebook tests.

Each row builder returns one dict with the ledger's columns (docs/ledger-format.md), in
the order a ledger sheet lists them; optional columns are left out unless
given. ``score`` turns such rows into a history and scores it.
"""

from __future__ import annotations

from datetime import date as _date, timedelta

import simsuite
from simsuite.ledger import history_from_records
from simsuite.rulebooks import available as _available
from simsuite.rulebooks import load as _load

# the year each rulebook's tests and example ledger are scored for:
# every rulebook found in the rulebooks folder, at its own year: a new
# rulebook cannot skip the tests that must hold for all of them
YEARS = {rid: _load(rid).own_year() for rid in _available()}

ALL_MONTHS = tuple(range(1, 13))


# --------------------------------------------------------------------------
# one row of a sheet


def unit(uid: str, group: str, prefix: str = "单位") -> dict:
    """A units row named ``prefix + uid``."""
    return {"unit_id": uid, "name": f"{prefix}{uid}", "group": group}


def item(item_id: str, unit_id: str, date: str, kind: str = "dynamic", **extra) -> dict:
    """An items row; ``extra`` adds optional columns (co_units, in_scope, quality, sent_to)."""
    row = {"item_id": item_id, "unit_id": unit_id, "date": date, "kind": kind}
    row.update(extra)
    return row


def adoption(item_id: str, outlet: str, section: str = "item", date: str | None = None) -> dict:
    """An adoptions row; without ``date`` it is dated on the item's date."""
    row = {"item_id": item_id, "outlet": outlet, "section": section}
    if date is not None:
        row["date"] = date
    return row


def instruction(item_id: str, level: str, kind: str = "affirm", date: str | None = None) -> dict:
    """An instructions row; without ``date`` it is dated on the item's date."""
    row = {"item_id": item_id, "level": level, "kind": kind}
    if date is not None:
        row["date"] = date
    return row


def event(unit_id: str, date: str, kind: str, count: int | None = None) -> dict:
    """A unit_events row; ``count`` only when given."""
    row = {"unit_id": unit_id, "date": date, "kind": kind}
    if count is not None:
        row["count"] = count
    return row


def check(unit_id: str, line: str, met: bool) -> dict:
    """A checklist row: ``line`` (e.g. ``basic-4``) met or not."""
    return {"unit_id": unit_id, "item": line, "met": met}


# --------------------------------------------------------------------------
# many rows


def spread(uid: str, n: int, *, start: _date, days: int, kind: str = "dynamic",
           prefix: str | None = None) -> list[dict]:
    """n items of one unit spread over [start, start + days), ids ``prefix0``, ``prefix1``, …

    The default prefix is ``uid + "-n"``.
    """
    prefix = prefix or f"{uid}-n"
    return [
        item(f"{prefix}{i}", uid, (start + timedelta(days=i * days // n)).isoformat(), kind)
        for i in range(n)
    ]


def filler(unit_id: str, months=ALL_MONTHS, *, year: int, kind: str = "dynamic") -> list[dict]:
    """One ``kind`` item of the unit on the 15th of each month given."""
    return [item(f"{unit_id}-fill-{m:02d}", unit_id, f"{year}-{m:02d}-15", kind) for m in months]


# --------------------------------------------------------------------------
# scoring


def score(rulebook: str, units, items=(), adoptions=(), instructions=(), unit_events=(),
          checklist=(), *, year: int, variant=None):
    """Score the rows for ``year``; the result table indexed by unit_id."""
    h = history_from_records(
        units=list(units),
        items=list(items),
        adoptions=list(adoptions),
        instructions=list(instructions),
        unit_events=list(unit_events),
        checklist=list(checklist),
    )
    kwargs = {"year": year}
    if variant:
        kwargs["variant"] = variant
    return simsuite.score(rulebook, h, **kwargs).table.set_index("unit_id")


def quarters(t, unit_id: str) -> list[float]:
    """The unit's points_q1 … points_q4 in a scored table."""
    return [float(t.loc[unit_id, f"points_q{q}"]) for q in (1, 2, 3, 4)]

"""Random but valid histories for any rulebook, for property tests.

Built from a seed with numpy so a failing example is reproducible from the
seed hypothesis prints.
"""

from __future__ import annotations

import numpy as np

import simsuite
from simsuite.ledger import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS, history_from_records

from ledger_rows import YEARS  # noqa: E402  (every rulebook found, at its own year)


def random_records(rulebook_id: str, seed: int, n_units: int = 7, n_items: int = 60) -> dict:
    rb = simsuite.rulebook(rulebook_id)
    rng = np.random.default_rng(seed)
    cal = rb.calendar(YEARS[rulebook_id])
    start = np.datetime64(cal.start) - np.timedelta64(20, "D")  # a few rows fall before the year
    span = cal.days + 40  # and a few after it
    groups = list(rb.groups)
    units = [{"unit_id": f"{u:03d}", "name": f"单位{u}", "group": groups[u % len(groups)]} for u in range(1, n_units + 1)]
    ids = [u["unit_id"] for u in units]

    def day():
        return str(start + np.timedelta64(int(rng.integers(span)), "D"))

    pairs = [f"{o}:{s}" for o, s in rb.pairs]
    items = []
    for n in range(n_items):
        lead = ids[int(rng.integers(n_units))]
        others = [u for u in ids if u != lead]
        co = list(rng.choice(others, size=int(rng.integers(0, 3)), replace=False)) if rng.random() < 0.2 else []
        items.append({
            "item_id": f"i{n:03d}", "unit_id": lead, "date": day(),
            "kind": ITEM_KINDS[int(rng.integers(len(ITEM_KINDS)))], "co_units": co,
            "quality": float(rng.integers(0, 11)), "in_scope": bool(rng.random() > 0.1),
            "sent_to": list(rng.choice(pairs, size=int(rng.integers(0, 3)), replace=False)),
        })
    adoptions = []
    for it in items:
        for _ in range(int(rng.integers(0, 3))):
            o, s = rb.pairs[int(rng.integers(len(rb.pairs)))]
            d = np.datetime64(it["date"]) + np.timedelta64(int(rng.integers(0, 60)), "D")
            adoption = {"item_id": it["item_id"], "outlet": o, "section": s, "date": str(d)}
            if adoption not in adoptions[-2:]:  # a repeated adoption row is an error in a ledger
                adoptions.append(adoption)
    instructions = [
        {"item_id": it["item_id"], "level": INSTRUCTION_LEVELS[int(rng.integers(6))],
         "kind": INSTRUCTION_KINDS[int(rng.integers(4))],
         "date": str(np.datetime64(it["date"]) + np.timedelta64(int(rng.integers(0, 40)), "D"))}
        for it in items if rng.random() < 0.15
    ]
    events = [
        {"unit_id": ids[int(rng.integers(n_units))], "date": day(),
         "kind": EVENT_KINDS[int(rng.integers(len(EVENT_KINDS)))], "count": int(rng.integers(1, 3))}
        for _ in range(int(rng.integers(0, 8)))
    ]
    checklist = [
        {"unit_id": ids[int(rng.integers(n_units))], "item": line, "met": bool(rng.random() < 0.5)}
        for line in rb.checklist_lines if rng.random() < 0.4
    ]
    return dict(units=units, items=items, adoptions=adoptions, instructions=instructions,
                unit_events=events, checklist=checklist)


def random_history(rulebook_id: str, seed: int, **kw):
    return history_from_records(**random_records(rulebook_id, seed, **kw))

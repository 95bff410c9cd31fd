"""Points for leaders' instructions (批示) on an item."""

from __future__ import annotations

import numpy as np

from ..engine.batch import INSTRUCTION_KIND, LEVEL, expand_csr, slots_of
from ..engine.context import Context
from ..engine.points import Credits, Points, make_points
from ..ledger import INSTRUCTION_KINDS, INSTRUCTION_LEVELS
from .adoptions import scores_nothing
from .crediting import credit_rises


def instruction_table(ctx: Context) -> np.ndarray:
    """``instruction.points`` as a (level, kind) array.

    A level's entry is either one number for every kind (``national = 20``)
    or a table by kind; levels and kinds the table leaves out score 0.
    """
    table = ctx.p.table("instruction.points")
    out = np.zeros((len(INSTRUCTION_LEVELS), len(INSTRUCTION_KINDS)))
    for level, entry in table.items():
        if isinstance(entry, dict):
            for kind, v in entry.items():
                out[LEVEL[level], INSTRUCTION_KIND[kind]] = v
        else:
            out[LEVEL[level], :] = entry
    return out


def instruction_points(ctx: Context) -> list:
    """Each instruction scores its level-and-kind points to the item's lead
    unit in the period of its own date.

    ``instruction.combine``: ``sum`` (C-4: each instruction scores) or
    ``highest`` (only the item's highest, credited as it rises, C-8).
    """
    b, p = ctx.b, ctx.p
    values = instruction_table(ctx)[b.ins_level, b.ins_kind]
    scores = ctx.item_scores("instruction")
    basis = values * scores
    highest = p["instruction.combine"] == "highest"
    credit = credit_rises(b.keys.ins_runs, basis) if highest else basis
    month = b.ins_month
    rules = ["instruction.points", "instruction.combine"]
    out = [ctx.credit("instruction", rules, "instruction", credit, b.in_year(month) & scores, basis,
                      note="highest so far: credited the rise" if highest else "")]
    if ctx.trace:
        out += scores_nothing(ctx, "instruction", b.in_year(month) & ~scores)
    return out


def share_with_co_units(ctx: Context, records: list[Points]) -> list[Points]:
    """Co-submission: each of an item's ``co_units`` gets ``co_submission.share``
    of what the lead unit was credited for the item's adoptions (and, where
    ``co_submission.covers_instructions``, instructions), on the same dates.

    RULES.md C-3 (share 0: co-units get nothing) unless a rulebook says more.
    """
    b, p = ctx.b, ctx.p
    share = float(p["co_submission.share"])
    if share == 0 or len(b.co_unit) == 0:
        return []
    sources = {"adoption"}
    if p["co_submission.covers_instructions"]:
        sources.add("instruction")
    item_of = {"adoption": b.ad_item, "instruction": b.ins_item}
    co_rows = {"adoption": b.keys.ad_co, "instruction": b.keys.ins_co}
    rules = ("co_submission.share", "co_submission.covers_instructions")
    note = f"co-submitted item: {share:g} of the lead unit's credit"
    out = []
    for rec in records:
        if rec.source not in sources:
            continue
        if isinstance(rec, Credits):  # summed: the co-units of each row were worked out with the batch
            rows, cell = co_rows[rec.source]
            month = (b.keys.ad_month if rec.source == "adoption" else b.keys.ins_month)[rows]
            slot = slots_of(cell, month, ctx.quarter_of_month, b.n_reps * b.n_units)
            out.append(Credits(rec.component, rec.rules + rules, rec.source, rec.amounts[rows] * share, slot, note))
            continue
        items = item_of[rec.source][rec.index]
        shared = np.flatnonzero(b.keys.item_has_co[items])  # few items are co-submitted
        which, pos = expand_csr(b.co_ptr, items[shared])
        if len(which) == 0:
            continue
        row = rec.select(shared[which])
        out.append(make_points(rec.component, rec.rules + rules, rec.source, row.index,
                               row.rep * b.n_units + b.co_unit[pos], row.period, row.points * share, b.n_units,
                               None if row.basis is None else row.basis * share, note=note))
    return out


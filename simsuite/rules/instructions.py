"""Points for leaders' instructions (批示) on an item."""

from __future__ import annotations

import numpy as np

from ..engine.batch import INSTRUCTION_KIND, LEVEL, expand_csr
from ..engine.context import Context
from ..engine.points import Credits, Points, make_points
from ..ledger import INSTRUCTION_KINDS, INSTRUCTION_LEVELS
from .adoptions import scored_in_year, scores_nothing
from .adoptions import UNSCORED
from .crediting import credit_rises
from .registry import Spec, component


def _instruction_feature(rb) -> dict:
    highest = rb.parameters["instruction.combine"] == "highest"
    return {"instruction combination": "highest only, credited as it rises" if highest
            else "each instruction scores (sum)"}


def _instruction_cell(rules, source, n, b, rulebook, u) -> dict:
    if source != "instruction":
        return {}
    p = rulebook.parameters
    path = f"instruction.points.{INSTRUCTION_LEVELS[b.ins_level[n]]}"
    kind = f"{path}.{INSTRUCTION_KINDS[b.ins_kind[n]]}"
    return {"instruction.points": kind if kind in p else path}


def _share_feature(rb) -> dict:
    p = rb.parameters
    share = p["co_submission.share"]
    covers = " and instruction" if p["co_submission.covers_instructions"] else ""
    return {"co-submission": "lead only (C-3)" if share == 0 else f"co-units get {share:g} of adoption{covers} points"}


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


@component("instruction_points", zh="领导批示计分", en="points for each leader's instruction on an item",
           credits={"instruction": "instruction"}, feature=_instruction_feature, narrow=_instruction_cell, params=(
    Spec("instruction.points", "number", "领导批示计分(按级别,或按级别和类型)",
         "points per leader's instruction, by level (one number) or by level and kind", "points an instruction",
         0, 1000, keys="levels", below=("instruction_kinds",), depths=(1, 2)),
    Spec("instruction.combine", "choice", "同一信息多次批示:累加或只记最高分",
         "several instructions on one item: each scores, or only the highest", choices=("sum", "highest"),
         default="sum", cite="decision C-4"),
    UNSCORED,
))
def instruction_points(ctx: Context) -> list:
    """Each instruction scores its level-and-kind points to the item's lead
    unit in the period of its own date.

    ``instruction.combine``: ``sum`` (C-4: each instruction scores) or
    ``highest`` (only the item's highest, credited as it rises, C-8).
    """
    b, p = ctx.b, ctx.p
    values = instruction_table(ctx)[b.ins_level, b.ins_kind]
    scores = ctx.item_scores("instruction")  # None: every instruction's item may score
    basis = values if scores is None else values * scores
    highest = p["instruction.combine"] == "highest"
    credit = credit_rises(b.keys.ins_runs, basis) if highest else basis
    month = b.ins_month
    rules = ["instruction.points", "instruction.combine"]
    out = [ctx.credit("instruction", rules, "instruction", credit, lambda: scored_in_year(b, month, scores), basis,
                      note="highest so far: credited the rise" if highest else "")]
    if ctx.trace and scores is not None:
        out += scores_nothing(ctx, "instruction", b.in_year(month) & ~scores)
    return out


@component("co_submission", kind="records", phase="share", zh="联合报送计分",
           en="co-submitting units get a share of the lead unit's adoption (and instruction) points",
           feature=_share_feature, params=(
    Spec("co_submission.share", "number", "联合报送单位计分比例", "share of an item's points each co-submitting unit gets",
         "share of the lead's points", 0, 1, default=0.0, cite="decision C-3"),
    Spec("co_submission.covers_instructions", "bool", "联合报送计分是否包括批示分",
         "co-submitters' share covers instruction points too", default=False, cite="decision C-3"),
))
def share_with_co_units(ctx: Context, records: list[Points]) -> list[Points]:
    """Co-submission: each of an item's ``co_units`` gets ``co_submission.share``
    of what the lead unit was credited for the item's adoptions (and, where
    ``co_submission.covers_instructions``, instructions), on the same dates.

    Decision C-3 (share 0: co-units get nothing) unless a rulebook says more.
    Returns every record: the point rules' and the co-units' shares.
    """
    b, p = ctx.b, ctx.p
    share = float(p["co_submission.share"])
    if share == 0 or len(b.co_unit) == 0:
        return list(records)
    sources = {"adoption"}
    if p["co_submission.covers_instructions"]:
        sources.add("instruction")
    item_of = {"adoption": b.ad_item, "instruction": b.ins_item}
    co_rows = {"adoption": lambda: b.keys.ad_co, "instruction": lambda: b.keys.ins_co}  # the sources shared only
    rules = ("co_submission.share", "co_submission.covers_instructions")
    note = f"co-submitted item: {share:g} of the lead unit's credit"
    out = []
    for rec in records:
        if rec.source not in sources:
            continue
        if isinstance(rec, Credits):  # summed: the co-units of each row were worked out with the batch
            rows, cell = co_rows[rec.source]()
            day = (b.ad_day if rec.source == "adoption" else b.ins_day)[rows]
            slot = b.keys.slots_of_days(cell, day, ctx.quarter_of_month)
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
    return list(records) + out


"""Scoring: histories in, score table and points ledger out."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from ..ledger import History, LedgerError, LedgerWarning, Problem, read_history
from .batch import Batch, compile_histories
from .context import Context
from .outcome import Outcome
from .points import Points, sum_last, totals
from .ranking import rank_min


def as_histories(rulebook, history) -> list[History]:
    """A path, a History or a sequence of replicate Histories, checked
    against the rulebook's vocabulary."""
    if isinstance(history, (str, Path)):
        histories = [read_history(history, rulebook.vocabulary)]
    elif isinstance(history, History):
        histories = [history]
    else:
        histories = list(history)
        if not histories or not all(isinstance(h, History) for h in histories):
            raise TypeError("history must be a path, a History or a non-empty list of Histories")
    for h in histories:
        h.validate(rulebook.vocabulary)
    return histories


def score_histories(rulebook, history, year: int | None = None):
    from .rulebook import infer_year

    histories = as_histories(rulebook, history)
    single = histories[0] if len(histories) == 1 else None
    if single is not None and not any(len(t) for name, t in single.tables().items() if name != "units"):
        warnings.warn(LedgerWarning(
            f"{single.source}: the ledger has units but no items, adoptions, instructions, events or checklist "
            "rows: every unit gets the points of an empty year"), stacklevel=2)
    if year is None:
        year = infer_year(rulebook, histories[0].items["date"])
    if single is not None and len(single.items):  # a checklist-only ledger has no items to place in a year
        check_year(rulebook, single, year)
    batch = compile_histories(histories, rulebook.calendar(year), rulebook.groups, rulebook.pairs,
                              rulebook.checklist_lines)
    return scores_of_batch(rulebook, batch)


#: what scoring returns: set by :mod:`simsuite.results` (the score table and
#: explanations live above the engine, which only computes)
PRESENT: list = []


def check_year(rulebook, history: History, year: int) -> None:
    """Refuse a year in which nothing of a ledger falls, naming the years its
    items cover; warn when the year holds fewer than half of its items.

    Only rows dated in the year score, so a wrong ``--year`` gives every unit
    the points of an empty year. Items of one year adopted early in the next
    are real, so adoptions, instructions or events in the year are enough to
    score it (with the warning).
    """
    cal = rulebook.calendar(year)

    def years(dates):
        return dates.dt.year + ((cal.first_month != 1) & (dates.dt.month >= cal.first_month)).astype(int)

    counts = years(history.items["date"]).value_counts().sort_index()
    n, inside = int(counts.sum()), int(counts.get(year, 0))
    covers = ", ".join(f"{y} ({k} item{'s' if k != 1 else ''})" for y, k in counts.items())
    period = f"{year} ({cal.describe()})"
    if inside == 0 and not any((years(t["date"]) == year).any()
                               for t in (history.adoptions, history.instructions, history.unit_events)):
        raise LedgerError(history.source, [Problem(
            history.source, "items", None, "date",
            f"none of the ledger's {n} items fall in the assessment year {period}, nor any adoption, instruction "
            f"or event; the ledger covers {covers}", "--year set to a year the ledger covers")])
    if inside * 2 < n:
        warnings.warn(LedgerWarning(
            f"{history.source}: only {inside} of the ledger's {n} items fall in the assessment year {period}; "
            f"the ledger covers {covers}; check --year"), stacklevel=3)


def scores_of_batch(rulebook, batch: Batch):
    """Score an already compiled batch (e.g. synthetic histories)."""
    records, outcome, ctx = score_batch(rulebook, batch)
    if not PRESENT:
        raise RuntimeError("import simsuite (or simsuite.results) to get score tables")
    return PRESENT[0](rulebook, ctx, records, outcome)


def score_batch(rulebook, batch: Batch, trace: bool = False, context: Context | None = None
                ) -> tuple[list[Points], Outcome, Context]:
    """Run a rulebook's components over a compiled batch: point rules credit
    records (``records`` components rework the list so far), then steps turn
    the totals into the final score, rank and award. Without a ranking step,
    units are ranked by final within their group (ties share the best rank).
    ``context``: a Context of the batch to use (e.g. one that keeps the facts
    the steps read)."""
    ctx = context or Context(batch, rulebook.parameters, rulebook.groups, rulebook.pairs, rulebook.checklist_lines,
                             trace)
    records: list[Points] = []
    for rule in rulebook.point_rules:
        if getattr(rule, "kind", "points") == "records":
            records = list(rule(ctx, records))
        else:
            records += rule(ctx)
    components = component_names(records)
    by_period, by_component = totals(records, batch.n_reps, batch.n_units, components)
    outcome = outcome_of_totals(by_period)
    outcome.columns.update({f"from_{c}": by_component[:, :, i] for i, c in enumerate(components)})
    return records, run_steps(rulebook, ctx, outcome), ctx


def outcome_of_totals(by_period: np.ndarray) -> Outcome:
    """The Outcome the steps start from: (R, U, 5) points by quarter and the year as a whole."""
    points = sum_last(by_period)
    return Outcome(points=points, quarters=by_period[:, :, :4], annual=by_period[:, :, 4], final=points.copy())


def run_steps(rulebook, ctx: Context, outcome: Outcome) -> Outcome:
    """The rulebook's steps over the totals: final, rank and award."""
    for step in rulebook.steps:
        step(ctx, outcome)
    if outcome.rank is None:
        outcome.rank = rank_min(outcome.final, ctx.scoring_group)
    if outcome.award is None:
        outcome.award = np.zeros(outcome.points.shape, dtype=np.int8)
    return outcome


def component_names(records: Sequence[Points]) -> list[str]:
    seen: list[str] = []
    for rec in records:
        if rec.component not in seen:
            seen.append(rec.component)
    return seen

"""Why a unit scored what it did: its points, rule by rule, and its standing."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.calendar import N_PERIODS
from ..engine.ranking import comparable

PERIOD_LABELS = {0: "Q1", 1: "Q2", 2: "Q3", 3: "Q4", 4: "year"}


@dataclass(repr=False)  # the repr is the text itself, never a cut-short DataFrame
class Explanation:
    unit_id: str
    name: str
    summary: str  # one paragraph: final, rank, award, who is just above and below
    points: pd.DataFrame  # one row per credited amount
    steps: pd.DataFrame  # how points became the final score

    def __str__(self) -> str:
        return self.to_text()

    __repr__ = __str__

    def to_text(self, width: int | None = None) -> str:
        """Plain text whose tables wrap to ``width`` screen columns (default:
        the terminal's; 0: one line per row, however long). Nothing is cut."""
        from .text import fit_table, terminal_width, wrap

        width = terminal_width() if width is None else width
        summary = "\n".join(wrap(self.summary, width)) if width else self.summary
        return "\n\n".join([
            summary,
            "Points:\n" + fit_table(self.points, width, wide=not width),
            "From points to the final score:\n" + fit_table(self.steps, width, wide=not width),
        ])

    def _repr_html_(self) -> str:
        """Every cell in full, wrapped by the browser: citations are never cut."""
        style = ("<style>.simsuite-explain td, .simsuite-explain th {white-space: normal; text-align: left;"
                 " vertical-align: top; max-width: 28em; overflow-wrap: anywhere}</style>")
        with pd.option_context("display.max_colwidth", None):
            return (f"{style}<div class='simsuite-explain'><p><b>{html.escape(str(self.unit_id))} "
                    f"{html.escape(str(self.name))}</b>: {html.escape(self.summary)}</p>"
                    + self.points.to_html(index=False) + "<p>From points to the final score:</p>"
                    + self.steps.to_html(index=False) + "</div>")


def explain_unit(scores, unit: str, replicate: int = 0) -> Explanation:
    from ..engine.score import score_batch

    b = scores.batch
    units = b.units
    match = np.flatnonzero((units["unit_id"] == unit).to_numpy() | (units["name"] == unit).to_numpy())
    if len(match) == 0:
        from ..params import suggest

        raise KeyError(f"no unit {unit!r}{suggest(unit, units['unit_id'].tolist() + units['name'].tolist())}")
    u = int(match[0])
    if not 0 <= replicate < b.n_reps:
        raise IndexError(f"replicate {replicate} not in 0..{b.n_reps - 1}")
    # re-score in trace mode: it also keeps what scored nothing, and why
    records, outcome, ctx = score_batch(scores.rulebook, b, trace=True)
    p = scores.rulebook.parameters
    rows = []
    for rec in (r.rows() for r in records):
        keep = rec.slot // N_PERIODS == replicate * b.n_units + u
        if not keep.any():
            continue
        sub = rec.select(keep)
        describe = _describer(b, rec.source, scores.rulebook)
        label = p.label(rec.rules[0]) if rec.rules else ""
        for i in range(len(sub.points)):
            rules = _specific(rec.rules, rec.source, int(sub.index[i]), b, scores.rulebook, u)
            rows.append({
                "period": PERIOD_LABELS[int(sub.period[i])],
                "component": rec.component,
                "points": float(sub.points[i]),
                "rule": label,
                "cite": p.cite(*rules),
                "source": describe(int(sub.index[i])),
                "note": rec.note,
            })
    points = pd.DataFrame(rows, columns=["period", "component", "points", "rule", "cite", "source", "note"])
    order = {v: k for k, v in PERIOD_LABELS.items()}
    points = points.sort_values("period", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    steps = _steps(outcome, p, replicate, u)
    summary = _standing(scores, outcome, ctx, replicate, u)
    return Explanation(units.at[u, "unit_id"], units.at[u, "name"], summary, points, steps)


def _describer(b, source: str, rulebook):
    """A function from a record's source index to a sentence naming the row."""
    hist = b.histories
    outlets = rulebook.file.outlets
    offsets = {}
    for sheet in ("items", "adoptions", "instructions", "unit_events"):
        sizes = [len(getattr(h, sheet)) for h in hist]
        offsets[sheet] = np.concatenate([[0], np.cumsum(sizes)])

    def locate(sheet: str, n: int):
        r = int(np.searchsorted(offsets[sheet], n, side="right") - 1)
        frame = getattr(hist[r], sheet)
        return frame.index[n - offsets[sheet][r]], frame.iloc[n - offsets[sheet][r]]

    def item_text(n: int) -> str:
        row_no, row = locate("items", n)
        return f"item {row['item_id']} ({row['kind']}, {row['date']:%Y-%m-%d}; items row {row_no})"

    def text(n: int) -> str:
        if source == "item":
            return item_text(n)
        if source == "adoption":
            row_no, row = locate("adoptions", n)
            o = outlets[row["outlet"]]
            return (f"item {row['item_id']} adopted by {o.name} {o.sections[row['section']]} "
                    f"({row['outlet']}:{row['section']}) on {row['date']:%Y-%m-%d}; adoptions row {row_no}")
        if source == "instruction":
            row_no, row = locate("instructions", n)
            return (f"{row['level']} leader's {row['kind']} instruction on item {row['item_id']} "
                    f"on {row['date']:%Y-%m-%d}; instructions row {row_no}")
        if source == "event":
            row_no, row = locate("unit_events", n)
            return f"{row['kind']} × {row['count']} on {row['date']:%Y-%m-%d}; unit_events row {row_no}"
        if source == "month":
            return f"month {b.calendar.month_label(n)}"
        if source == "checklist":
            line = rulebook.checklist_lines[n]
            return f"checklist line {line}: {rulebook.file.checklist[line].name}"
        return str(n)

    return text


def _specific(rules, source: str, n: int, b, rulebook, u: int) -> list[str]:
    """Narrow table paths to the one cell that decided this row, so the
    citation is that cell's own (e.g. one outlet's article): each component
    says how (:attr:`Component.narrow`); a cell that does not apply is left out."""
    p = rulebook.parameters
    cell: dict = {}
    for component in rulebook.point_rules + rulebook.steps:
        narrow = getattr(component, "narrow", None)
        if narrow is not None:
            cell.update(narrow(rules, source, n, b, rulebook, u))
    out = []
    for r in rules:
        c = cell.get(r, r)
        if c is not None:
            out.append(c if c in p else r)
    return out


def _steps(outcome, p, r: int, u: int) -> pd.DataFrame:
    rows = []
    for step in outcome.steps:
        values = {c: _plain(outcome.columns[c][r, u]) for c in step.columns}
        rows.append({
            "step": step.name,
            "values": ", ".join(f"{k} = {v}" for k, v in values.items()),
            "cite": p.cite(*[x for x in step.rules if p.has(x)]),
        })
    rows.append({"step": "final score", "values": f"final = {_plain(outcome.final[r, u])}", "cite": ""})
    return pd.DataFrame(rows, columns=["step", "values", "cite"])


def _standing(scores, outcome, ctx, r: int, u: int) -> str:
    b = scores.batch
    g = ctx.scoring_group
    members = np.flatnonzero(g == g[u])
    final = comparable(outcome.final[r])
    rank = int(outcome.rank[r, u])
    award = outcome.award_names[int(outcome.award[r, u])] or "no award"
    ids = b.units["unit_id"].to_numpy()
    above = [m for m in members if final[m] > final[u]]
    below = [m for m in members if final[m] < final[u]]
    tied = [m for m in members if final[m] == final[u] and m != u]
    parts = [
        f"{ids[u]} {b.units.at[u, 'name']} has points {_plain(outcome.points[r, u])} and final "
        f"{_plain(outcome.final[r, u])}: rank {rank} of {len(members)} in group "
        f"{ctx.groups[g[u]]}, award: {award}."
    ]
    if above:
        nearest = min(above, key=lambda m: final[m])
        parts.append(f"{len(above)} unit(s) score higher; the nearest is {ids[nearest]} with {_plain(final[nearest])}.")
    if tied:
        parts.append(f"Tied with {', '.join(ids[tied])} (C-6: ties share the best rank).")
    if below:
        nearest = max(below, key=lambda m: final[m])
        parts.append(f"Next below: {ids[nearest]} with {_plain(final[nearest])}.")
    if "ranked_first" in outcome.columns and outcome.columns["ranked_first"][r, u]:
        parts.append("Ranked first of its group by the override rule.")
    return " ".join(parts)


def _plain(v):
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float):
        return round(v, 4)
    return v


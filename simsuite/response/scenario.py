"""The ``[response]`` section of a scenario file: units respond to each
compared rule, and the run reports what each rule induces.

    [response]
    replicates = 256            # replicate years of each candidate's histories (default: 256, at most the scenario's)
    tolerance = 0.02            # ε at which an equilibrium is accepted, in payoff units
    max_rounds = 20
    [response.payoff]           # what units want (default: P(top award) − P(bottom three))
    final = 0.0
    rank_share = 0.0
    bottom_three = -1.0
    awards = { top = 1.0 }      # award names of the rulebook, or "top"
    [response.model]            # changes to the response model's parameters (response.toml)
    "cost.item" = 0.01
    [[response.strategy]]       # candidates of the scenario's own (default: default_candidates)
    name = "stop-at-quota"
    zh = "够数即停"
    shares = { timing = 0.5 }
    monthly_stop = "quota"

Read with the rest of the scenario (its text is kept in the run's
manifest, so a repeat is exact); nothing in it is executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..params import suggest
from ..runs.scenario import Scenario, ScenarioError
from . import answers
from .equilibrium import Equilibrium, solve
from .params import ResponseModel
from .payoff import Payoff
from .strategy import Strategy

KEYS = {"replicates", "tolerance", "max_rounds", "payoff", "model", "strategy"}
PAYOFF_KEYS = {"final", "rank_share", "bottom_three", "awards"}
STRATEGY_KEYS = {"name", "zh", "shares", "monthly_stop", "yearly_stop"}


@dataclass(frozen=True)
class ResponseSettings:
    replicates: int
    tolerance: float
    max_rounds: int
    payoff: Payoff
    model: ResponseModel
    candidates: tuple[Strategy, ...] | None


def response_settings(scenario: Scenario) -> ResponseSettings | None:
    """The scenario's [response] section checked, or None without one; a
    ScenarioError lists every problem, each by its key."""
    table = scenario.response
    if not table:
        return None
    problems: list[str] = []
    settings = read_response(table, scenario.replicates, problems)
    if problems:
        raise ScenarioError(f"{scenario.path}:\n  " + "\n  ".join(problems))
    return settings


def read_response(table: Mapping[str, Any], most_replicates: int, problems: list[str]) -> ResponseSettings:
    """A [response] table checked (replicates at most ``most_replicates``),
    each problem appended to ``problems`` by its key; also read by rule
    design specifications, so both accept exactly the same section."""

    def unknown(t: Mapping, allowed: set, where: str) -> None:
        for key in t:
            if key not in allowed:
                problems.append(f"[{where}] unknown key {key!r}{suggest(key, allowed)}; allowed: {sorted(allowed)}")

    def number(t: Mapping, key: str, where: str, default, lo, hi, integer=False):
        value = t.get(key, default)
        kinds = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not lo <= value <= hi:
            problems.append(f"[{where}] {key} = {value!r}: expected {'a whole number' if integer else 'a number'} "
                            f"in [{lo}, {hi}]")
            return default
        return value

    unknown(table, KEYS, "response")
    replicates = number(table, "replicates", "response", min(256, most_replicates), 1, most_replicates,
                        integer=True)
    tolerance = number(table, "tolerance", "response", 0.02, 0.0, 10.0)
    max_rounds = number(table, "max_rounds", "response", 20, 1, 1000, integer=True)
    pay = table.get("payoff", {})
    payoff = Payoff()
    if not isinstance(pay, Mapping):
        problems.append(f"[response] payoff = {pay!r}: expected a [response.payoff] table")
    else:
        unknown(pay, PAYOFF_KEYS, "response.payoff")
        awards = pay.get("awards", {"top": 1.0})
        if not isinstance(awards, Mapping) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in awards.values()):
            problems.append(f"[response.payoff] awards = {awards!r}: expected a table of award name = weight")
            awards = {}
        payoff = Payoff(final=number(pay, "final", "response.payoff", 0.0, -1e6, 1e6),
                        rank_share=number(pay, "rank_share", "response.payoff", 0.0, -1e6, 1e6),
                        bottom_three=number(pay, "bottom_three", "response.payoff", -1.0, -1e6, 1e6),
                        awards=dict(awards))
    model = ResponseModel.make()
    changes = table.get("model", {})
    if not isinstance(changes, Mapping):
        problems.append(f"[response] model = {changes!r}: expected a [response.model] table")
    else:
        try:
            model = ResponseModel.make(changes)
        except ValueError as exc:
            problems.append(f"[response.model] {exc}")
    candidates = None
    own = table.get("strategy")
    if own is not None:
        if not isinstance(own, list) or not own or not all(isinstance(s, Mapping) for s in own):
            problems.append("[[response.strategy]]: expected one or more tables with name, zh, shares")
        else:
            candidates = []
            for i, s in enumerate(own):
                where = f"response.strategy[{i + 1}]"
                unknown(s, STRATEGY_KEYS, where)
                try:
                    candidates.append(Strategy(str(s.get("name", f"strategy {i + 1}")), str(s.get("zh", "")),
                                               dict(s.get("shares", {})), s.get("monthly_stop"), s.get("yearly_stop")))
                except (TypeError, ValueError) as exc:
                    problems.append(f"[{where}] {exc}")
            candidates = tuple(candidates)
    return ResponseSettings(replicates, tolerance, max_rounds, payoff, model, candidates)


def respond(scenario: Scenario, settings: ResponseSettings, executor=None) -> dict[str, Equilibrium]:
    """An equilibrium per comparison, on the scenario's units, behaviour,
    year and seed."""
    out = {}
    for comp in scenario.comparisons:
        rb = comp.rulebook
        try:
            out[comp.name] = solve(rb, scenario.units(rb.id), scenario.year, list(settings.candidates or []) or None,
                                   settings.payoff, settings.model, scenario.behaviour, settings.replicates,
                                   scenario.seed, executor, tolerance=settings.tolerance,
                                   max_rounds=settings.max_rounds)
        except ValueError as exc:
            raise ScenarioError(f"{scenario.path}: [response] for {comp.name!r}: {exc}") from None
    return out


def tables(equilibria: Mapping[str, Equilibrium]) -> dict[str, pd.DataFrame]:
    """What a run writes: per unit (response.csv), the side-by-side summary,
    and ε round by round."""
    units, rounds = [], []
    for name, eq in equilibria.items():
        per_unit = answers.induced_behaviour(eq)
        games = answers.who_games(eq, top=len(eq.units)).set_index("unit_id")
        for col in ("gain", "rank_fixed", "rank_response", "rank_change"):
            per_unit[col] = per_unit["unit_id"].map(games[col])
        per_unit.insert(0, "comparison", name)
        units.append(per_unit)
        conv = answers.convergence(eq)
        conv.insert(0, "comparison", name)
        rounds.append(conv)
    return {"response": pd.concat(units, ignore_index=True), "response_summary": answers.compare(equilibria),
            "response_convergence": pd.concat(rounds, ignore_index=True)}


def write_tables(equilibria: Mapping[str, Equilibrium], folder: Path) -> list[str]:
    names = []
    for name, table in tables(equilibria).items():
        table.to_csv(Path(folder) / f"{name}.csv", index=False, encoding="utf-8-sig")
        names.append(f"{name}.csv")
    return names


def summary_lines(equilibria: Mapping[str, Equilibrium]) -> list[str]:
    """A few lines per comparison for the terminal, in Chinese and English."""
    lines = []
    for name, eq in equilibria.items():
        s = answers.summary(eq).set_index("statistic")
        moved = int((eq.choice != eq.steady).sum())
        common = pd.Series(eq.strategy_names()).value_counts()
        lines.append(
            f"{name}: {moved}/{len(eq.units)} 个单位改变做法 units change what they do "
            f"(最多 most: {common.index[0]} ×{common.iloc[0]}); "
            f"月均报送 items a month {s.loc['items_a_month', 'fixed']:g} → {s.loc['items_a_month', 'response']:g}; "
            f"排名与质量一致性 τ-b vs quality {s.loc['kendall_quality', 'fixed']:g} → "
            f"{s.loc['kendall_quality', 'response']:g}; ε = {eq.eps:.3f} "
            f"({'已收敛 converged' if eq.converged else '未收敛 not converged'})")
    return lines

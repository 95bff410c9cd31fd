"""Scenario files: who is assessed, how units behave, which rulebooks and
variants to compare, how many replicate years, and the seed.

    [scenario]
    title = "宁夏: 换算与不换算"
    year = 2021
    replicates = 2000
    seed = 2021

    [population]
    rulebook = "ningxia-transport-2021"   # the jurisdiction's real units (data/units)
    # or: units = 60, with [population.groups.<rulebook id>] sizes per group

    [behaviour]                           # changes to the behaviour model's defaults
    activity.mean = 3.0
    [behaviour.groups."2"]                # per-group overrides
    activity.mean = 1.5

    [[compare]]
    name = "baseline"
    rulebook = "ningxia-transport-2021"
    [[compare]]
    name = "no normalisation"
    rulebook = "ningxia-transport-2021"
    changes = { "normalise.enabled" = false }   # an inline overlay
    [[compare]]
    name = "pooled"
    variant = "variants/ningxia-pooled.toml"   # or a variant file, relative to this file

Read with ``tomllib`` only: nothing in a scenario is executed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..engine.rulebook import Rulebook
from ..params import suggest
from ..synthetic import BLOCK, Behaviour, real_units, synthetic_units

KEYS = {
    "": {"scenario", "population", "behaviour", "compare"},
    "scenario": {"title", "description", "year", "replicates", "seed", "chunk"},
    "population": {"rulebook", "units", "groups"},
    "compare": {"name", "rulebook", "variant", "changes"},
}


class ScenarioError(ValueError):
    """A scenario file that cannot be run, with every reason."""


@dataclass(frozen=True)
class Comparison:
    name: str
    rulebook: Rulebook


@dataclass(frozen=True)
class Scenario:
    title: str
    description: str
    year: int
    replicates: int
    seed: int
    chunk: int
    behaviour: Behaviour
    comparisons: tuple[Comparison, ...]
    populations: Mapping[str, pd.DataFrame]  # rulebook id → its units
    text: str = ""  # the file as written, kept for the manifest
    path: str = ""
    base: str = "."  # the folder variant paths are read relative to

    def units(self, rulebook_id: str) -> pd.DataFrame:
        return self.populations[rulebook_id]


def read_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    return parse_scenario(text, base=path.parent, name=str(path))


def parse_scenario(text: str, base: Path = Path("."), name: str = "<scenario>") -> Scenario:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{name}: not valid TOML: {exc}") from None
    problems: list[str] = []
    _check_keys(doc, "", problems)
    head = doc.get("scenario", {})
    _check_keys(head, "scenario", problems)
    pop = doc.get("population", {})
    _check_keys(pop, "population", problems)
    compare = doc.get("compare", [])
    if not isinstance(compare, list) or not compare:
        problems.append("[[compare]]: name at least one rulebook or variant to run")
        compare = []
    for i, c in enumerate(compare):
        _check_keys(c, f"compare[{i + 1}]", problems)

    def number(key, lo, hi, default=None, integer=True):
        value = head.get(key, default)
        if value is None:
            problems.append(f"[scenario] needs {key!r}")
            return lo
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)) or not lo <= value <= hi:
            problems.append(f"[scenario] {key} = {value!r}: expected {'a whole number' if integer else 'a number'} in [{lo}, {hi}]")
            return lo
        return value

    year = number("year", 1990, 2100)
    replicates = number("replicates", 1, 10_000_000)
    seed = number("seed", 0, 2**63 - 1)
    chunk = number("chunk", BLOCK, 1_000_000, default=256)
    if chunk % BLOCK:
        problems.append(f"[scenario] chunk = {chunk}: must be a multiple of {BLOCK}")

    comparisons = []
    for i, c in enumerate(compare):
        try:
            comparisons.append(_comparison(c, i, base))
        except (KeyError, ValueError, FileNotFoundError) as exc:
            problems.append(f"compare[{i + 1}]: {exc.args[0] if isinstance(exc, KeyError) else exc}")
    for comp in comparisons:  # variants are scored on their rulebook's histories of the scenario's year
        if "calendar.first_month" in comp.rulebook.all_changes():
            problems.append(f"compare {comp.name!r}: calendar.first_month moves the assessment year, so it cannot "
                            f"be scored on the histories drawn for {comp.rulebook.id}'s year; vary the quarter "
                            f"boundaries (calendar.quarter_starts) instead")
    names = [c.name for c in comparisons]
    if len(set(names)) != len(names):
        problems.append(f"[[compare]] names must differ: {names}")

    behaviour_doc = dict(doc.get("behaviour", {}))
    groups = behaviour_doc.pop("groups", {})
    try:
        behaviour = Behaviour.make(behaviour_doc, groups)
    except (KeyError, ValueError) as exc:
        problems.append(f"[behaviour]: {exc.args[0] if isinstance(exc, KeyError) else exc}")
        behaviour = Behaviour.make()

    populations = {}
    for comp in comparisons:
        rid = comp.rulebook.id
        if rid not in populations:
            try:
                populations[rid] = _population(pop, comp.rulebook)
            except (ValueError, FileNotFoundError) as exc:
                problems.append(f"[population] for {rid}: {exc}")
    if problems:
        raise ScenarioError(f"{name}:\n  " + "\n  ".join(problems))
    return Scenario(
        title=str(head.get("title", name)), description=str(head.get("description", "")), year=year,
        replicates=replicates, seed=seed, chunk=chunk, behaviour=behaviour, comparisons=tuple(comparisons),
        populations=populations, text=text, path=name, base=str(base),
    )


def _check_keys(table: Any, where: str, problems: list[str]) -> None:
    if not isinstance(table, Mapping):
        problems.append(f"{where or 'the file'}: expected a table")
        return
    allowed = KEYS[where.split("[")[0]]
    for key in table:
        if key not in allowed:
            problems.append(f"{'[' + where + '] ' if where else ''}unknown key {key!r}{suggest(key, allowed)}; "
                            f"allowed: {sorted(allowed)}")


def _comparison(c: Mapping[str, Any], i: int, base: Path) -> Comparison:
    from ..rulebooks import resolve as load_rulebook
    from ..engine.variant_file import read_variant

    if "variant" in c:
        rb = read_variant(base / c["variant"])
        if "rulebook" in c and c["rulebook"] != rb.id:
            raise ValueError(f"variant {c['variant']} is of {rb.id}, not {c['rulebook']}")
    elif "rulebook" in c:
        name = str(c["rulebook"])  # a rulebook id, or a rulebook file relative to the scenario
        rb = load_rulebook(base / name if name.endswith(".toml") else name)
    else:
        raise ValueError("give a rulebook or a variant file")
    if c.get("changes"):
        rb = rb.vary(c["changes"], title=str(c.get("name", "")))
    return Comparison(str(c.get("name", rb.name)), rb)


def _population(pop: Mapping[str, Any], rb: Rulebook) -> pd.DataFrame:
    """The units a rulebook's histories are drawn for."""
    units = pop.get("units", "real")
    if units == "real":
        own = pop.get("rulebook", rb.id)
        if own != rb.id:
            raise ValueError(f"the real units are {own}'s; {rb.id} needs `units = N` and group sizes")
        return real_units(rb)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"units = {units!r}: expected 'real' or a number of units ≥ 1")
    sizes = pop.get("groups", {}).get(rb.id, {rb.groups[0]: units})
    if sum(sizes.values()) != units:
        raise ValueError(f"group sizes {dict(sizes)} add up to {sum(sizes.values())}, not units = {units}")
    return synthetic_units(rb, sizes)

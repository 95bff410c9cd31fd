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
    # or: calibrated = "population.toml"  # units fitted from a ledger (simsuite calibrate):
    #     replicates are next year for these units

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

    [response]                            # optional: units respond to each rule (docs/response.md)
    replicates = 256

Read with ``tomllib`` only: nothing in a scenario is executed.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from ..engine.rulebook import Rulebook
from ..params import suggest
from ..synthetic import BLOCK, Behaviour, real_units, synthetic_units

KEYS = {
    "": {"scenario", "population", "behaviour", "compare", "response"},
    "scenario": {"title", "description", "year", "replicates", "seed", "chunk"},
    "population": {"rulebook", "units", "groups", "calibrated"},
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
    #: the text of every variant file read, by its path relative to ``base``
    variant_texts: tuple[tuple[str, str], ...] = ()
    #: the parameter file of every built-in rulebook used, by id
    rulebook_texts: tuple[tuple[str, str], ...] = ()
    #: a calibrated population's file, rulebook, ledger and date (empty when traits are drawn at random)
    calibration: tuple[tuple[str, str], ...] = ()
    #: the [response] table as written (empty: behaviour fixed); simsuite.response reads it
    response: Mapping[str, Any] | None = None

    def units(self, rulebook_id: str) -> pd.DataFrame:
        return self.populations[rulebook_id]

    @property
    def sources(self) -> tuple:
        """Everything a worker needs to rebuild this scenario without reading
        a file: scenario text, name, variant and rulebook texts."""
        return (self.text, self.path, self.variant_texts, self.rulebook_texts)


def read_scenario(path: str | Path) -> Scenario:
    from ..engine.variant_file import read_text

    path = Path(path)
    text = read_text(path, "scenario file", ScenarioError)
    return parse_scenario(text, base=path.parent, name=str(path))


def parse_scenario(text: str, base: Path = Path("."), name: str = "<scenario>",
                   variant_texts: Mapping[str, str] | None = None,
                   rulebook_texts: Mapping[str, str] | None = None) -> Scenario:
    """A scenario from its text. Variant files are read relative to ``base``,
    or taken from ``variant_texts`` (path relative to ``base`` → text) when
    given; ``rulebook_texts`` (id → parameter file) replace the built-in
    rulebooks' files. A run repeated from its manifest passes both, so it
    reads no file and gives exactly the rules it ran with."""
    from ..engine.variant_file import parse_toml

    base = Path(base)
    doc = parse_toml(text, name, ScenarioError)
    problems: list[str] = []
    check_keys(doc, "", problems)
    head = read_table(doc, "scenario", problems)
    pop = read_table(doc, "population", problems)
    behaviour_doc = read_table(doc, "behaviour", problems)
    response = read_table(doc, "response", problems)
    compare = doc.get("compare", [])
    if not isinstance(compare, list) or not compare:
        problems.append("[[compare]]: name at least one rulebook or variant to run")
        compare = []
    for i, c in enumerate(compare):
        check_keys(c, f"compare[{i + 1}]", problems)
    compare = [c for c in compare if isinstance(c, Mapping)]
    for key in ("title", "description"):
        if key in head and not isinstance(head[key], str):
            problems.append(f"[scenario] {key} = {head[key]!r}: expected text in quotes")

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

    read: dict[str, str] = {}
    reader = _reader(base, read, variant_texts)
    baselines = _baselines(rulebook_texts or {}, problems)
    comparisons = []
    for i, c in enumerate(compare):
        try:
            comparisons.append(_comparison(c, base, reader, baselines))
        except (KeyError, ValueError) as exc:
            problems.append(f"compare[{i + 1}]: {exc.args[0] if isinstance(exc, KeyError) else exc}")
    for comp in comparisons:  # variants are scored on their rulebook's histories of the scenario's year
        if "calendar.first_month" in comp.rulebook.all_changes():
            problems.append(f"compare {comp.name!r}: calendar.first_month moves the assessment year, so it cannot "
                            f"be scored on the histories drawn for {comp.rulebook.id}'s year; vary the quarter "
                            f"boundaries (calendar.quarter_starts) instead")
    names = [c.name for c in comparisons]
    if len(set(names)) != len(names):
        problems.append(f"[[compare]] names must differ: {names}")

    known = sorted({g for comp in comparisons for g in comp.rulebook.groups})
    behaviour, calibration = read_behaviour(behaviour_doc, pop, reader, known if comparisons else None,
                                            "no compared rulebook has a group", problems)
    populations = {}
    for comp in comparisons:
        rid = comp.rulebook.id
        if rid not in populations:
            try:
                populations[rid] = _population(pop, comp.rulebook, calibration)
            except ValueError as exc:
                problems.append(f"[population] for {rid}: {exc}")
    if problems:
        raise ScenarioError(f"{name}:\n  " + "\n  ".join(problems))
    from ..rulebooks import HERE, available

    # built-in rulebooks by id (a rulebook file's text is kept with the variants' texts)
    used = sorted({c.rulebook.root.id for c in comparisons if c.rulebook.root.id in available()
                   and Path(c.rulebook.root.file.path).resolve() == (HERE / f"{c.rulebook.root.id}.toml").resolve()}
                  | set(rulebook_texts or {}))
    rb_texts = {rid: (rulebook_texts or {}).get(rid) or (HERE / f"{rid}.toml").read_text(encoding="utf-8")
                for rid in used}
    return Scenario(
        title=head.get("title", name), description=head.get("description", ""), year=year,
        replicates=replicates, seed=seed, chunk=chunk, behaviour=behaviour, comparisons=tuple(comparisons),
        populations=populations, text=text, path=name, base=str(base),
        variant_texts=tuple(sorted(read.items())), rulebook_texts=tuple(sorted(rb_texts.items())),
        calibration=() if calibration is None else (
            ("file", pop["calibrated"]), ("rulebook", calibration.rulebook_id), ("ledger", calibration.source),
            ("date", calibration.date), ("years", ", ".join(str(y) for y in calibration.years))),
        response=dict(response) or None,
    )


def read_table(doc: Mapping[str, Any], key: str, problems: list[str], keys: Mapping[str, set] = KEYS,
               check: bool = True) -> Mapping[str, Any]:
    """``doc[key]`` if it is a table (its keys checked against ``keys``
    where ``check``), else {} and a problem. Scenario files and design
    specifications read their tables so, each with its own ``keys``."""
    value = doc.get(key, {})
    if not isinstance(value, Mapping):
        problems.append(f"{key} = {value!r}: expected a [{key}] table")
        return {}
    if check and key in keys:
        check_keys(value, key, problems, keys)
    return value


def check_keys(table: Any, where: str, problems: list[str], keys: Mapping[str, set] = KEYS) -> None:
    """A problem, with a did-you-mean, for each key of ``table`` that ``keys[where]`` does not allow."""
    if not isinstance(table, Mapping):
        problems.append(f"{where or 'the file'}: expected a table")
        return
    allowed = keys[where.split("[")[0]]
    for key in table:
        if key not in allowed:
            problems.append(f"{'[' + where + '] ' if where else ''}unknown key {key!r}{suggest(key, allowed)}; "
                            f"allowed: {sorted(allowed)}")


def variant_key(path: Path) -> str:
    """How a variant file is named in a run's kept texts: its path as the
    scenario (or a stacked variant) writes it, relative to the scenario's
    folder, normalised; the same wherever the run is repeated."""
    return posixpath.normpath(path.as_posix())


def _reader(base: Path, read: dict[str, str], texts: Mapping[str, str] | None):
    """Reads variant files (named relative to ``base``) from ``texts`` if
    given, else from disk, and keeps each text in ``read``."""
    from ..engine.variant_file import read_text

    def reader(path: Path) -> str:
        key = variant_key(path)
        if texts is not None:
            if key not in texts:
                raise ScenarioError(f"{key}: the run being repeated kept no text for this variant file")
            text = texts[key]
        else:
            text = read_text(base / path, "variant file")
        read[key] = text
        return text

    return reader


def _baselines(texts: Mapping[str, str], problems: list[str]) -> dict[str, Rulebook]:
    """Built-in rulebooks rebuilt from kept parameter files that differ from
    the installed ones (a run repeated after the package changed)."""
    from ..rulebooks import HERE, available, from_text

    out = {}
    for rid, text in texts.items():
        if rid not in available():
            problems.append(f"rulebook {rid!r} is not built into this version of simsuite")
            continue
        out[rid] = from_text(text, HERE / f"{rid}.toml")
    return out


def _comparison(c: Mapping[str, Any], base: Path, reader, baselines: Mapping[str, Rulebook]) -> Comparison:
    from ..rulebooks import resolve as load_rulebook
    from ..engine.variant_file import read_variant

    for key in ("name", "rulebook", "variant"):
        if key in c and not isinstance(c[key], str):
            raise ValueError(f"{key} = {c[key]!r}: expected text in quotes")
    if "changes" in c and not isinstance(c["changes"], Mapping):
        raise ValueError(f"changes = {c['changes']!r}: expected a table {{ \"parameter\" = value, … }}")
    if "variant" in c:
        rb = read_variant(Path(c["variant"]), reader=reader, baselines=baselines)
        if "rulebook" in c and c["rulebook"] != rb.id:
            raise ValueError(f"variant {c['variant']} is of {rb.id}, not {c['rulebook']}")
    elif "rulebook" in c:
        name = c["rulebook"]  # a rulebook id, or a rulebook file relative to the scenario
        if name.endswith(".toml"):
            from ..engine.variant_file import beside_units
            from ..rulebooks import from_text

            rb = from_text(reader(Path(name)), base / name,  # its text is kept like a variant's,
                           beside_units(reader, Path(name)))  # and so is its unit list
        else:
            rb = baselines.get(name) or load_rulebook(name)
    else:
        raise ValueError("give a rulebook or a variant file")
    if c.get("changes"):
        rb = rb.vary(c["changes"], title=str(c.get("name", "")))
    return Comparison(c.get("name", rb.name), rb)


def read_behaviour(behaviour_doc: Mapping[str, Any], pop: Mapping[str, Any], reader, groups: Sequence[str] | None,
                   no_group: str, problems: list[str]):
    """A file's ``[behaviour]`` (with its per-group tables) and ``[population]
    calibrated``, as scenarios and design specifications both read them:
    the behaviour and the calibration (or None), every problem appended.
    ``groups``: those a per-group table may name (None: not known, unchecked);
    ``no_group`` begins the message for another, e.g. "no compared rulebook has a group"."""
    behaviour_doc = dict(behaviour_doc)
    by_group = behaviour_doc.pop("groups", {})
    if not isinstance(by_group, Mapping) or not all(isinstance(g, Mapping) for g in by_group.values()):
        problems.append(f"[behaviour] groups = {by_group!r}: expected tables [behaviour.groups.\"<group id>\"] "
                        f"of parameter = value")
        by_group = {}
    for g in by_group:
        if groups is not None and g not in groups:
            problems.append(f"[behaviour.groups.{g!r}]: {no_group} {g!r} (groups: {list(groups)}){suggest(g, groups)}")
    try:
        behaviour = Behaviour.make(behaviour_doc, by_group)
    except (KeyError, ValueError) as exc:
        problems.append(f"[behaviour]: {exc.args[0] if isinstance(exc, KeyError) else exc}")
        behaviour = Behaviour.make()
    calibration = None
    if "calibrated" in pop:
        try:
            calibration = _calibrated(pop, reader)
            behaviour = calibration.behaviour(behaviour)
        except ValueError as exc:
            problems.append(f"[population] calibrated: {exc}")
    return behaviour, calibration


def _calibrated(pop: Mapping[str, Any], reader):
    """The calibrated population the scenario names (its text kept like a variant's)."""
    from ..synthetic.calibrate import read_calibration

    name = pop["calibrated"]
    if not isinstance(name, str) or not name.endswith(".toml"):
        raise ValueError(f"{name!r}: expected the name of a .toml file written by `simsuite calibrate`")
    if "units" in pop or "groups" in pop:
        raise ValueError("give either calibrated units or `units` and group sizes, not both")
    try:
        text = reader(Path(name))  # kept with the variant texts, so a repeat reads no file
    except ValueError as exc:  # the reader speaks of variant files
        raise ValueError(str(exc).replace("variant file", "calibrated population file")) from None
    return read_calibration(text, name)


def _population(pop: Mapping[str, Any], rb: Rulebook, calibration=None) -> pd.DataFrame:
    """The units a rulebook's histories are drawn for."""
    if calibration is not None:
        if calibration.rulebook_id != rb.id:
            raise ValueError(f"the calibrated units are {calibration.rulebook_id!r}'s; {rb.id} cannot use them")
        unknown = sorted(set(calibration.units["group"]) - set(rb.groups))
        if unknown:
            raise ValueError(f"the calibrated units name group {unknown[0]!r}, which {rb.id} does not have")
        return calibration.units[["unit_id", "name", "group"]].copy()
    units = pop.get("units", "real")
    if units == "real":
        own = pop.get("rulebook", rb.id)
        if own != rb.id:
            raise ValueError(f"the real units are {own!r}'s; {rb.id} needs `units = N` and group sizes")
        return real_units(rb)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"units = {units!r}: expected 'real' or a number of units ≥ 1")
    groups = pop.get("groups", {})
    if not isinstance(groups, Mapping):
        raise ValueError(f"groups = {groups!r}: expected tables [population.groups.<rulebook id>] of "
                         f"group = number of units")
    sizes = groups.get(rb.id, {rb.groups[0]: units})
    if not isinstance(sizes, Mapping):
        raise ValueError(f"groups.{rb.id} = {sizes!r}: expected a table of group = number of units")
    for group, n in sizes.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"groups.{rb.id}.{group} = {n!r}: expected a whole number of units ≥ 0")
    if sum(sizes.values()) != units:
        raise ValueError(f"group sizes {dict(sizes)} add up to {sum(sizes.values())}, not units = {units}")
    return synthetic_units(rb, sizes)

"""Design specifications: which rule to start from, which parameters and
components may change and how far, what must hold, and what to weigh.

    [design]
    title = "宁夏: 明年的采用分与换算"
    baseline = "ningxia-transport-2021"   # a rulebook id, a rulebook file or a variant file
    year = 2021
    seed = 2021
    replicates = 500                      # replicate years every candidate is scored on
    trials = 200                          # candidate rules to try
    generation = 20                       # candidates asked, scored and told together

    [population]                          # as in scenario files (units, groups, calibrated)
    rulebook = "ningxia-transport-2021"

    [behaviour]                           # as in scenario files
    activity.mean = 3.0

    [search."adoption.points.nx-info.item"]
    range = [1, 10]                       # numbers; `step = 0.5`, `integer = true` optional
    [search."normalise.enabled"]
    choices = [true, false]
    [search.components]
    add = ["award_top_and_bottom"]        # components a candidate may add
    remove = []                           # and remove

    [constraints]
    same_award_count = true               # every award goes to as many units a year as now
    min_expected_final = 0                # no unit's expected final below this

    [objectives]
    search = ["tau_b", "rank_shift", "change_size"]
    weights = { tau_b = 2, rank_shift = 1, change_size = 1 }   # for the recommendation

    [response]                            # optional: judge each design at the units' equilibrium
    replicates = 128                      # as in scenario files (at most the design's replicates)

Read with ``tomllib`` only: nothing in a specification is executed. The
population and behaviour tables are read by the scenario files' own readers,
so they accept exactly what a scenario accepts.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..engine.rulebook import RedundantChange, Rulebook, VariantError
from ..params import suggest
from ..runs.scenario import KEYS as SCENARIO_KEYS
from ..runs.scenario import _comparison, _population, _reader, check_keys, read_behaviour, read_table
from ..response.scenario import ResponseSettings, read_response
from ..synthetic import Behaviour
from . import respond
from .objectives import OBJECTIVES
from .respond import Drawn

KEYS = {
    "": {"design", "population", "behaviour", "search", "constraints", "objectives", "response"},
    "design": {"title", "description", "baseline", "year", "seed", "replicates", "trials", "generation"},
    "population": SCENARIO_KEYS["population"],
    "constraints": {"same_award_count", "award_count_tolerance", "min_expected_final"},
    "objectives": {"search", "weights"},
    "search.*": {"range", "step", "integer", "choices"},
    "search.components": {"add", "remove"},
}

#: searched when [objectives] names none: fidelity, stability and the size of the change
DEFAULT_SEARCH = ("tau_b", "rank_shift", "change_size")


class DesignError(ValueError):
    """A design specification that cannot be searched, with every reason."""


@dataclass(frozen=True)
class Dimension:
    """One searched parameter: a range of numbers or a list of choices."""

    path: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    integer: bool = False
    choices: tuple = ()

    @property
    def is_range(self) -> bool:
        return not self.choices

    def describe(self) -> str:
        if self.choices:
            return " | ".join(_show(c) for c in self.choices)
        step = f", step {self.step:g}" if self.step else ""
        return f"[{self.low:g}, {self.high:g}]{step}{' whole numbers' if self.integer else ''}"


@dataclass(frozen=True)
class DesignSpec:
    title: str
    description: str
    baseline: Rulebook
    year: int
    seed: int
    replicates: int
    trials: int
    generation: int
    units: pd.DataFrame
    behaviour: Behaviour
    dimensions: tuple[Dimension, ...]
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    same_award_count: bool = False
    award_count_tolerance: float = 0.5
    min_expected_final: float | None = None
    search: tuple[str, ...] = DEFAULT_SEARCH
    weights: Mapping[str, float] = field(default_factory=dict)
    #: searched parameters read by a component that may be added or removed: path → component
    owners: Mapping[str, str] = field(default_factory=dict)
    text: str = ""  # the file as written
    path: str = "<design>"
    base: str = "."  # the folder file names are read relative to
    #: the [response] section: designs are judged at the units' equilibrium (None: behaviour fixed)
    response: ResponseSettings | None = None
    #: the candidate strategies of every design, stops resolved (see design/respond.py)
    strategies: tuple[Drawn, ...] = ()

    @property
    def digest(self) -> str:
        """Names the specification a stored study was made for: a study is
        continued only under the very same text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def weight(self, name: str) -> float:
        return float(self.weights.get(name, 1.0 if name in self.search else 0.0))

    def candidate(self, values: Mapping[str, Any], title: str = "") -> Rulebook:
        """The rulebook a set of searched values describes: components added
        (``add:<name>`` true) and removed (``remove:<name>`` true), and every
        searched parameter that differs from the baseline. A parameter of a
        component the candidate does not add (or removes) is left out."""
        add = [c for c in self.add if values.get(f"add:{c}")]
        remove = [c for c in self.remove if values.get(f"remove:{c}")]
        changes = {}
        for d in self.dimensions:
            if d.path not in values:
                continue
            owner = self.owners.get(d.path)
            if owner in remove or (owner in self.add and owner not in add):
                continue
            if owner in add or values[d.path] != self.baseline.parameters[d.path]:
                changes[d.path] = values[d.path]
        if not (add or remove or changes):
            return self.baseline
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RedundantChange)
            return self.baseline.vary(changes, title=title or f"{self.baseline.name} (design)", add=add, remove=remove)


def read_design(path: str | Path) -> DesignSpec:
    from ..engine.variant_file import read_text

    path = Path(path)
    text = read_text(path, "design file", DesignError)
    return parse_design(text, base=path.parent, name=str(path))


def parse_design(text: str, base: Path | str = Path("."), name: str = "<design>") -> DesignSpec:
    """A design specification from its text; file names in it (baseline,
    calibrated population) are read relative to ``base``. Every problem is
    reported at once, naming the file and the key."""
    from ..engine.variant_file import parse_toml

    base = Path(base)
    doc = parse_toml(text, name, DesignError)
    problems: list[str] = []
    check_keys(doc, "", problems, KEYS)
    head = read_table(doc, "design", problems, KEYS)
    pop = read_table(doc, "population", problems, KEYS)
    behaviour_doc = dict(read_table(doc, "behaviour", problems, KEYS))
    search_doc = read_table(doc, "search", problems, KEYS, check=False)
    cons = read_table(doc, "constraints", problems, KEYS)
    obj = read_table(doc, "objectives", problems, KEYS)
    response_doc = read_table(doc, "response", problems, KEYS, check=False)
    for key in ("title", "description"):
        if key in head and not isinstance(head[key], str):
            problems.append(f"[design] {key} = {head[key]!r}: expected text in quotes")

    def number(key, lo, hi, default=None):
        value = head.get(key, default)
        if value is None:
            problems.append(f"[design] needs {key!r}")
            return lo
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            problems.append(f"[design] {key} = {value!r}: expected a whole number in [{lo}, {hi}]")
            return lo
        return value

    seed = number("seed", 0, 2**63 - 1)
    replicates = number("replicates", 2, 1_000_000)
    trials = number("trials", 1, 100_000)
    generation = number("generation", 2, 10_000, default=20)

    read: dict[str, str] = {}
    reader = _reader(base, read, None)
    baseline = _baseline(head, base, reader, problems)
    year = number("year", 1990, 2100, default=_own_year(baseline))

    groups, no_group = (None, "") if baseline is None else (baseline.groups, f"{baseline.id} has no group")
    behaviour, calibration = read_behaviour(behaviour_doc, pop, reader, groups, no_group, problems)
    units = pd.DataFrame()
    if baseline is not None:
        try:
            units = _population(pop, baseline.root, calibration)
            if pop.get("units", "real") == "real":  # the jurisdiction's own units (or calibrated from its ledger)
                units = _with_types(units, baseline.root)
        except ValueError as exc:
            problems.append(f"[population]: {exc}")

    components = search_doc.get("components", {})
    add, remove = _components(components, baseline, problems)
    dims = _dimensions({k: v for k, v in search_doc.items() if k != "components"}, baseline, add, problems)
    if not dims and not add and not remove:
        problems.append("[search]: name at least one parameter ([search.\"<path>\"] with range or choices) "
                        "or component ([search.components] add / remove) to search")

    same = cons.get("same_award_count", False)
    if not isinstance(same, bool):
        problems.append(f"[constraints] same_award_count = {same!r}: expected true or false")
        same = False
    tolerance = cons.get("award_count_tolerance", 0.5)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance <= 1000:
        problems.append(f"[constraints] award_count_tolerance = {tolerance!r}: expected a number of units ≥ 0")
        tolerance = 0.5
    floor = cons.get("min_expected_final")
    if floor is not None and (isinstance(floor, bool) or not isinstance(floor, (int, float))
                              or not math.isfinite(floor)):
        problems.append(f"[constraints] min_expected_final = {floor!r}: expected a number")
        floor = None

    search, weights = _objectives(obj, problems)
    if {"fairness_gap", "award_gap"} & set(search) and len(units):
        from .objectives import MIN_KIND

        column = "type" if "type" in units else "group"
        sizes = units[column].astype(str).value_counts()
        if (sizes >= MIN_KIND).sum() < 2:
            problems.append(f"[objectives] search: fairness between kinds of unit needs two kinds ({column}) of at "
                            f"least {MIN_KIND} units; these units have {dict(sizes)}")
    # an empty [response] section judges at equilibrium with every default
    response = read_response(response_doc, replicates, problems) if "response" in doc else None
    if response is not None and response.replicates < 2:
        problems.append(f"[response] replicates = {response.replicates}: the year-to-year objectives pair "
                        f"replicate years, so give 2 or more")
    if problems:
        raise DesignError(f"{name}:\n  " + "\n  ".join(problems))
    spec = DesignSpec(
        title=head.get("title", name), description=head.get("description", ""), baseline=baseline, year=year,
        seed=seed, replicates=replicates, trials=trials, generation=generation, units=units,
        behaviour=behaviour, dimensions=tuple(dims), add=tuple(add), remove=tuple(remove),
        same_award_count=same, award_count_tolerance=float(tolerance),
        min_expected_final=None if floor is None else float(floor), search=search, weights=weights,
        owners=owners([d.path for d in dims], list(add) + list(remove)), text=text, path=name, base=str(base),
        response=response)
    return spec if response is None else _with_strategies(spec, name)


def _with_strategies(spec: DesignSpec, name: str) -> DesignSpec:
    """The specification with the candidate strategies every design is solved over."""
    problems: list[str] = []
    dims, comps = respond.stop_dimensions(spec.dimensions, spec.add, spec.remove)
    rules = respond.probes(spec.baseline, dims, comps, spec.candidate, problems)
    drawn = respond.strategies(spec.baseline, spec.units, rules, spec.response.candidates, problems)
    if problems:
        raise DesignError(f"{name}:\n  " + "\n  ".join(problems))
    return replace(spec, strategies=drawn)


# ---- the parts ---------------------------------------------------------------------------------

def _own_year(rb: Rulebook | None) -> int | None:
    if rb is None:
        return 2000
    try:
        return rb.own_year()
    except ValueError:
        return None


def _baseline(head: Mapping[str, Any], base: Path, reader, problems: list[str]) -> Rulebook | None:
    """The rulebook candidates start from: an id, a rulebook file or a variant
    file, resolved as a scenario's [[compare]] entry is."""
    from ..engine.variant_file import parse_toml

    name = head.get("baseline")
    if name is None:
        problems.append("[design] needs 'baseline': a rulebook id, a rulebook file or a variant file")
        return None
    if not isinstance(name, str):
        problems.append(f"[design] baseline = {name!r}: expected text in quotes")
        return None
    entry = {"rulebook": name}
    if name.endswith(".toml"):
        try:
            if "variant" in parse_toml(reader(Path(name)), name):
                entry = {"variant": name}
        except ValueError as exc:
            problems.append(f"[design] baseline: {exc}")
            return None
    try:
        return _comparison(entry, base, reader, {}).rulebook
    except (KeyError, ValueError) as exc:
        problems.append(f"[design] baseline: {exc.args[0] if isinstance(exc, KeyError) else exc}")
        return None


def _components(doc: Any, rb: Rulebook | None, problems: list[str]) -> tuple[list[str], list[str]]:
    if not isinstance(doc, Mapping):
        problems.append(f"[search] components = {doc!r}: expected a table with add = [...] and remove = [...]")
        return [], []
    check_keys(doc, "search.components", problems, KEYS)
    out = {}
    for key in ("add", "remove"):
        names = doc.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            problems.append(f"[search.components] {key} = {names!r}: expected a list of component names")
            names = []
        ok = []
        for n in dict.fromkeys(names):
            problem = _component_problem(key, n, rb)
            if problem:
                problems.append(f"[search.components] {key}: {problem}")
            else:
                ok.append(n)
        out[key] = ok
    both = set(out["add"]) & set(out["remove"])
    if both:
        problems.append(f"[search.components]: {sorted(both)} both added and removed")
    return out["add"], out["remove"]


def _with_types(units: pd.DataFrame, rb: Rulebook) -> pd.DataFrame:
    """The units with the kind of each (``type`` in the jurisdiction's unit
    list, e.g. city or county bureau) where the list names every one of
    them: fairness is then judged between kinds, else between groups."""
    from ..synthetic.population import UNITS_DIR

    path = UNITS_DIR / f"{rb.id}.csv"
    beside = Path(rb.file.path).with_suffix(".units.csv")
    path = path if path.exists() else beside
    if not path.exists():
        return units
    listed = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "type" not in listed:
        return units
    kinds = dict(zip(listed["unit_id"], listed["type"]))
    types = units["unit_id"].astype(str).map(kinds)
    if types.isna().any() or (types == "").any():
        return units
    return units.assign(type=types.to_numpy())


def _component_problem(key: str, name: str, rb: Rulebook | None) -> str:
    from ..rules.registry import catalogue

    cat = catalogue()
    if name not in cat:
        return f"no rule component {name!r}{suggest(name, cat)}"
    if rb is None:
        return ""
    if key == "add" and name in rb.component_names:
        return f"{rb.name!r} already has {name!r}"
    if key == "remove" and name not in rb.component_names:
        return f"{name!r} is not a component of {rb.name!r}{suggest(name, rb.component_names)}"
    return ""


def owners(paths, components) -> dict[str, str]:
    """Which of ``components`` reads each of ``paths`` (those read by none are left out)."""
    from ..rules.registry import catalogue

    cat = catalogue()
    return {p: c for p in paths for c in components if any(sp.covers(p) for sp in cat[c].params)}


def _dimensions(doc: Mapping[str, Any], rb: Rulebook | None, add: list[str], problems: list[str]) -> list[Dimension]:
    """Each [search."<path>"] table (or nested [search.a.b] tables) checked
    against the parameters of the baseline with every addable component in
    (its parameters set to the first searched value, so required ones are given)."""
    if rb is None:
        return []
    full = rb
    if add:
        firsts = {}
        for path, table in _leaves(doc):
            if isinstance(table, Mapping) and path in owners([path], add):
                first = (table.get("choices") or [None])[0] if "choices" in table else (table.get("range") or [None])[0]
                if isinstance(first, (bool, int, float, str)):
                    firsts[path] = first
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RedundantChange)
                full = rb.vary(firsts, add=add)
        except VariantError as exc:
            for line in str(exc).strip().splitlines()[1:] or [str(exc)]:
                problems.append(f"[search.components] add: {line.strip()}"
                                + ("; search it, e.g. [search.\"<path>\"] range = [low, high]"
                                   if "missing required" in line else ""))
            full = rb
    dims = []
    for path, table in _leaves(doc):
        where = f"[search.{_quote(path)}]"
        if not isinstance(table, Mapping) or not ({"range", "choices"} & set(table)):
            hint = _hint(path, full)
            problems.append(f"{where}: expected a table with range = [low, high] or choices = [...]"
                            f"{'; ' + hint if hint else ''}")
            continue
        unknown = set(table) - KEYS["search.*"]
        for key in unknown:
            problems.append(f"{where} unknown key {key!r}{suggest(key, KEYS['search.*'])}; "
                            f"allowed: {sorted(KEYS['search.*'])}")
        if path not in full.parameters:
            problems.append(f"{where}: {_hint(path, full)}" if _hint(path, full) else
                            f"{where}: no parameter {path!r} in {rb.id}{suggest(path, list(full.parameters.leaves))}")
            continue
        if path == "calendar.first_month":
            problems.append(f"{where}: calendar.first_month moves the assessment year, so candidates could not be "
                            f"scored on the same histories")
            continue
        param = full.parameters.param(path)
        if "range" in table and "choices" in table:
            problems.append(f"{where}: give range or choices, not both")
        elif "choices" in table:
            dims += _choices(where, path, table["choices"], param, problems)
        else:
            dims += _range(where, path, table, param, problems)
    return dims


def _leaves(doc: Mapping[str, Any], prefix: str = ""):
    """(dotted path, its table) for every table holding range or choices."""
    for key, value in doc.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not ({"range", "choices"} & set(value)) \
                and all(isinstance(v, Mapping) for v in value.values()):
            yield from _leaves(value, path + ".")
        else:
            yield path, value


def _choices(where: str, path: str, values: Any, param, problems: list[str]) -> list[Dimension]:
    if not isinstance(values, list) or len(values) < 2:
        problems.append(f"{where} choices = {values!r}: expected a list of at least two values")
        return []
    checked = []
    for v in values:
        if not isinstance(v, (bool, int, float, str)):
            problems.append(f"{where} choices: {v!r} is a {type(v).__name__}; only single values "
                            f"(numbers, true/false, names) can be searched")
            return []
        try:
            checked.append(param.check(v))
        except ValueError as exc:
            problems.append(f"{where} choices: {exc}")
    if len(set(checked)) != len(checked):
        problems.append(f"{where} choices = {values!r}: a value is listed twice")
        return []
    return [Dimension(path, choices=tuple(checked))] if len(checked) == len(values) else []


def _range(where: str, path: str, table: Mapping[str, Any], param, problems: list[str]) -> list[Dimension]:
    if param.type not in ("number", "integer"):
        problems.append(f"{where}: {path!r} is a {param.type} parameter (now {_show(param.value)}); give its "
                        f"values as choices = [...] instead of a range")
        return []
    rng = table["range"]
    if (not isinstance(rng, list) or len(rng) != 2
            or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in rng)):
        problems.append(f"{where} range = {rng!r}: expected [low, high], two numbers")
        return []
    low, high = (float(x) for x in rng)
    if not low < high:
        problems.append(f"{where} range = {rng!r}: low must be below high")
        return []
    bad = False
    for end in (low, high):
        try:
            param.check(int(end) if param.type == "integer" and end == int(end) else end)
        except ValueError as exc:
            problems.append(f"{where} range: {exc}")
            bad = True
    integer = table.get("integer", param.type == "integer")
    if not isinstance(integer, bool):
        problems.append(f"{where} integer = {integer!r}: expected true or false")
        return []
    if param.type == "integer" and not integer:
        problems.append(f"{where} integer = false: {path!r} takes whole numbers only")
        return []
    step = table.get("step")
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, (int, float)) or not 0 < step <= high - low:
            problems.append(f"{where} step = {step!r}: expected a number above 0 and at most high − low")
            return []
        if not math.isclose((high - low) / step, round((high - low) / step), abs_tol=1e-9):
            problems.append(f"{where} step = {step!r}: high − low = {high - low:g} is not a whole number of steps")
            return []
        if integer and step != int(step):
            problems.append(f"{where} step = {step!r}: whole-number parameters take whole steps")
            return []
    if integer and (low != int(low) or high != int(high)):
        problems.append(f"{where} range = {rng!r}: whole-number parameters take whole ends")
        return []
    if bad:
        return []
    return [Dimension(path, low, high, None if step is None else float(step), integer)]


def _objectives(doc: Mapping[str, Any], problems: list[str]) -> tuple[tuple[str, ...], dict[str, float]]:
    search = doc.get("search", list(DEFAULT_SEARCH))
    if not isinstance(search, list) or not search or not all(isinstance(s, str) for s in search):
        problems.append(f"[objectives] search = {search!r}: expected a list of objective names from "
                        f"{sorted(OBJECTIVES)}")
        search = list(DEFAULT_SEARCH)
    for s in search:
        if s not in OBJECTIVES:
            problems.append(f"[objectives] search: no objective {s!r}{suggest(s, OBJECTIVES)}; "
                            f"objectives: {sorted(OBJECTIVES)}")
    if len(set(search)) != len(search):
        problems.append(f"[objectives] search = {search!r}: an objective is listed twice")
    weights = doc.get("weights", {})
    if not isinstance(weights, Mapping):
        problems.append(f"[objectives] weights = {weights!r}: expected a table {{ objective = weight, … }}")
        weights = {}
    out = {}
    for k, w in weights.items():
        if k not in OBJECTIVES:
            problems.append(f"[objectives] weights: no objective {k!r}{suggest(k, OBJECTIVES)}")
        elif isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 <= w <= 1e6:
            problems.append(f"[objectives] weights.{k} = {w!r}: expected a number ≥ 0")
        else:
            out[k] = float(w)
    return tuple(s for s in dict.fromkeys(search) if s in OBJECTIVES), out


def _hint(path: str, rb: Rulebook) -> str:
    leaves = [p for p in rb.parameters.leaves if p.startswith(path + ".")]
    if leaves:
        return f"{path!r} is a table of parameters: name one cell, such as {leaves[0]!r}"
    return ""


def _quote(path: str) -> str:
    return f'"{path}"' if "." in path else path


def _show(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else f"{v:g}" if isinstance(v, float) else str(v)


def _last_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1].strip()

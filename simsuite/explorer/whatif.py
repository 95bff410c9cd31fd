"""What if the rules changed? The explorer's engine, without any widget.

Replicate histories of one population are generated once, and the baseline
is scored once on them; every change of a parameter then re-scores only the
variant on the same histories, so the comparison shows the rule's doing and
comes back quickly enough to follow a slider.
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..analytics.compare import VariantComparison, compare_panels
from ..analytics.panel import Panel
from ..analytics.diagnostics import diagnose_outcome
from ..analytics.uncertainty import rank_distribution
from ..engine.rulebook import RedundantChange, Rulebook, flatten_changes
from ..engine.score import score_batch
from ..synthetic import Behaviour, generate, real_units, synthetic_units

#: the names the two sides carry in tables, charts and the Excel export
BASE_NAME = "基准 baseline"
VARIANT_NAME = "变体 variant"


@dataclass(frozen=True)
class WhatIfResult:
    """One variant against the baseline on the same replicate histories."""

    changes: dict[str, Any]
    variant: Rulebook
    comparison: VariantComparison
    distributions: pd.DataFrame  # rank_distribution of both sides, ``comparison`` = BASE_NAME / VARIANT_NAME
    seconds: float  # scoring and analytics (not drawing)
    diagnostics: pd.DataFrame | None = None  # of both sides: is each group's ranking informative?

    def ranking(self) -> pd.DataFrame:
        """The ranking the explorer shows: per group, units by mean rank under
        the variant (then under the baseline, then by id)."""
        return ranking_table(self.comparison)


def ranking_table(comparison: VariantComparison) -> pd.DataFrame:
    """Units in the order the explorer lists them, with the columns it shows."""
    u = comparison.units
    table = u.sort_values(["group", "rank_variant", "rank_base", "unit_id"], kind="stable")
    return table[["unit_id", "name", "group", "rank_base", "rank_variant", "mean_shift",
                  "award_base", "award_variant", "p_award_changed"]].reset_index(drop=True)


def population_units(rulebook: Rulebook, population: Any = "real") -> pd.DataFrame:
    """Who is assessed: ``"real"`` (the jurisdiction's units), a number N (a
    synthetic population of N units shared among the groups in the proportions
    of the real units, or equally without them), a mapping of group sizes, or
    a units table (unit_id, name, group)."""
    if isinstance(population, pd.DataFrame):
        missing = {"unit_id", "name", "group"} - set(population.columns)
        if missing:
            raise ValueError(f"population table lacks columns {sorted(missing)}")
        return population[["unit_id", "name", "group"]].reset_index(drop=True)
    if isinstance(population, str):
        if population != "real":
            from ..params import suggest

            raise ValueError(f"population {population!r}: give 'real', a number of units, or group sizes"
                             f"{suggest(population, ['real'])}")
        return real_units(rulebook)
    if isinstance(population, Mapping):
        return synthetic_units(rulebook, {str(k): int(v) for k, v in population.items()})
    if isinstance(population, (int, np.integer)) and not isinstance(population, bool):
        return synthetic_units(rulebook, group_sizes(rulebook, int(population)))
    raise ValueError(f"population {population!r}: give 'real', a number of units, or group sizes")


def group_sizes(rulebook: Rulebook, n: int) -> dict[str, int]:
    """``n`` units shared among the rulebook's groups in the proportions of its
    real units (largest remainders), or equally when it has no unit list."""
    if n < 1:
        raise ValueError(f"population of {n} units: need at least 1")
    try:
        counts = real_units(rulebook)["group"].value_counts()
        weights = np.array([counts.get(g, 0) for g in rulebook.groups], dtype=float)
    except FileNotFoundError:
        weights = np.ones(len(rulebook.groups))
    if weights.sum() == 0:
        weights = np.ones(len(rulebook.groups))
    exact = n * weights / weights.sum()
    sizes = np.floor(exact).astype(int)
    order = np.argsort(-(exact - sizes), kind="stable")
    sizes[order[: n - sizes.sum()]] += 1
    return {g: int(s) for g, s in zip(rulebook.groups, sizes) if s}


class WhatIf:
    """A baseline scored once on R replicate histories, and any variant of it
    scored on the same histories.

    >>> w = WhatIf("ningxia-transport-2021", replicates=64)
    >>> w.compare({"normalise.enabled": False}).movers(5)
    """

    def __init__(self, rulebook: str | Rulebook, population: Any = "real", replicates: int = 300,
                 seed: int = 0, year: int | None = None, behaviour: Behaviour | None = None):
        from ..api import rulebook as load_rulebook

        if int(replicates) < 2:
            raise ValueError(f"replicates={replicates}: need at least 2 to compare rankings")
        base = load_rulebook(rulebook)
        if base.baseline is not None:
            raise ValueError(f"{base.name!r} is a variant: start the explorer from its baseline "
                             f"{base.id!r} and apply the changes")
        self.rulebook = base
        self.population = population
        self.replicates = int(replicates)
        self.seed = int(seed)
        self.year = int(year) if year is not None else base.own_year()
        self.units = population_units(base, population)
        started = time.perf_counter()
        self.behaviour = behaviour or Behaviour.make()
        self.synthetic = generate(base, self.units, self.year, self.behaviour,
                                  range(self.replicates), self.seed)
        self.quality = self.synthetic.quality[0]
        self._diagnostics: dict[str, pd.DataFrame] = {}
        self.base_panel = self._panel(base, BASE_NAME)
        self.base_diagnostics = self._diagnostics.pop(BASE_NAME)
        self.base_distribution = rank_distribution(self.base_panel)
        self.setup_seconds = time.perf_counter() - started
        self._last: tuple[tuple, WhatIfResult] | None = None
        self.added: tuple[str, ...] = ()

    # ---- rules added from the catalogue ----------------------------------------------
    def addable(self) -> list[str]:
        """Components of the catalogue this rulebook can add with their
        documented defaults alone (those needing a value the rulebook lacks
        are left out: a variant file or ``vary`` can give it)."""
        from ..engine.rulebook import VariantError
        from ..rules.registry import catalogue

        out = []
        for name in catalogue():
            if name in self.rulebook.component_names or name in self.added:
                continue
            try:
                self.rulebook.vary(add=[*self.added, name])
            except VariantError:
                continue
            out.append(name)
        return out

    def add_rule(self, name: str) -> Rulebook:
        """Add rule component ``name`` (with its documented defaults) to every
        variant from now on; returns the baseline with it, whose parameters
        the changes are then set against."""
        rb = self.rulebook.vary(add=[*self.added, name])  # a bad name raises with a did-you-mean
        self.added = (*self.added, name)
        self._last = None
        return rb

    @property
    def start(self) -> Rulebook:
        """The baseline with the added rules, at their defaults."""
        return self.rulebook.vary(add=list(self.added)) if self.added else self.rulebook

    # ---- variants ---------------------------------------------------------------
    def variant(self, changes: Mapping[str, Any] | None = None, title: str | None = None) -> Rulebook:
        """The baseline with the added rules and ``changes``; bad paths or values
        raise VariantError. A change back to the baseline value is normal here
        and is not warned about."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RedundantChange)
            return self.rulebook.vary(dict(changes or {}), title=title or f"{self.rulebook.name} · 变体",
                                      add=list(self.added))

    def effective_changes(self, changes: Mapping[str, Any] | None) -> dict[str, Any]:
        """``changes`` as dotted paths, without those equal to the baseline
        (or to an added rule's default)."""
        rb = self.variant(changes)
        start = self.start.parameters
        return {k: v for k, v in rb.all_changes().items() if k not in start or start[k] != v}

    def run(self, changes: Mapping[str, Any] | None = None) -> WhatIfResult:
        """Score the variant on the baseline's histories and compare the two."""
        key = (self.added, _key(flatten_changes(self.rulebook.parameters, dict(changes or {}))))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        started = time.perf_counter()
        variant = self.variant(changes)
        panel = self._panel(variant, VARIANT_NAME)
        comparison = compare_panels(self.base_panel, panel)
        distributions = pd.concat([self.base_distribution, rank_distribution(panel)], ignore_index=True)
        diagnostics = pd.concat([self.base_diagnostics, self._diagnostics.pop(VARIANT_NAME)], ignore_index=True)
        result = WhatIfResult(variant.all_changes(), variant, comparison, distributions,
                              time.perf_counter() - started, diagnostics)
        self._last = (key, result)
        return result

    def compare(self, changes: Mapping[str, Any] | None = None) -> VariantComparison:
        return self.run(changes).comparison

    def _panel(self, rb: Rulebook, name: str) -> Panel:
        """Score ``rb`` on the drawn histories (under its own quarter calendar)."""
        _, outcome, ctx = score_batch(rb, self.synthetic.batch.under(rb.calendar(self.year)))
        self._diagnostics[name] = diagnose_outcome(rb, outcome, ctx, name)
        return Panel.from_outcome(outcome, self.units, name=name, rulebook=rb.id, quality=self.quality,
                                  ranking_group=np.asarray(rb.groups, dtype=object)[ctx.scoring_group])

    # ---- reproducing the screen ----------------------------------------------------
    def code(self, changes: Mapping[str, Any] | None = None) -> str:
        """The Python lines that reproduce this comparison."""
        effective = self.effective_changes(changes)
        lines = ["from simsuite.explorer import WhatIf"]
        population = repr(self.population)
        if isinstance(self.population, pd.DataFrame):
            lines += ["import pandas as pd", "",
                      f"units = pd.DataFrame({_literal(self.units.astype(str).to_dict('list'))})"]
            population = "units"
        extra = ""
        if behaviour_changes := _behaviour_changes(self.behaviour):
            lines.insert(1, "from simsuite.synthetic import Behaviour")
            extra = f", behaviour=Behaviour.make({_literal(behaviour_changes[0])}, groups={_literal(behaviour_changes[1])})"
        lines += ["", f"whatif = WhatIf({self.rulebook.id!r}, population={population}, "
                      f"replicates={self.replicates}, seed={self.seed}, year={self.year}{extra})"]
        lines += [f"whatif.add_rule({name!r})" for name in self.added]
        if effective:
            lines.append("changes = {")
            lines += [f"    {path!r}: {_literal(value)}," for path, value in effective.items()]
            lines.append("}")
        else:
            lines.append("changes = {}")
        lines += ["comparison = whatif.compare(changes)", "comparison.movers(10)"]
        return "\n".join(lines) + "\n"

    def overlay(self, changes: Mapping[str, Any] | None = None, title: str | None = None,
                description: str = "") -> str:
        """The variant as an overlay file's text (``scenarios/variants/*.toml``)."""
        import tomli_w

        effective = self.effective_changes(changes)
        header = {"title": title or f"{self.rulebook.name} · 变体",
                  "description": description or _describe(self, effective), "baseline": self.rulebook.id}
        if self.added:
            header["add"] = list(self.added)
        doc = {"variant": header,
               "changes": {k: _plain(v) for k, v in effective.items()}}
        return tomli_w.dumps(doc)

    def save(self, changes: Mapping[str, Any] | None, name: str, directory: str | Path | None = None,
             title: str | None = None) -> Path:
        """Write the variant as ``<directory>/<name>.toml`` (default directory:
        ``scenarios/variants`` under the current folder, created if missing);
        an existing file is never overwritten: the name gets ``-2``, ``-3`` …"""
        from ..engine.variant_file import write_variant

        effective = self.effective_changes(changes)
        if not effective and not self.added:
            raise ValueError("nothing to save: every parameter is at its baseline value")
        folder = Path(directory) if directory is not None else Path.cwd() / "scenarios" / "variants"
        folder.mkdir(parents=True, exist_ok=True)
        path = free_path(folder, safe_name(name), ".toml")
        rb = self.rulebook.vary(effective, title=title or name, description=_describe(self, effective),
                                add=list(self.added))
        return write_variant(rb, path)

    def export(self, changes: Mapping[str, Any] | None, path: str | Path) -> Path:
        """The comparison as an Excel workbook (sheets units, groups, awards)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.compare(changes).to_excel(path)
        return path


#: bytes a saved file's name may take before its suffix (file systems allow 255 with it)
MAX_NAME_BYTES = 200


def safe_name(name: str) -> str:
    """A file name from a title: letters (Chinese too), digits, ``-`` and ``_``;
    ValueError if none is left or the name is too long for a file system."""
    cleaned = re.sub(r"[^\w\-]+", "-", str(name).strip(), flags=re.UNICODE).strip("-")
    if not cleaned:
        raise ValueError(f"cannot make a file name of {name!r}: use letters or digits")
    size = len(cleaned.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise ValueError(f"名称太长 the name is too long for a file: {len(cleaned)} characters ({size} bytes); "
                         f"at most {MAX_NAME_BYTES} bytes, about {MAX_NAME_BYTES // 3} Chinese characters "
                         f"or {MAX_NAME_BYTES} letters")
    return cleaned


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or with ``-2``, ``-3`` … when it exists."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _key(changes: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, repr(_plain(v))) for k, v in changes.items()))


def _plain(value: Any) -> Any:
    """Tuples as lists (TOML and Python literals alike)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _behaviour_changes(behaviour: Behaviour) -> tuple[dict, dict] | None:
    """The behaviour's changes from the model's defaults, and its per-group
    overrides, as ``Behaviour.make`` takes them (None when all are defaults)."""
    from ..synthetic.behaviour import default_parameters

    defaults = default_parameters().values()
    changes = {k: v for k, v in behaviour.parameters.values().items() if v != defaults[k]}
    own = behaviour.parameters.values()
    groups = {g: {k: v for k, v in p.values().items() if v != own[k]} for g, p in behaviour.groups.items()}
    groups = {g: c for g, c in groups.items() if c}
    return (changes, groups) if changes or groups else None


def _literal(value: Any) -> str:
    return repr(_plain(value))


def _describe(whatif: WhatIf, changes: Mapping[str, Any]) -> str:
    params = whatif.start.parameters  # with the added rules, at their defaults
    parts = [f"added rule {name}" for name in whatif.added]
    parts += [f"{params.param(p).zh or p} ({p}): {_literal(params[p])} → {_literal(v)}" for p, v in changes.items()]
    return "; ".join(parts)

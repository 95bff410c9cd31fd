"""The calls most users need, at the top of the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .engine.rulebook import Rulebook
from .engine.variant_file import read_variant


def rulebook(name: str | Path | Rulebook) -> Rulebook:
    """A built-in rulebook by id, a rulebook file by path, or a variant file by path."""
    from .rulebooks import resolve

    return resolve(name)


def load_variant(path: str | Path) -> Rulebook:
    """A variant (or stack of variants) from a file in ``scenarios/``."""
    return read_variant(path)


def list_rulebooks() -> pd.DataFrame:
    """The built-in rulebooks, one line each."""
    from .rulebooks import available, load

    rows = [{"id": r, "name": load(r).file.meta["name"], "summary": load(r).summary} for r in available()]
    return pd.DataFrame(rows)


def score(rulebook_: str | Path | Rulebook, history, year: int | None = None,
          variant: Mapping[str, Any] | str | Path | None = None):
    """Score a history (a path, a History, or a list of replicate Histories).

    ``variant`` is a dict of parameter changes or a variant file; the
    rulebook may itself be a variant file.
    """
    rb = rulebook(rulebook_)
    if isinstance(variant, (str, Path)):
        file_rb = read_variant(variant, baseline=rb)
        if file_rb.id != rb.id:
            raise ValueError(f"variant {variant} is of {file_rb.id}, not {rb.id}")
        rb = file_rb
    elif variant:
        rb = rb.vary(variant)
    return rb.score(history, year)


def calibrate(rulebook_: str | Path | Rulebook, history, date: str | None = None, years=None):
    """Fit each unit's behaviour from its ledger (a path or a History, one or
    several years; ``years`` to choose them): a
    :class:`~simsuite.synthetic.calibrate.Calibration`,
    whose ``write(path)`` gives the file a scenario's
    ``[population] calibrated = "…"`` takes."""
    from .ledger import History, read_history
    from .synthetic.calibrate import calibrate as fit

    rb = rulebook(rulebook_)
    if not isinstance(history, History):
        history = read_history(history, rb.vocabulary)
    else:
        history = history.validate(rb.vocabulary)
    return fit(rb, history, date, years)


def compare_rulebooks(ids=None) -> pd.DataFrame:
    """The rulebooks' features side by side, read from their own parameters."""
    from .rulebooks.features import feature_table

    return feature_table(ids)


def run_scenario(path: str | Path, replicates: int | None = None, executor=None, until_se: float | None = None,
                 progress: bool = False):
    """Run a scenario file (optionally with fewer or more replicate years than
    it asks for) and return the :class:`~simsuite.runs.RunResult`."""
    import dataclasses

    from .runs import read_scenario, run

    scenario = read_scenario(path)
    if replicates is not None:
        if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
            raise ValueError(f"replicates = {replicates!r}: expected a whole number ≥ 1")
        scenario = dataclasses.replace(scenario, replicates=replicates)
    return run(scenario, executor=executor, progress=progress, until_se=until_se)

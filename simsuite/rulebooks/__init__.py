"""The built-in rulebooks: one parameter file and one composition module each.

``<id>.toml`` holds every parameter with its citation; ``<module>.py``
lists the rule functions (from :mod:`simsuite.rules`) the rulebook composes.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

from ..engine.rulebook import Rulebook
from ..params import read_rulebook_file, suggest

HERE = Path(__file__).parent

#: rulebook id → composition module
MODULES = {
    "jilin-transport-2015": "jilin_transport_2015",
    "ningxia-transport-2021": "ningxia_transport_2021",
    "harbin-2008": "harbin_2008",
    "jiande-2018": "jiande_2018",
    "longyang-2019": "longyang_2019",
}


def available() -> list[str]:
    return list(MODULES)


@lru_cache(maxsize=None)
def load(rulebook_id: str) -> Rulebook:
    """The baseline rulebook ``rulebook_id`` (cached: rulebooks are immutable)."""
    if rulebook_id not in MODULES:
        raise KeyError(f"no rulebook {rulebook_id!r}{suggest(rulebook_id, list(MODULES))}; available: {available()}")
    module = importlib.import_module(f"{__name__}.{MODULES[rulebook_id]}")
    file = read_rulebook_file(HERE / f"{rulebook_id}.toml")
    return Rulebook(file=file, point_rules=tuple(module.POINTS), steps=tuple(module.STEPS), parameters=file.parameters)

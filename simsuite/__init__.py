"""simsuite: score, explain, vary and simulate the rules by which a government
office scores its units' information reporting (政务信息工作考核)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("simsuite")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

from .api import compare_rulebooks, list_rulebooks, load_variant, rulebook, run_scenario, score  # noqa: E402

__all__ = ["__version__", "compare_rulebooks", "list_rulebooks", "load_variant", "rulebook", "run_scenario", "score"]

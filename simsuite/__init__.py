"""simsuite: score, explain, vary and simulate the rules by which a government
office scores its units' information reporting (政务信息工作考核)."""

from __future__ import annotations

from .version import VERSION as __version__

from .api import calibrate, compare_rulebooks, list_rulebooks, load_variant, rulebook, run_scenario, score  # noqa: E402

__all__ = ["__version__", "calibrate", "compare_rulebooks", "list_rulebooks", "load_variant", "rulebook", "run_scenario", "score"]

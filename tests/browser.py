"""The real (Debian) Chromium the browser tests drive, or why there is none.

Locally a missing browser skips a browser test's module; with
``SIMSUITE_REQUIRE_BROWSER=1`` (as CI sets it) it fails instead, so the
browser tests cannot silently stop running there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("SIMSUITE_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        raise RuntimeError(f"SIMSUITE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason, allow_module_level=True)


def require_playwright():
    """``playwright.sync_api``, once Chromium and Playwright are both there."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"there is no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api as playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    return playwright

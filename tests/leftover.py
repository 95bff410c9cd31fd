"""Child processes still running that the tests started (see conftest.py)."""

from __future__ import annotations

import psutil

#: helpers of Python's multiprocessing that end with the interpreter itself, not before
INTERPRETER_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def leftover_children(before: set[int]) -> list[psutil.Process]:
    """Processes started since ``before`` (pids) that still run, other than the interpreter's own helpers."""
    left = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.pid not in before and not any(h in " ".join(p.cmdline()) for h in INTERPRETER_HELPERS):
                left.append(p)
        except psutil.NoSuchProcess:
            pass
    return left

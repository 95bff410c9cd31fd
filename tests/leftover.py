"""Processes the tests started that still run (see conftest.py).

Every process the test run starts inherits the environment variable
``SIMSUITE_TEST_RUN``; a process keeps it even when its parent has ended and
it has been handed to the system (a Voilà server whose ``simsuite explore``
was killed, say), so leftovers are found by it, not by parentage."""

from __future__ import annotations

import os
import uuid

import psutil

MARK = "SIMSUITE_TEST_RUN"
#: helpers of Python's multiprocessing that end with the interpreter itself, not before
INTERPRETER_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def mark_this_run() -> str:
    """Give this process (and so every process it starts) a mark of its own."""
    os.environ.setdefault(MARK, uuid.uuid4().hex)
    return os.environ[MARK]


def leftover_processes(mark: str) -> list[psutil.Process]:
    """Processes other than this one that carry ``mark``, except the interpreter's own helpers."""
    left = []
    for p in psutil.process_iter():
        if p.pid == os.getpid():
            continue
        try:
            if p.environ().get(MARK) == mark and not any(h in " ".join(p.cmdline()) for h in INTERPRETER_HELPERS):
                left.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return left

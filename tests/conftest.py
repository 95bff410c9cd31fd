import sys
from pathlib import Path

import psutil
import pytest

# make tests/random_histories.py importable from every test folder
sys.path.insert(0, str(Path(__file__).parent))

#: helpers of Python's multiprocessing that end with the interpreter itself, not before
INTERPRETER_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def leftover_children(before: set[int]) -> list[psutil.Process]:
    """Processes started during the tests that still run, other than the interpreter's own helpers."""
    left = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.pid not in before and not any(h in " ".join(p.cmdline()) for h in INTERPRETER_HELPERS):
                left.append(p)
        except psutil.NoSuchProcess:
            pass
    return left


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind():
    """The test run leaves no process behind (a Voilà server, a kernel, a
    worker): any still running at the end is listed as an error, then ended."""
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    yield
    _, alive = psutil.wait_procs(leftover_children(before), timeout=10)  # those shutting down get a moment
    if alive:
        described = [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in alive]
        for p in alive:
            p.kill()
        pytest.fail("the tests left processes running:\n  " + "\n  ".join(described))

import sys
from pathlib import Path

import psutil
import pytest

# make tests/random_histories.py (and leftover.py) importable from every test folder
sys.path.insert(0, str(Path(__file__).parent))

from leftover import leftover_processes, mark_this_run  # noqa: E402

RUN = mark_this_run()  # before any test starts a process


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind():
    """The test run leaves no process behind (a Voilà server, a kernel, a
    worker), even one whose parent has ended: any still running at the end is
    listed as an error, then ended."""
    yield
    _, alive = psutil.wait_procs(leftover_processes(RUN), timeout=10)  # those shutting down get a moment
    if alive:
        described = [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in alive]
        for p in alive:
            p.kill()
        pytest.fail("the tests left processes running:\n  " + "\n  ".join(described))

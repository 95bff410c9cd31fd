"""The check that the test run leaves no process behind can see one."""

import subprocess
import sys

import psutil
from leftover import leftover_children


def test_a_process_still_running_is_seen_and_one_that_ended_is_not():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert [p.pid for p in leftover_children(before)] == [child.pid]
    finally:
        child.kill()
        child.wait()
    assert leftover_children(before) == []

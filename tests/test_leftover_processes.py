"""The check that the test run leaves no process behind can see one, even
one whose parent has ended (as Voilà did when ``simsuite explore`` was killed)."""

import subprocess
import sys
import time

import psutil
from leftover import MARK, leftover_processes, mark_this_run

ORPHAN = ("import subprocess, sys; "
          "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
          "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(p.pid)")


def test_a_process_left_running_is_seen_even_when_its_parent_has_ended():
    mark = mark_this_run()
    before = {p.pid for p in leftover_processes(mark)}
    starter = subprocess.run([sys.executable, "-c", ORPHAN], capture_output=True, text=True, check=True)
    orphan = psutil.Process(int(starter.stdout))
    try:
        assert orphan.ppid() != psutil.Process().pid  # not our child: its parent has ended
        assert orphan.environ()[MARK] == mark
        assert orphan.pid in {p.pid for p in leftover_processes(mark)} - before
    finally:
        orphan.kill()
        psutil.wait_procs([orphan], timeout=10)
    time.sleep(0.1)
    assert orphan.pid not in {p.pid for p in leftover_processes(mark)}

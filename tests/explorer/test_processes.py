"""``simsuite explore`` as a process: a token guards it, each page's kernel
ends when its page is closed or left idle, and Ctrl-C, SIGTERM or SIGHUP
stop Voilà and every kernel it started, and remove its temporary folder."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import psutil
import pytest


def start_explore(folder: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "simsuite.cli", "explore", "--no-browser", "--replicates", "16", *extra],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{48}", line)
    if not found:
        process.kill()
        pytest.fail(f"simsuite explore printed {line!r}; stderr: {process.communicate()[1][-2000:]}")
    return process, found.group(0)


def open_page(url: str) -> str:
    """Load the page as a browser would (this starts its kernel); the kernel's id."""
    with urllib.request.urlopen(url, timeout=120) as response:
        page = response.read().decode("utf-8")
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', page).group(1)


def descendants(process: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(process.pid).children(recursive=True)


def kernel_processes(process: subprocess.Popen) -> list[psutil.Process]:
    return [p for p in descendants(process) if "ipykernel_launcher" in " ".join(p.cmdline())]


def wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return alive


def served_folder(process: subprocess.Popen) -> Path:
    (voila,) = [p for p in descendants(process) if "voila" in " ".join(p.cmdline())]
    return Path(next(a for a in voila.cmdline() if a.endswith(".ipynb"))).parent


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_stops_voila_and_every_kernel_and_removes_the_folder(tmp_path, signum):
    process, url = start_explore(tmp_path)
    try:
        folder = served_folder(process)
        # the clean-up is the same for every signal; kernels (seconds each to start) are made under one
        pages = 2 if signum == signal.SIGTERM else 0
        for _ in range(pages):
            open_page(url)
        started = descendants(process)
        assert len([p for p in started if "ipykernel_launcher" in " ".join(p.cmdline())]) == pages
        assert folder.is_dir()
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
        assert wait_gone(started, timeout=10) == []
        assert not folder.exists()
        assert not list(tmp_path.iterdir())  # nothing left in the folder it was started from either
        err = process.stderr.read()
        assert "Traceback" not in err and "WARNING" not in err, err  # nothing alarming on the terminal
    finally:
        if process.poll() is None:
            process.kill()


def test_the_page_needs_the_token_and_a_kernel_ends_with_its_page_or_when_idle(tmp_path):
    process, url = start_explore(tmp_path, "--idle-timeout", "3")
    try:
        address = urlparse(url)
        token = address.query.split("=", 1)[1]
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.status in (302, 403) and "simsuite" not in response.read().decode()
        assert "login" in (response.getheader("Location") or "login")

        # closing the page: the page asks Voilà to shut its kernel down, as it does on unload
        kernel_id = open_page(url)
        (kernel,) = kernel_processes(process)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("POST", f"/voila/api/shutdown/{kernel_id}", headers={"Authorization": f"token {token}"})
        assert connection.getresponse().status == 204
        assert wait_gone([kernel], timeout=15) == []

        # a page that never says goodbye: its kernel is ended after the idle timeout (3 s here)
        open_page(url)
        (kernel,) = kernel_processes(process)
        assert wait_gone([kernel], timeout=30) == []
    finally:
        process.terminate()
        process.wait(timeout=60)

"""Serving the explorer as a web page with Voilà, on this computer only.

Staff who never open Jupyter run ``simsuite explore`` and use the page in a
browser. The notebook Voilà serves is written here (not read from the
project's ``notebooks/`` folder), and the page is rendered with a template
that fetches nothing from the internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

#: the Jupyter data folder holding the offline Voilà template ``simsuite``
JUPYTER_DATA = Path(__file__).parent / "jupyter"
TEMPLATE = "simsuite"


def explorer_notebook(rulebook: str = "ningxia-transport-2021", replicates: int = 300,
                      variants_dir: str | Path | None = None, exports_dir: str | Path | None = None):
    """A one-cell notebook that shows the explorer (files go to the folders
    given, or to the folder the command was started in)."""
    workdir = Path.cwd()
    variants = Path(variants_dir) if variants_dir else workdir / "scenarios" / "variants"
    exports = Path(exports_dir) if exports_dir else workdir
    source = (
        "from simsuite.explorer import Explorer\n\n"
        f"Explorer({rulebook!r}, replicates={int(replicates)},\n"
        f"         variants_dir={str(variants)!r}, exports_dir={str(exports)!r})"
    )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["title"] = "simsuite 考核办法模拟 what-if explorer"
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nb


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def voila_command(notebook: str | Path, port: int) -> list[str]:
    """Voilà on 127.0.0.1 without opening a browser, with the offline template."""
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--template={TEMPLATE}",
            "--show_tracebacks=True", "--theme=light"]


def voila_environment() -> dict[str, str]:
    """The environment Voilà needs to find the offline template."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")]))
    return env


def start(rulebook: str = "ningxia-transport-2021", port: int | None = None, replicates: int = 300,
          folder: str | Path | None = None, timeout: float = 60.0, **popen) -> tuple[subprocess.Popen, str]:
    """Start Voilà on the explorer notebook; return the process and the page's
    address once the server answers (RuntimeError if it does not in ``timeout`` s)."""
    from .. import rulebook as load_rulebook

    load_rulebook(rulebook)  # a mistyped id fails here, with a did-you-mean
    if str(rulebook).endswith(".toml"):
        rulebook = str(Path(rulebook).resolve())  # the server runs in another folder
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="simsuite-explore-"))
    notebook = folder / "simsuite-explorer.ipynb"
    nbformat.write(explorer_notebook(rulebook, replicates), notebook)
    port = port or free_port()
    process = subprocess.Popen(voila_command(notebook, port), cwd=folder, env=voila_environment(), **popen)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voilà stopped (exit code {process.returncode}) before serving {url}")
        try:
            with urllib.request.urlopen(url + "voila/static/voila.js", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.25)
    process.terminate()
    raise RuntimeError(f"Voilà did not answer at {url} within {timeout:.0f} s")


def serve(rulebook: str = "ningxia-transport-2021", port: int | None = None, open_browser: bool = True,
          replicates: int = 300) -> int:
    """Serve the explorer until interrupted (Ctrl-C); print its address."""
    process, url = start(rulebook, port, replicates)
    print(f"simsuite explorer: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 0

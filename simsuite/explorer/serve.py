"""Serving the explorer as a web page with Voilà, on this computer only.

Staff who never open Jupyter run ``simsuite explore`` and use the page in a
browser. The notebook Voilà serves is written here (not read from the
project's ``notebooks/`` folder) into a temporary folder that is removed when
the server stops, and the page is rendered with a template that fetches
nothing from the internet.

The server is a local one but still guarded: it listens on 127.0.0.1 only,
asks for a random token (printed in its address, as Jupyter does), and shows
no tracebacks on the page. Each page load starts a kernel (a Python process
of about 400 MB); it ends when the page is closed (Voilà's page asks for
that as it unloads) or, if the browser never says so, after
``idle_timeout`` seconds without a connection. Stopping ``simsuite explore``
(Ctrl-C, SIGTERM or SIGHUP) stops Voilà and every kernel it started.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import nbformat.sign

#: the Jupyter data folder holding the offline Voilà template ``simsuite``
JUPYTER_DATA = Path(__file__).parent / "jupyter"
TEMPLATE = "simsuite"
#: seconds a kernel whose page is gone (no connection) lives on before Voilà ends it
IDLE_TIMEOUT = 600


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


def voila_command(notebook: str | Path, port: int, token: str = "", idle_timeout: int = IDLE_TIMEOUT,
                  folder: str | Path | None = None) -> list[str]:
    """Voilà on 127.0.0.1 with a token, without opening a browser, with the
    offline template and no tracebacks on the page.

    - kernels whose page is gone are culled after ``idle_timeout`` s
      (``MappingKernelManager.cull_idle_timeout``; connected pages are kept);
    - kernels talk to Voilà over local sockets (``ipc``), not TCP, which also
      silences the kernel's warning about unencrypted TCP;
    - the notebook is signed with a key kept in ``folder``, which silences
      Jupyter's "Notebook … is not trusted" (it is our own notebook);
    - Voilà logs warnings and errors only.
    """
    command = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--template={TEMPLATE}",
               "--show_tracebacks=False", "--theme=light", f"--token={token}", "--Voila.log_level=WARN",
               f"--MappingKernelManager.cull_idle_timeout={int(idle_timeout)}",
               f"--MappingKernelManager.cull_interval={max(1, min(60, int(idle_timeout) // 2))}",
               "--MappingKernelManager.cull_connected=False", "--KernelManager.transport=ipc"]
    if folder is not None:
        command.append(f"--NotebookNotary.data_dir={folder}")
    return command


def voila_environment() -> dict[str, str]:
    """The environment Voilà needs to find the offline template."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")]))
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # the kernel's debugger warns about frozen modules otherwise
    return env


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: Voilà gets SIGTERM if ``simsuite explore`` dies without cleaning up (SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Server:
    """A running Voilà serving the explorer: its process, its address (with
    the token), its temporary folder. :meth:`stop` ends Voilà and every
    kernel it started and removes the folder; ``with Server(...)`` does it
    on leaving."""

    def __init__(self, rulebook: str = "ningxia-transport-2021", port: int | None = None, replicates: int = 300,
                 timeout: float = 60.0, idle_timeout: int = IDLE_TIMEOUT, **popen):
        from .. import rulebook as load_rulebook

        load_rulebook(rulebook)  # a mistyped id fails here, with a did-you-mean, before anything starts
        if str(rulebook).endswith(".toml"):
            rulebook = str(Path(rulebook).resolve())  # the server runs in another folder
        self.folder = Path(tempfile.mkdtemp(prefix="simsuite-explore-"))
        self.process: subprocess.Popen | None = None
        try:
            notebook = self.folder / "simsuite-explorer.ipynb"
            nb = explorer_notebook(rulebook, replicates)
            nbformat.sign.NotebookNotary(data_dir=str(self.folder)).sign(nb)
            nbformat.write(nb, notebook)
            self.token = secrets.token_hex(24)
            self.port = port or free_port()
            self.process = subprocess.Popen(
                voila_command(notebook, self.port, self.token, idle_timeout, self.folder), cwd=self.folder,
                env=voila_environment(), start_new_session=True,  # signals reach Voilà through stop() only
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None, **popen)
            self.address = f"http://127.0.0.1:{self.port}/"
            self.url = f"{self.address}?token={self.token}"
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Voilà stopped (exit code {self.process.returncode}) before serving "
                                   f"{self.address}")
            try:
                with urllib.request.urlopen(self.address + "voila/static/voila.js", timeout=2):
                    return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"Voilà did not answer at {self.address} within {timeout:.0f} s")

    def kernels(self) -> list:
        """The processes Voilà started (its kernels), as ``psutil.Process``."""
        import psutil

        if self.process is None or self.process.poll() is not None:
            return []
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 10.0) -> None:
        """End Voilà (which shuts its kernels down), then any kernel still
        running, and remove the temporary folder."""
        import psutil

        if self.process is not None and self.process.poll() is None:
            children = self.kernels()
            self.process.terminate()  # Voilà's own SIGTERM handler shuts every kernel down
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            alive = [p for p in children if p.is_running()]
            for p in alive:
                p.terminate()
            _, alive = psutil.wait_procs(alive, timeout=5)
            for p in alive:
                p.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(rulebook: str = "ningxia-transport-2021", port: int | None = None, replicates: int = 300,
          timeout: float = 60.0, **options) -> Server:
    """Start Voilà on the explorer notebook; return the :class:`Server` once
    it answers (RuntimeError if it does not in ``timeout`` s)."""
    return Server(rulebook, port, replicates, timeout, **options)


class _Stop(Exception):
    """SIGTERM or SIGHUP: stop serving as Ctrl-C does."""


def _raise_stop(signum, frame):
    raise _Stop(signal.Signals(signum).name)


def serve(rulebook: str = "ningxia-transport-2021", port: int | None = None, open_browser: bool = True,
          replicates: int = 300, idle_timeout: int = IDLE_TIMEOUT) -> int:
    """Serve the explorer until Ctrl-C, SIGTERM or SIGHUP; print its address."""
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    server = None
    try:
        server = Server(rulebook, port, replicates, idle_timeout=idle_timeout)
        print(f"simsuite explorer: {server.url}\n"
              f"  (open this address; the token in it keeps other users of this computer out. "
              f"Ctrl-C stops the explorer)", flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        code = server.process.wait()
        print(f"simsuite explorer: Voilà stopped (exit code {code})", file=sys.stderr)
        return code or 1
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second signal must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        if server is not None:
            server.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig, handler in previous.items():
            signal.signal(sig, handler)

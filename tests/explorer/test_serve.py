"""What ``simsuite explore`` starts, checked without starting it."""

from __future__ import annotations

import json
import os
import tempfile

import pytest

from simsuite.cli import _parser
from simsuite.explorer import serve


def test_the_served_notebook_is_written_not_read_from_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = serve.explorer_notebook("jiande-2018", replicates=128)
    (cell,) = nb.cells
    assert cell.cell_type == "code"
    assert "Explorer('jiande-2018', replicates=128," in cell.source
    # files go where the command was started, not into a temporary folder
    assert repr(str(tmp_path / "scenarios" / "variants")) in cell.source
    assert f"exports_dir={str(tmp_path)!r}" in cell.source


def test_voila_listens_on_localhost_only_with_the_offline_template():
    command = serve.voila_command("x.ipynb", 8123, token="abc", idle_timeout=300)
    assert {"--port=8123", "--no-browser", "--Voila.ip=127.0.0.1", "--template=simsuite", "--token=abc",
            "--show_tracebacks=False", "--MappingKernelManager.cull_idle_timeout=300",
            "--MappingKernelManager.cull_interval=60", "--MappingKernelManager.cull_connected=False"} <= set(command)
    env = serve.voila_environment()
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(serve.JUPYTER_DATA)
    template = serve.JUPYTER_DATA / "voila" / "templates" / "simsuite"
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    assert "cdn.jsdelivr.net" in (template / "index.html.j2").read_text()  # the links it removes


def test_a_mistyped_rulebook_fails_before_anything_starts(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(KeyError, match="did you mean 'jiande-2018'"):
        serve.start("jiande-2019")
    assert not list(tmp_path.iterdir())


def test_explore_command_line():
    args = _parser().parse_args(["explore", "--rulebook", "longyang-2019", "--port", "8900", "--no-browser"])
    assert (args.rulebook, args.port, args.no_browser, args.replicates, args.idle_timeout) == (
        "longyang-2019", 8900, True, 300, 600)
    defaults = _parser().parse_args(["explore"])
    assert (defaults.rulebook, defaults.port, defaults.no_browser) == ("ningxia-transport-2021", None, False)

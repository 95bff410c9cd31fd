"""Runs are atomic, resumable and exactly repeatable, and a run that cannot
fit in memory is refused before it starts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simsuite.cli import main
from simsuite.runs import ResourceError, estimate, parse_scenario, read_scenario, run
import importlib
run_module = importlib.import_module("simsuite.runs.run")
from simsuite.runs.resources import check

ROOT = Path(__file__).parents[2]

SCENARIO = """
[scenario]
title = "small"
year = 2021
replicates = 64
seed = 5
chunk = 16

[population]
rulebook = "ningxia-transport-2021"

[[compare]]
name = "baseline"
rulebook = "ningxia-transport-2021"

[[compare]]
name = "file"
variant = "v/points.toml"
"""

VARIANT = '[variant]\ntitle = "points"\nbaseline = "ningxia-transport-2021"\n\n[changes]\nquota.points = 7\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "points.toml").write_text(VARIANT, encoding="utf-8")
    (tmp_path / "s.toml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


def results(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "results.parquet")


# ---- atomic writes and clean output folders --------------------------------------------------------
def test_a_failed_write_leaves_nothing_and_the_old_run_intact(project):
    result = run(read_scenario(project / "s.toml"))
    out = project / "out"
    result.write(out)
    before = sorted(p.name for p in out.iterdir())

    def broken(folder):  # e.g. the report fails half-way, after the data is written
        (folder / "summary.xlsx").write_text("half a workbook")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        result.write(out, force=True, also=broken)
    assert sorted(p.name for p in out.iterdir()) == before  # the earlier run is untouched
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []  # no staging folder left
    with pytest.raises(RuntimeError):
        result.write(project / "new", also=broken)
    assert not (project / "new").exists()


def test_force_replaces_the_folder_so_no_stale_file_remains(project):
    result = run(read_scenario(project / "s.toml"))
    out = project / "out"
    out.mkdir()
    (out / "summary.xlsx").write_text("a corrupt workbook from an interrupted run")
    (out / "stale.csv").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        result.write(out)
    result.write(out, force=True)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "results.parquet", "scenario.toml"]


# ---- resume -------------------------------------------------------------------------------------------
def test_an_interrupted_run_resumes_from_its_completed_chunks(project, monkeypatch, capsys):
    scenario = str(project / "s.toml")
    assert main(["run", scenario, "--out", str(project / "whole")]) == 0

    calls: list[range] = []
    real = run_module.run_chunk

    def interrupted(*args):
        if len(calls) == 2:  # Ctrl-C while the third of four chunks is scored
            raise KeyboardInterrupt
        calls.append(args[-1])
        return real(*args)

    monkeypatch.setattr(run_module, "run_chunk", interrupted)
    out = project / "out"
    assert main(["run", scenario, "--out", str(out)]) == 130
    assert "interrupted; the 2 completed chunk(s) are kept" in capsys.readouterr().err
    assert not out.exists()  # no half-written run
    kept = project / ".out.chunks"
    assert sorted(p.name for p in kept.glob("chunk-*.parquet")) == [
        "chunk-000000000-000000016.parquet", "chunk-000000016-000000032.parquet"]

    calls.clear()
    monkeypatch.setattr(run_module, "run_chunk", lambda *args: calls.append(args[-1]) or real(*args))
    assert main(["run", scenario, "--out", str(out)]) == 0
    assert calls == [range(32, 48), range(48, 64)]  # only the chunks that were missing
    pd.testing.assert_frame_equal(results(out), results(project / "whole"))
    assert not kept.exists()  # removed once the run is in place


def test_chunks_of_an_edited_scenario_are_not_reused(project):
    s = read_scenario(project / "s.toml")
    run(s, checkpoint=project / "chunks")
    assert len(list((project / "chunks").glob("chunk-*"))) == 4
    (project / "v" / "points.toml").write_text(VARIANT.replace("= 7", "= 8"), encoding="utf-8")
    edited = read_scenario(project / "s.toml")
    calls = []
    real = run_module.run_chunk
    run_module.run_chunk = lambda *args: calls.append(args[-1]) or real(*args)
    try:
        again = run(edited, checkpoint=project / "chunks")
    finally:
        run_module.run_chunk = real
    assert len(calls) == 4
    pd.testing.assert_frame_equal(again.results, run(edited).results)


def test_sigint_to_the_command_then_the_same_command_resumes(project):
    """The real thing: ``simsuite run --workers 2`` in a process, interrupted
    by SIGINT after its first chunk is saved, then run again."""
    text = SCENARIO.replace("replicates = 64", "replicates = 1600")
    (project / "long.toml").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "simsuite.cli", "run", "long.toml", "--out", "out"]
    process = subprocess.Popen(command + ["--workers", "2"], cwd=project, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    kept = project / ".out.chunks"
    deadline = time.monotonic() + 120
    while not list(kept.glob("chunk-*.parquet")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the command and its pool workers
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0, err
    assert "Traceback" not in err and "interrupted" in err
    assert not (project / "out").exists()
    done = len(list(kept.glob("chunk-*.parquet")))
    assert 1 <= done < 1600 // 16  # some chunks of 16 replicates were saved, not all 100 of them
    finished = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert f"resuming from {done} completed chunk" in finished.stderr
    assert results(project / "out")["replicate"].max() == 1599


# ---- exact repeats ------------------------------------------------------------------------------------
def test_a_repeat_uses_the_kept_texts_from_any_folder(project, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["run", "s.toml", "--out", "one"]) == 0  # a relative path
    manifest = json.loads((project / "one" / "manifest.json").read_text(encoding="utf-8"))
    file = manifest["variant_files"]["v/points.toml"]
    assert file["text"] == VARIANT
    assert file["parameters"] == manifest["comparisons"]["file"]["parameters"]
    rb = manifest["rulebook_files"]["ningxia-transport-2021"]
    assert rb["text"] == (ROOT / "simsuite/rulebooks/ningxia-transport-2021.toml").read_text(encoding="utf-8")
    assert rb["parameters"] == manifest["comparisons"]["baseline"]["parameters"]

    # the variant file is edited, then deleted; the repeat runs from another folder
    (project / "v" / "points.toml").write_text(VARIANT.replace("= 7", "= 9"), encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    (project / "v" / "points.toml").unlink()
    assert main(["run", str(project / "one" / "manifest.json"), "--out", "two"]) == 0
    pd.testing.assert_frame_equal(results(project / "one"), results(elsewhere / "two"))


def test_a_repeat_uses_the_kept_rulebook_text_when_the_installed_one_differs(project):
    s = read_scenario(project / "s.toml")
    first = run(s)
    manifest = json.loads(json.dumps(first.manifest))
    kept = manifest["rulebook_files"]["ningxia-transport-2021"]
    # as if the run had been made with a rulebook file whose quota paid 6 points
    kept["text"] = kept["text"].replace(*_quota_points(kept["text"], 6))
    from simsuite.runs import repeat_manifest

    with pytest.raises(ValueError, match="rebuilt with parameters .* but the run used"):
        repeat_manifest(manifest)
    again = repeat_manifest({**manifest, "comparisons": {}})
    assert again.comparisons[0].rulebook.parameters["quota.points"] == 6
    assert again.comparisons[1].rulebook.parameters["quota.points"] == 7  # the variant sits on the kept text


def _quota_points(text: str, value: int) -> tuple[str, str]:
    import re

    section = re.search(r"\[quota\.points\][^\[]*", text).group(0)
    line = re.search(r"value = \d+", section).group(0)
    return section, section.replace(line, f"value = {value}")


def test_dask_workers_read_no_file(project):
    from dask import distributed

    s = read_scenario(project / "s.toml")
    (project / "v" / "points.toml").unlink()  # gone before any worker could read it
    base = run(s).results
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        pd.testing.assert_frame_equal(run(s, executor=client).results, base)


# ---- resource guard -----------------------------------------------------------------------------------
def test_the_estimate_is_worked_out_from_the_size():
    s = read_scenario(ROOT / "scenarios/ningxia-normalisation.toml")
    est = estimate(s, replicates=1000)
    # 1000 replicate years × 51 units × 2 comparisons = 102,000 result rows
    assert est.rows == 102_000
    assert est.result_bytes == 102_000 * 600           # 61.2 MB
    assert est.chunk_bytes == 256 * 51 * 16_000         # one chunk of 256 years of 51 units: 208.9 MB
    assert est.seconds == pytest.approx(102_000 * 60e-6)  # 6.1 s on one core
    assert estimate(s, replicates=1000, workers=2).seconds == pytest.approx(3.06)


def test_a_run_that_cannot_fit_is_refused_with_the_numbers_and_what_to_do():
    s = read_scenario(ROOT / "scenarios/ningxia-normalisation.toml")
    gb = 10**9
    # 10 million replicate years: 1.02 billion rows, 612 GB of results; half of 8 GB holds
    # 4e9 / (102 rows × 600 B) = 65,359 replicate years
    with pytest.raises(ResourceError, match=r"needs about 612\.2 GB .* but this computer has 8\.0 GB free; "
                                            r"try fewer replicates \(about 65,359 fit"):
        check(s, replicates=10_000_000, memory=8 * gb)
    big = parse_scenario(SCENARIO.replace('rulebook = "ningxia-transport-2021"\n\n[[', 'units = 200000\n\n[[', 1)
                         .replace('variant = "v/points.toml"', 'rulebook = "ningxia-transport-2021"'),
                         ROOT, "big.toml")
    # one chunk of 16 years of 200,000 units peaks at 16 × 200,000 × 16 KB = 51.2 GB
    with pytest.raises(ResourceError, match=r"51\.2 GB per chunk .*fewer units, or a Dask cluster whose workers "
                                            r"have 51\.2 GB each"):
        check(big, memory=16 * gb)
    # chunk = 256 of 2,000 units: 8.2 GB; with 4 GB free, half of it holds 2e9 / (2000 × 16 KB) = 62.5
    # replicate years: a chunk of 48
    wide = parse_scenario(big.text.replace("chunk = 16", "chunk = 256").replace("units = 200000", "units = 2000"),
                          ROOT, "wide.toml")
    with pytest.raises(ResourceError, match=r"a smaller chunk \(chunk = 48 in \[scenario\] fits\)"):
        check(wide, memory=4 * gb)
    assert check(wide, memory=100 * gb).rows == 64 * 2000 * 2


def test_the_python_run_is_guarded_too(monkeypatch):
    from simsuite.runs import resources

    s = read_scenario(ROOT / "scenarios/ningxia-normalisation.toml")  # 1 chunk of 256 × 51 units: 208.9 MB
    monkeypatch.setattr(resources, "available_memory", lambda: 200_000_000)
    # half of 200 MB holds 100 MB / (51 × 16 KB) = 122.5 replicate years: a chunk of 112
    with pytest.raises(ResourceError, match=r"this computer has 200\.0 MB free; try a smaller chunk \(chunk = 112"):
        run(s)


def test_the_command_refuses_before_writing_anything(project, capsys):
    (project / "huge.toml").write_text(SCENARIO.replace("replicates = 64", "replicates = 10_000_000"),
                                       encoding="utf-8")
    assert main(["run", str(project / "huge.toml"), "--out", str(project / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "this run needs about" in err[0] and "try fewer replicates" in err[0]
    assert not (project / "out").exists() and not (project / ".out.chunks").exists()


def test_stacked_and_absolute_variant_paths_are_kept_and_repeat_anywhere(tmp_path, monkeypatch):
    from simsuite.runs import repeat_manifest

    (tmp_path / "common").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "common" / "base.toml").write_text(VARIANT.replace("= 7", "= 6"), encoding="utf-8")
    (tmp_path / "common" / "top.toml").write_text(
        '[variant]\ntitle = "top"\nbaseline = "base.toml"\n\n[changes]\n"normalise.enabled" = false\n',
        encoding="utf-8")
    (tmp_path / "abs.toml").write_text(VARIANT.replace("= 7", "= 8"), encoding="utf-8")
    text = SCENARIO.replace('variant = "v/points.toml"', 'variant = "../common/top.toml"') + (
        f'\n[[compare]]\nname = "absolute"\nvariant = "{(tmp_path / "abs.toml").as_posix()}"\n')
    first = run(parse_scenario(text.replace("replicates = 64", "replicates = 16"), tmp_path / "scenarios", "s.toml"))
    manifest = json.loads(json.dumps(first.manifest))
    assert sorted(manifest["variant_files"]) == sorted(
        ["../common/base.toml", "../common/top.toml", (tmp_path / "abs.toml").as_posix()])
    monkeypatch.chdir("/")
    for path in [*(tmp_path / "common").iterdir(), tmp_path / "abs.toml"]:
        path.unlink()
    again = repeat_manifest(manifest)
    assert [c.rulebook.parameters["quota.points"] for c in again.comparisons] == [5, 6, 8]
    pd.testing.assert_frame_equal(run(again).results, first.results)

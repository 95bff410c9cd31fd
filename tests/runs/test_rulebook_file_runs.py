"""A run of a bureau's own rulebook file (and a variant over it) repeats
exactly from its manifest alone: the rulebook file, the variant file and the
unit list beside the rulebook are kept as texts, so a repeat reads no file,
works from any folder and ignores later edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from simsuite.cli import main

ROOT = Path(__file__).parents[2]
RULEBOOK = ROOT / "data" / "rulebooks" / "example-county-2024.toml"

SCENARIO = """
[scenario]
title = "示例县: 加年度封顶"
year = 2024
replicates = 32
seed = 11

[[compare]]
name = "baseline"
rulebook = "county.toml"

[[compare]]
name = "capped"
variant = "capped.toml"
"""

VARIANT = """
[variant]
title = "年度封顶 20 分"
baseline = "county.toml"
add = ["year_cap"]

[changes]
year_cap.points = 20
"""

UNITS = "unit_id,name,group\n" + "".join(
    f"{i:02d},{'镇' if i <= 5 else '局'}{i:02d},{'township' if i <= 5 else 'department'}\n" for i in range(1, 11))


def test_a_rulebook_file_its_units_and_a_variant_over_it_are_kept_and_repeat_exactly(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(RULEBOOK, project / "county.toml")
    (project / "county.units.csv").write_text(UNITS, encoding="utf-8")
    (project / "capped.toml").write_text(VARIANT, encoding="utf-8")
    (project / "s.toml").write_text(SCENARIO, encoding="utf-8")
    assert main(["run", str(project / "s.toml"), "--out", str(project / "out")]) == 0
    manifest = json.loads((project / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["variant_files"]) == {"county.toml", "county.units.csv", "capped.toml"}
    first = pd.read_parquet(project / "out" / "results.parquet")
    assert set(first["name"].astype(str)) == {f"{'镇' if i <= 5 else '局'}{i:02d}" for i in range(1, 11)}

    # the files change or go away; the repeat runs from another folder on the kept texts alone
    (project / "county.toml").write_text("not a rulebook any more", encoding="utf-8")
    (project / "county.units.csv").unlink()
    (project / "capped.toml").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["run", str(project / "out" / "manifest.json"), "--out", "repeat"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(elsewhere / "repeat" / "results.parquet"), first)

"""The project names its sources by title, issuer, year and article and keeps
its own readings in docs/decisions.md: no file may point outside the project
(to the specification or format notes it was written from, to a sibling
folder, or to a source text by its file name)."""

from __future__ import annotations

import re
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]

# Written with escapes so that this file does not match itself.
POINTER = re.compile(rb"RULES\.md|FORMAT\.md|\.\./shared|\d{3}_[0-9a-f]{16}\.txt")

# Tool and build output, not the project's own files.
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints", "build", "dist"}


def _files(top: Path):
    for path in sorted(top.rglob("*")):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.is_file():
            yield path


def offenders(top: Path, exclude: Path | None = None) -> list[str]:
    """'path:line: text' for every line of a file under ``top`` that points outside."""
    found = []
    for path in _files(top):
        if exclude is not None and exclude in path.parents:
            continue
        data = path.read_bytes()
        for n, line in enumerate(data.splitlines(), 1):
            if POINTER.search(line):
                text = line.decode("utf-8", "replace").strip()[:100]
                found.append(f"{path.relative_to(ROOT)}:{n}: {text}")
    return found


def test_pattern_catches_every_kind_of_pointer(tmp_path):
    samples = ["see RULES" ".md C-8", "(FORMAT" ".md)", "../" "shared/seeds", "seed 003_980513b8af73c8d7" ".txt"]
    assert all(POINTER.search(s.encode()) for s in samples)
    assert not POINTER.search("decision C-8 (docs/decisions.md); docs/ledger-format.md".encode())


def test_no_file_outside_the_package_points_outside_the_project():
    bad = offenders(ROOT, exclude=ROOT / "simsuite")
    assert bad == [], "files pointing outside the project:\n" + "\n".join(bad)


def test_no_file_of_the_package_points_outside_the_project():
    bad = offenders(ROOT / "simsuite")
    assert bad == [], "files pointing outside the project:\n" + "\n".join(bad)

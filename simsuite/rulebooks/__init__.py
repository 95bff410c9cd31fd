"""Rulebooks: the built-in ones, found as the TOML files of this folder, and
any other rulebook file by its path.

Each file holds every parameter with its citation and lists the rule
components (from :mod:`simsuite.rules`) it composes; see
``docs/authoring.md`` for writing one.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from ..engine.rulebook import Rulebook
from ..params import suggest
from .compose import RulebookError, read_rulebook

HERE = Path(__file__).parent


def available() -> list[str]:
    """The built-in rulebooks' ids: the files of this folder, by name."""
    return sorted(p.stem for p in HERE.glob("*.toml"))


def is_rulebook_file(path: str | Path) -> bool:
    """Whether ``path`` names a rulebook file (not a variant) by its content."""
    from ..params.rulebook_file import load_toml

    path = Path(path)
    return path.suffix == ".toml" and path.is_file() and "rulebook" in load_toml(path)


@lru_cache(maxsize=None)
def load(rulebook_id: str) -> Rulebook:
    """The baseline rulebook ``rulebook_id`` (cached: rulebooks are immutable)."""
    if rulebook_id not in available():
        raise KeyError(f"no rulebook {rulebook_id!r}{suggest(rulebook_id, available())}; available: {available()}"
                       " (or give the path of a rulebook file)")
    rb = read_rulebook(HERE / f"{rulebook_id}.toml")
    if rb.id != rulebook_id:
        raise RulebookError(f"{HERE / (rulebook_id + '.toml')}: [rulebook] id {rb.id!r} differs from the file name")
    return rb


@lru_cache(maxsize=64)
def _load_file(path: Path, mtime: float) -> Rulebook:
    return read_rulebook(path)


def load_file(path: str | Path) -> Rulebook:
    """A rulebook from any rulebook file (re-read when the file changes)."""
    path = Path(path).resolve()
    if not path.is_file():
        raise RulebookError(f"{path}: no such rulebook file")
    return _load_file(path, path.stat().st_mtime)


def from_text(text: str, path: str | Path, units: str | None = None) -> Rulebook:
    """The rulebook a file's text describes, read as the file at ``path``
    would be: that file itself while it still holds this text (so what lies
    beside it, such as its unit list, is found), else the text as kept, e.g.
    by a run's manifest, with ``units``, the text of the unit list that lay
    beside it (``<file>.units.csv``), if any."""
    path = Path(path)
    if path.parent.resolve() == HERE.resolve() and path.stem in available():
        if (HERE / path.name).read_text(encoding="utf-8") == text:
            return load(path.stem)
    else:
        try:
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                return load_file(path)
        except (OSError, UnicodeDecodeError):
            pass
    kept = Path(tempfile.mkdtemp(prefix="rulebook-", dir=_kept_folder())) / path.name
    kept.write_text(text, encoding="utf-8")
    if units is not None:
        kept.with_suffix(".units.csv").write_text(units, encoding="utf-8")
    return read_rulebook(kept)


@lru_cache(maxsize=None)
def _kept_folder() -> Path:
    """Where kept rulebook texts live while this process runs (their unit
    lists are read when a population is drawn, after the file is read)."""
    folder = Path(tempfile.mkdtemp(prefix="simsuite-kept-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def resolve(name) -> Rulebook:
    """A rulebook from what a user may give: a Rulebook, a built-in id, the
    path of a rulebook file, or the path of a variant file."""
    from ..engine.variant_file import read_variant

    if isinstance(name, Rulebook):
        return name
    if str(name) in available():
        return load(str(name))
    if str(name).endswith(".toml"):
        return load_file(name) if is_rulebook_file(name) else read_variant(name)
    return load(str(name))  # raises with a did-you-mean


from .. import results as _results  # noqa: E402,F401  (scoring returns its score tables)
from ..engine import variant_file as _variant_file  # noqa: E402

if not _variant_file.RESOLVERS:  # variant files name baselines by id or by rulebook file
    _variant_file.RESOLVERS.append((available, load, from_text))

__all__ = ["resolve", "from_text", "HERE", "Rulebook", "RulebookError", "available", "is_rulebook_file", "load", "load_file"]

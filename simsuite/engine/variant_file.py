"""Variant files: a header and only what changes, in TOML.

    [variant]
    title = "宁夏: 不做季度换算"
    description = "Quarter points count as they are."
    baseline = "ningxia-transport-2021"      # a rulebook id, a rulebook file, or another variant file
    add = ["award_top_and_bottom"]           # rule components to add (optional)
    remove = []                              # and to remove (optional)

    [changes]
    normalise.enabled = false

``baseline`` may name a rulebook file or another variant file (relative to
this one), so variants stack. Reading a variant never executes anything from it: it is
parsed as TOML and every path is checked against the rulebook.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Callable, Mapping

from .rulebook import Rulebook, VariantError

HEADER_KEYS = {"title", "description", "baseline", "add", "remove"}

#: how a ``baseline`` name becomes a rulebook: set by :mod:`simsuite.rulebooks`
#: (a built-in id or a rulebook file; the engine knows neither)
RESOLVERS: list = []

#: tables nested deeper than this are refused (a parameter path is at most a few levels deep)
MAX_DEPTH = 12


def parse_toml(text: str, where: str, error: type[ValueError] = VariantError) -> dict:
    """A TOML document as a dict, or ``error`` naming ``where``: bad syntax,
    and nesting deeper than :data:`MAX_DEPTH`, are user mistakes, not crashes."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{where}: tables nested too deeply (more than {MAX_DEPTH} levels)") from None
    stack = [(doc, 1)]
    while stack:  # without recursion, so any depth is measured safely
        table, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(f"{where}: tables nested too deeply (more than {MAX_DEPTH} levels)")
        children = table.values() if isinstance(table, dict) else table
        stack += [(v, depth + 1) for v in children if isinstance(v, (dict, list))]
    return doc


def read_text(path: Path, what: str, error: type[ValueError] = VariantError) -> str:
    """A UTF-8 text file, or ``error`` saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder; give the {what} itself") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start}); save the {what} as UTF-8") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


def read_variant(path: str | Path, _seen: tuple[Path, ...] = (), baseline: Rulebook | None = None,
                 reader: Callable[[Path], str] | None = None,
                 baselines: Mapping[str, Rulebook] | None = None) -> Rulebook:
    """The variant a file describes. ``baseline``, when given, stands for a
    ``baseline`` naming the same rulebook (e.g. one read from a path).
    ``reader`` supplies a file's text (by default read from disk; a run
    repeated from its manifest supplies the texts it kept), ``baselines``
    rulebooks to use instead of the built-in ones of the same id."""
    path = Path(path)
    if not RESOLVERS:
        raise RuntimeError("import simsuite (or simsuite.rulebooks) to read variant files")
    available, load, from_text = RESOLVERS[0]
    if path.resolve() in _seen:
        raise VariantError(f"{path}: variants form a cycle through {[str(p) for p in _seen]}")
    text = reader(path) if reader is not None else read_text(path, "variant file")
    doc = parse_toml(text, str(path))
    unknown = set(doc) - {"variant", "changes"}
    if unknown:
        raise VariantError(f"{path}: unknown table(s) {sorted(unknown)}; a variant file has [variant] and [changes]")
    header = doc.get("variant")
    if not isinstance(header, dict):
        raise VariantError(f"{path}: needs a [variant] table with title, description, baseline")
    bad = set(header) - HEADER_KEYS
    missing = {"title", "baseline"} - set(header)
    if bad or missing:
        raise VariantError(f"{path}: [variant] has unknown keys {sorted(bad)} / lacks {sorted(missing)}; "
                           f"allowed: {sorted(HEADER_KEYS)}")
    for key, value in header.items():
        if key not in ("add", "remove") and not isinstance(value, str):
            raise VariantError(f"{path}: [variant] {key} = {value!r}: expected text in quotes")
    changes = doc.get("changes", {})
    if not isinstance(changes, dict):
        raise VariantError(f"{path}: changes = {changes!r}: expected a [changes] table of parameter = value")
    base_name = header["baseline"]
    if baseline is not None and base_name in (baseline.id, baseline.root.id):
        pass
    elif base_name in available():
        baseline = (baselines or {}).get(base_name) or load(base_name)
    elif base_name.endswith(".toml"):
        target = path.parent / base_name
        target_text = reader(target) if reader is not None else read_text(target, "baseline file")
        if "rulebook" in parse_toml(target_text, str(target)):
            units = beside_units(reader, target) if reader is not None else None  # kept with the file
            baseline = from_text(target_text, target, units)
        else:
            baseline = read_variant(target, _seen + (path.resolve(),), reader=reader, baselines=baselines)
    else:
        from ..params import suggest

        raise VariantError(f"{path}: baseline {base_name!r} is neither a rulebook id nor a rulebook or variant file"
                           f"{suggest(base_name, available())}")
    lists = {}
    for key in ("add", "remove"):
        value = header.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise VariantError(f"{path}: [variant] {key} must be a list of component names, not {value!r}")
        lists[key] = value
    try:
        return baseline.vary(changes, title=header["title"], description=header.get("description", ""), **lists)
    except VariantError as exc:
        raise VariantError(f"{path}: {exc}") from None


def beside_units(reader: Callable[[Path], str], rulebook_file: Path) -> str | None:
    """The text of the unit list beside a rulebook file (``<file>.units.csv``),
    read through ``reader`` so a run keeps it with the file; None if there is none."""
    try:
        return reader(rulebook_file.with_suffix(".units.csv"))
    except ValueError:  # none beside it (or none kept): the rulebook's groups decide the population
        return None


def write_variant(rulebook: Rulebook, path: str | Path) -> Path:
    """Save a variant as an overlay file: its header and its changes only."""
    import tomli_w

    if rulebook.baseline is None:
        raise ValueError("a baseline rulebook has no changes to save")
    added, removed = rulebook.all_components()
    base = rulebook.root
    header = {"title": rulebook.name, "description": rulebook.description,
              "baseline": base.id if base.id in _builtin() else str(base.file.path)}
    if added:
        header["add"] = added
    if removed:
        header["remove"] = removed
    doc = {
        "variant": header,
        "changes": {k: (list(v) if isinstance(v, tuple) else v) for k, v in rulebook.all_changes().items()},
    }
    path = Path(path)
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def _builtin() -> list[str]:
    return RESOLVERS[0][0]() if RESOLVERS else []

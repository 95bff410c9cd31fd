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

from .rulebook import Rulebook, VariantError

HEADER_KEYS = {"title", "description", "baseline", "add", "remove"}

#: how a ``baseline`` name becomes a rulebook: set by :mod:`simsuite.rulebooks`
#: (a built-in id or a rulebook file; the engine knows neither)
RESOLVERS: list = []


def read_variant(path: str | Path, _seen: tuple[Path, ...] = (), baseline: Rulebook | None = None) -> Rulebook:
    """A variant file as a :class:`Rulebook`; ``baseline``, when given, stands
    for a ``baseline`` naming the same rulebook (e.g. one read from a path)."""
    path = Path(path)
    if not RESOLVERS:
        raise RuntimeError("import simsuite (or simsuite.rulebooks) to read variant files")
    builtin, is_rulebook_file, load, load_file = RESOLVERS[0]
    available = builtin
    if path.resolve() in _seen:
        raise VariantError(f"{path}: variants form a cycle through {[str(p) for p in _seen]}")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VariantError(f"{path}: no such variant file") from None
    except tomllib.TOMLDecodeError as exc:
        raise VariantError(f"{path}: not valid TOML: {exc}") from None
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
    base_name = str(header["baseline"])
    if baseline is not None and base_name in (baseline.id, baseline.root.id):
        pass
    elif base_name in available():
        baseline = load(base_name)
    elif base_name.endswith(".toml"):
        target = path.parent / base_name
        if not target.is_file():
            raise VariantError(f"{path}: baseline {base_name!r}: no such file ({target})")
        if is_rulebook_file(target):
            baseline = load_file(target)
        else:
            baseline = read_variant(target, _seen + (path.resolve(),))
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
        return baseline.vary(doc.get("changes", {}), title=str(header["title"]),
                             description=str(header.get("description", "")), **lists)
    except VariantError as exc:
        raise VariantError(f"{path}: {exc}") from None


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

"""Variant files: a header and only what changes, in TOML.

    [variant]
    title = "宁夏: 不做季度换算"
    description = "Quarter points count as they are."
    baseline = "ningxia-transport-2021"      # a rulebook id, or another variant file

    [changes]
    normalise.enabled = false

``baseline`` may name another variant file (relative to this one), so
variants stack. Reading a variant never executes anything from it: it is
parsed as TOML and every path is checked against the rulebook.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .rulebook import Rulebook, VariantError

HEADER_KEYS = {"title", "description", "baseline"}


def read_variant(path: str | Path, _seen: tuple[Path, ...] = ()) -> Rulebook:
    from ..rulebooks import MODULES, load

    path = Path(path)
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
    if base_name in MODULES:
        baseline = load(base_name)
    elif base_name.endswith(".toml"):
        baseline = read_variant(path.parent / base_name, _seen + (path.resolve(),))
    else:
        from ..params import suggest

        raise VariantError(f"{path}: baseline {base_name!r} is neither a rulebook id nor a variant file"
                           f"{suggest(base_name, list(MODULES))}")
    try:
        return baseline.vary(doc.get("changes", {}), title=str(header["title"]),
                             description=str(header.get("description", "")))
    except VariantError as exc:
        raise VariantError(f"{path}: {exc}") from None


def write_variant(rulebook: Rulebook, path: str | Path) -> Path:
    """Save a variant as an overlay file: its header and its changes only."""
    import tomli_w

    if rulebook.baseline is None:
        raise ValueError("a baseline rulebook has no changes to save")
    doc = {
        "variant": {"title": rulebook.name, "description": rulebook.description, "baseline": rulebook.id},
        "changes": {k: (list(v) if isinstance(v, tuple) else v) for k, v in rulebook.all_changes().items()},
    }
    path = Path(path)
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path

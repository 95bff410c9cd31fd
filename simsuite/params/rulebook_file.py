"""Reading one rulebook's parameter file (TOML) into a structured spec.

A rulebook file has four kinds of top-level table:

- ``[rulebook]`` — id, names, the source document, a one-line summary;
- ``[groups.<id>]`` — the groups units are assessed in (name, citation);
- ``[outlets.<id>]`` — the outlet catalogue (Chinese name, level, sections);
- ``[checklist_lines.<line>]`` — checklist lines, where the rulebook scores them;

and everything else is parameters: any table with a ``value`` key
(see :mod:`simsuite.params.tree`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .tree import Param, Parameters, unfold

#: Outlet levels relative to the assessing bureau: used to map one behaviour
#: model of adoption onto every bureau's catalogue.
OUTLET_LEVELS = ("own", "up1", "up2", "national")

STRUCTURE_KEYS = {"rulebook", "groups", "outlets", "checklist_lines"}


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    level: str
    cite: str
    sections: Mapping[str, str]  # section id -> Chinese name


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    cite: str


@dataclass(frozen=True)
class ChecklistLine:
    id: str
    name: str
    cite: str


@dataclass(frozen=True)
class RulebookFile:
    """The parsed content of a rulebook file."""

    path: Path
    meta: Mapping[str, Any]
    groups: Mapping[str, Group]
    outlets: Mapping[str, Outlet]
    checklist: Mapping[str, ChecklistLine]
    parameters: Parameters


def read_rulebook_file(path: str | Path) -> RulebookFile:
    """Parse and check a rulebook file; errors name the file and the table."""
    path = Path(path)
    with path.open("rb") as fh:
        try:
            doc = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
    try:
        return _build(path, doc)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _build(path: Path, doc: Mapping[str, Any]) -> RulebookFile:
    meta = dict(doc["rulebook"])
    for key in ("id", "name", "title", "seed", "summary"):
        if not meta.get(key):
            raise ValueError(f"[rulebook] needs {key!r}")
    groups = {
        str(gid): Group(str(gid), g["name"], g["cite"]) for gid, g in doc.get("groups", {}).items()
    }
    if not groups:
        raise ValueError("no [groups.<id>] table")
    outlets = {}
    for oid, o in doc.get("outlets", {}).items():
        if o["level"] not in OUTLET_LEVELS:
            raise ValueError(f"[outlets.{oid}] level {o['level']!r} not among {OUTLET_LEVELS}")
        outlets[oid] = Outlet(oid, o["name"], o["level"], o["cite"], dict(o["sections"]))
    checklist = {
        lid: ChecklistLine(lid, line["name"], line["cite"]) for lid, line in doc.get("checklist_lines", {}).items()
    }
    params = parameters_from_tables({k: v for k, v in doc.items() if k not in STRUCTURE_KEYS})
    _check_points_match_catalogue(params, outlets)
    _check_checklist_lines_have_rules(params, checklist)
    return RulebookFile(path, meta, groups, outlets, checklist, params)


def parameters_from_tables(doc: Mapping[str, Any]) -> Parameters:
    """Every parameter (a table with ``value``) in a parsed TOML document."""
    leaves: dict[str, Param] = {}
    for key, node in doc.items():
        for p in _params(key, node):
            leaves[p.path] = p
    return Parameters(leaves)


def _params(prefix: str, node: Any):
    if not isinstance(node, Mapping):
        raise ValueError(f"{prefix!r} is neither a parameter (a table with 'value') nor a table of them")
    if "value" in node:
        yield from unfold(prefix, node)
        return
    for key, sub in node.items():
        yield from _params(f"{prefix}.{key}", sub)


def _check_checklist_lines_have_rules(params: Parameters, lines: Mapping[str, ChecklistLine]) -> None:
    """Every checklist line has its points and its rule, and nothing else does."""
    for table in ("checklist.points", "checklist.rule"):
        got = set(params.table(table)) if lines else set()
        if got != set(lines):
            raise ValueError(f"{table} covers {sorted(got)}, the [checklist_lines] {sorted(lines)}")


def _check_points_match_catalogue(params: Parameters, outlets: Mapping[str, Outlet]) -> None:
    """Every catalogued outlet section has points, and every point names one."""
    if not outlets:
        return
    table = params.table("adoption.points")
    for oid, outlet in outlets.items():
        got = set(table.get(oid, {}))
        want = set(outlet.sections)
        if got != want:
            raise ValueError(
                f"adoption.points.{oid} has sections {sorted(got)}, the catalogue {sorted(want)}"
            )
    extra = set(table) - set(outlets)
    if extra:
        raise ValueError(f"adoption.points names outlets not in the catalogue: {sorted(extra)}")

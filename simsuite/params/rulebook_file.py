"""Reading one rulebook's parameter file (TOML) into a structured spec.

A rulebook file has four kinds of top-level table:

- ``[rulebook]`` — id, names, the source document (a ``source`` table:
  title, issuer, year), a one-line summary, and the rule ``components`` it
  composes, in order;
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
META_KEYS = {"id", "name", "title", "summary", "source", "year", "components", "instruction_levels"}
SOURCE_KEYS = {"title", "issuer", "year"}


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
    doc = load_toml(path)
    try:
        return _build(path, doc)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def load_toml(path: str | Path) -> dict:
    """A TOML file's tables; a missing or malformed file is a ValueError naming it."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None


def _build(path: Path, doc: Mapping[str, Any], params: Parameters | None = None) -> RulebookFile:
    """The file's structure, with ``params`` (or its parameter tables as they are)."""
    meta, groups, outlets, checklist = structure(doc)
    if params is None:
        params = parameters_from_tables(parameter_tables(doc))
    _check_points_match_catalogue(params, outlets)
    _check_checklist_lines_have_rules(params, checklist)
    return RulebookFile(path, meta, groups, outlets, checklist, params)


def parameter_tables(doc: Mapping[str, Any]) -> dict:
    return {k: v for k, v in doc.items() if k not in STRUCTURE_KEYS}


def _keys(table: str, node: Any, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    from .tree import suggest

    if not isinstance(node, Mapping):
        raise ValueError(f"[{table}] must be a table")
    for key in node:
        if key not in allowed:
            raise ValueError(f"[{table}] has unknown key {key!r}{suggest(key, allowed)}; allowed: {sorted(allowed)}")
    for key in sorted(required):
        if node.get(key) in (None, ""):
            raise ValueError(f"[{table}] needs {key!r}")
    return node


def structure(doc: Mapping[str, Any]):
    """The ``[rulebook]``, ``[groups]``, ``[outlets]`` and ``[checklist_lines]``
    tables, each key checked."""
    if "rulebook" not in doc:
        raise ValueError("no [rulebook] table")
    meta = dict(_keys("rulebook", doc["rulebook"], META_KEYS, {"id", "name", "title", "summary", "source"}))
    _keys("rulebook.source", meta["source"], SOURCE_KEYS, SOURCE_KEYS)
    groups = {
        str(gid): Group(str(gid), g["name"], g["cite"])
        for gid, g in doc.get("groups", {}).items() if _keys(f"groups.{gid}", g, {"name", "cite"}, {"name", "cite"})
    }
    if not groups:
        raise ValueError("no [groups.<id>] table")
    outlets = {}
    for oid, o in doc.get("outlets", {}).items():
        _keys(f"outlets.{oid}", o, {"name", "level", "sections", "cite"}, {"name", "level", "sections", "cite"})
        if o["level"] not in OUTLET_LEVELS:
            raise ValueError(f"[outlets.{oid}] level {o['level']!r} not among {OUTLET_LEVELS}")
        outlets[oid] = Outlet(oid, o["name"], o["level"], o["cite"], dict(o["sections"]))
    checklist = {
        lid: ChecklistLine(lid, line["name"], line["cite"]) for lid, line in doc.get("checklist_lines", {}).items()
        if _keys(f"checklist_lines.{lid}", line, {"name", "cite"}, {"name", "cite"})
    }
    return meta, groups, outlets, checklist


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
    if not lines and not params.has("checklist.points"):
        return
    for table in ("checklist.points", "checklist.rule"):
        got = set(params.table(table)) if lines else set()
        if got != set(lines):
            raise ValueError(f"{table} covers {sorted(got)}, the [checklist_lines] {sorted(lines)}")


def _check_points_match_catalogue(params: Parameters, outlets: Mapping[str, Outlet]) -> None:
    """Every catalogued outlet section has points, and every point names one."""
    if not outlets or not params.has("adoption.points"):
        return
    table = params.table("adoption.points")
    for oid, outlet in outlets.items():
        sections = table.get(oid, {})
        want = set(outlet.sections)
        if not isinstance(sections, Mapping):
            shown = f"{sections:g}" if isinstance(sections, (int, float)) else repr(sections)
            example = ", ".join(f"{s} = {shown}" for s in outlet.sections)
            raise ValueError(f"adoption.points.{oid} = {shown}: expected points by section of the outlet, "
                             f"e.g. {oid} = {{ {example} }}")
        got = set(sections)
        if got != want:
            raise ValueError(
                f"adoption.points.{oid} has sections {sorted(got)}, the catalogue {sorted(want)}"
            )
    extra = set(table) - set(outlets)
    if extra:
        raise ValueError(f"adoption.points names outlets not in the catalogue: {sorted(extra)}")

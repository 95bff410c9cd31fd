"""Layers import one way: every import in the package (at the top of a
module or inside a function) read from the source, without running it."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "simsuite"


def _modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.with_suffix("").relative_to(PACKAGE.parent).parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return out


def _imports() -> dict[str, set[str]]:
    """module → the package's modules it imports (a name imported from a
    package counts as its submodule when it is one)."""
    modules = _modules()

    def known(name: str) -> str:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        return name if name in modules else ""

    edges: dict[str, set[str]] = defaultdict(set)
    for mod, f in modules.items():
        package = mod if f.name == "__init__.py" else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    head = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(head + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                t = known(t)
                if t and t != mod:
                    edges[mod].add(t)
    return edges


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "simsuite"


def _reaches(edges, start: str, layers: set[str]) -> list[str]:
    return sorted(f"{m} → {t}" for m, ts in edges.items() if _layer(m) == start for t in ts if _layer(t) in layers)


@pytest.mark.parametrize("layer, forbidden", [
    ("engine", {"rules", "rulebooks", "results", "synthetic", "runs", "analytics", "response", "design", "report",
                "plots", "explorer", "api", "simsuite", "cli"}),
    ("ledger", {"engine", "rules", "rulebooks", "results", "api", "simsuite"}),
    ("params", {"engine", "rules", "rulebooks", "results", "api", "simsuite"}),
    ("rules", {"rulebooks", "results", "runs", "analytics", "response", "design", "api", "simsuite"}),
    ("results", {"rulebooks", "runs", "analytics", "response", "design", "api", "simsuite"}),
    ("synthetic", {"response", "design", "runs", "analytics", "report", "plots", "explorer", "api", "simsuite", "cli"}),
    ("runs", {"design"}),
    ("analytics", {"api", "simsuite", "response", "design", "report", "explorer", "cli"}),
    # strategic response sits above synthetic and the engine, beside analytics
    ("response", {"design", "report", "plots", "explorer", "api", "simsuite", "cli"}),
    # the design search sits beside the analytics: it reads them and the runs, never the pages above it
    ("design", {"api", "simsuite", "report", "explorer", "cli"}),
    ("plots", {"api", "simsuite", "explorer", "cli"}),
])
def test_a_layer_does_not_import_the_layers_above_it(layer, forbidden):
    assert _reaches(_imports(), layer, forbidden) == []


def test_runs_do_not_write_reports():
    assert _reaches(_imports(), "runs", {"report", "plots"}) == []


def test_no_import_cycles_between_layers():
    graph: dict[str, set[str]] = defaultdict(set)
    for m, ts in _imports().items():
        for t in ts:
            if _layer(m) != _layer(t):
                graph[_layer(m)].add(_layer(t))
    cycles = []

    def walk(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycles.append(" → ".join(path[path.index(nxt):] + [nxt]))
            elif len(path) < 12:
                walk(nxt, path + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    assert cycles == []

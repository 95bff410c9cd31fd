"""A rulebook from its file: the components it names, checked against what
they read, and variants that change parameters or add and remove components.

Every parameter in a rulebook file must be one a composed component reads;
a parameter a component needs and the file leaves out takes the component's
documented default, or is an error naming it when it has none. Types,
ranges, choices, table keys and the calendar are checked, so a rulebook
either scores what it says or is refused with the reason.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..engine.rulebook import RedundantChange, Rulebook, VariantError, _allowed, _check_merge, flatten_changes
from ..ledger import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS
from ..params import Param, Parameters, suggest
from ..params.rulebook_file import _build, load_toml, parameter_tables, structure
from ..params.tree import META_KEYS, unfold
from ..rules.registry import BASE, PHASES, Component, Spec, catalogue

#: checklist rules a line may use (see :mod:`simsuite.rules.checklist`)
from ..rules.checklist import RULES as CHECKLIST_RULES
from ..rules.caps import CAPPABLE

#: periods the engine scores: four quarters and the year as a whole
N_QUARTERS = 4


class RulebookError(ValueError):
    """A rulebook file that cannot be scored as written; the message names the file and every problem."""


def vocabularies(groups, outlets, lines, awards=()) -> dict[str, tuple[str, ...]]:
    return {
        "groups": tuple(groups), "lines": tuple(lines), "outlets": tuple(outlets),
        "pairs": tuple(f"{o}:{s}" for o, outlet in outlets.items() for s in outlet.sections),
        "item_kinds": ITEM_KINDS, "event_kinds": EVENT_KINDS, "levels": INSTRUCTION_LEVELS,
        "instruction_kinds": INSTRUCTION_KINDS, "checklist_rules": CHECKLIST_RULES, "records": CAPPABLE,
        "awards": tuple(awards),
    }


def specs_of(components: Sequence[Component]) -> list[Spec]:
    seen: dict[str, Spec] = {s.path: s for s in BASE}
    for c in components:
        for s in c.params:
            seen.setdefault(s.path, s)
    return list(seen.values())


def spec_for(specs: Iterable[Spec], path: str) -> Spec | None:
    return next((s for s in specs if s.covers(path)), None)


def _choices(spec: Spec, vocab: Mapping[str, tuple[str, ...]]):
    return vocab[spec.choices] if isinstance(spec.choices, str) else spec.choices


def param_from_spec(spec: Spec, path: str, value: Any, vocab, cite: str | None = None) -> Param:
    """A leaf parameter described by ``spec`` (for a default, or a variant's new value)."""
    choices = _choices(spec, vocab)
    p = Param(path=path, value=None, type=spec.type, cite=cite if cite is not None else spec.cite, zh=spec.zh,
              en=spec.en, unit=spec.unit, min=spec.min, max=spec.max,
              choices=tuple(choices) if choices is not None else None)
    return replace(p, value=p.check(value))


def _nodes(prefix: str, node: Any):
    """(path, table) of each parameter table (one with ``value``) of a document."""
    if not isinstance(node, Mapping):
        raise ValueError(f"{prefix!r} is neither a parameter (a table with 'value') nor a table of them")
    if "value" in node:
        yield prefix, node
        return
    for key, sub in node.items():
        yield from _nodes(f"{prefix}.{key}", sub)


def _merged(path: str, node: Mapping[str, Any], spec: Spec, vocab) -> dict:
    """The file's table completed with the component's description; what the
    file says may narrow the component's range and choices, never widen them."""
    unknown = set(node) - META_KEYS
    if unknown:
        raise ValueError(f"[{path}] has unknown keys {sorted(unknown)}{suggest(sorted(unknown)[0], META_KEYS)}; "
                         f"allowed {sorted(META_KEYS)}")
    out = dict(node)
    declared = node.get("type")
    if declared is not None and declared != spec.type and not (declared == "integer" and spec.type == "number"):
        raise ValueError(f"[{path}] type {declared!r}: the component reads a {spec.type}")
    if declared is None:  # whole numbers stay whole where the component reads any number
        whole = spec.type == "number" and _all_whole(node["value"])
        out["type"] = "integer" if whole else spec.type
    for key in ("zh", "en", "unit"):
        if getattr(spec, key):
            out.setdefault(key, getattr(spec, key))
    for key, worse in (("min", lambda a, b: a < b), ("max", lambda a, b: a > b)):
        bound = getattr(spec, key)
        if bound is None:
            continue
        if key in node and worse(node[key], bound):
            raise ValueError(f"[{path}] {key} = {node[key]!r} is outside what the component allows ({key} {bound!r})")
        out.setdefault(key, bound)
    allowed = _choices(spec, vocab)
    if allowed is not None:
        if "choices" in node:
            extra = [c for c in node["choices"] if c not in allowed]
            if extra:
                raise ValueError(f"[{path}] choices {extra} are not among {list(allowed)}{suggest(str(extra[0]), allowed)}")
        else:
            out["choices"] = list(allowed)
    return out


def _all_whole(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_all_whole(v) for v in value.values())
    return isinstance(value, int) and not isinstance(value, bool)


def _check_keys(spec: Spec, leaf: str, vocab) -> str | None:
    """Whether every key of ``leaf`` below ``spec.path`` is one its table
    is keyed by, and the leaf is as deep as the table (a typo there would
    otherwise be read by nothing, or fail only when scored)."""
    if spec.keys is None and leaf != spec.path:  # a table where the component reads one value
        return f"{spec.path}: one value ({spec.type}), not a table: found {leaf}"
    if spec.keys is None or leaf == spec.path:
        return None if spec.keys is None else f"{leaf}: a table keyed by {spec.keys} ({', '.join(vocab[spec.keys])})"
    keys = leaf[len(spec.path) + 1:].split(".")
    levels = (spec.keys, *spec.below)
    depths = spec.depths or (len(levels),)
    for i, (key, level) in enumerate(zip(keys, levels)):
        if i == 0 and level == "awards":  # the award table is where awards are named
            continue
        allowed = _sections(vocab, keys[i - 1]) if level == "sections" else vocab[level]
        if key not in allowed:
            of = f"sections of {keys[i - 1]}" if level == "sections" else level
            return f"{leaf}: {key!r} is not one of the {of} ({', '.join(allowed)}){suggest(key, allowed)}"
    if len(keys) not in depths:
        shape = " → ".join(levels[:max(depths)])
        counts = " or ".join(str(d) for d in depths)
        found = (f"{leaf}: {spec.path} is a table by {shape} ({counts} key{'s' if max(depths) > 1 else ''} below it), "
                 f"found {len(keys)}")
        if len(keys) < min(depths):  # one value where a table is read: show the table's shape
            level = levels[len(keys)]
            under = _sections(vocab, keys[-1]) if level == "sections" else vocab[level]
            found += f": give one value by {level}, e.g. {keys[-1]} = {{ {', '.join(f'{k} = …' for k in under[:3])} }}"
        return found
    return None


def _sections(vocab, outlet: str) -> tuple[str, ...]:
    return tuple(p.split(":", 1)[1] for p in vocab["pairs"] if p.split(":", 1)[0] == outlet)


def build_parameters(source: str, doc: Mapping[str, Any], components: Sequence[Component], vocab) -> Parameters:
    """Every parameter of a rulebook document, checked against the components; raises naming every problem."""
    specs = specs_of(components)
    everywhere = specs_of(list(catalogue().values()))
    problems: list[str] = []
    leaves: dict[str, Param] = {}
    for key, node in parameter_tables(doc).items():
        for path, table in _nodes(key, node):
            spec = spec_for(specs, path)
            if spec is None:
                other = spec_for(everywhere, path)
                hint = (f" (read by component {_reader(path)!r}, which this rulebook does not compose)" if other
                        else suggest(path, [s.path for s in specs]))
                problems.append(f"[{path}] is read by no component of this rulebook{hint}")
                continue
            try:
                for leaf in unfold(path, _merged(path, table, spec, vocab)):
                    bad = _check_keys(spec, leaf.path, vocab)
                    if bad:
                        problems.append(bad)
                    leaves[leaf.path] = leaf
            except ValueError as exc:
                problems.append(str(exc))
    problems += complete(leaves, specs, components, vocab)
    if problems:
        raise RulebookError(f"{source}:\n  " + "\n  ".join(problems))
    return Parameters(leaves)


def _reader(path: str) -> str:
    return next((c.name for c in catalogue().values() if c.reads(path)), "")


def complete(leaves: dict[str, Param], specs: Sequence[Spec], components: Sequence[Component], vocab,
             strict: bool = True) -> list[str]:
    """Add defaults for what the components read and the rulebook leaves out;
    return the problems: a missing required parameter, a parameter read
    only under a condition that does not hold, a calendar the engine cannot
    honour. A variant (``strict`` false) may switch a condition off and keep
    the parameter it guarded, unread, so switching it back restores it."""
    problems = []
    present = lambda spec: any(spec.covers(p) for p in leaves)  # noqa: E731
    for conditional in (False, True):  # conditions read other parameters: their defaults first
        for spec in specs:
            if (spec.when is not None) != conditional:
                continue
            if spec.when is not None:
                on, value = spec.when
                if on in leaves and leaves[on].value != value:
                    if present(spec) and strict:
                        problems.append(f"{spec.path} is not read while {on} is {leaves[on].value!r}: remove it "
                                        f"or set {on} = {_toml(value)}")
                    continue
            if present(spec):
                continue
            if spec.required:
                problems.append(f"missing required parameter {spec.path} ({spec.en}; read by component "
                                f"{_owner(spec, components)!r})")
            elif spec.keys is None:
                leaves[spec.path] = param_from_spec(spec, spec.path, spec.default, vocab)
            elif spec.default:
                for k, v in spec.default.items():
                    leaves[f"{spec.path}.{k}"] = param_from_spec(spec, f"{spec.path}.{k}", v, vocab)
    problems += check_structure(leaves, components, vocab)
    return problems


def _owner(spec: Spec, components) -> str:
    return next((c.name for c in components if spec in c.params), "calendar")


def _toml(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else repr(v)


def check_structure(leaves: Mapping[str, Param], components, vocab) -> list[str]:
    """Constraints across parameters: the calendar, checklist quotas, rank-point tables."""
    problems = []
    starts = leaves.get("calendar.quarter_starts")
    if starts is not None:
        problems += quarter_problems(starts.value)
    groups = vocab["groups"]
    merge = leaves.get("grouping.merge")
    for src, dst in (merge.value.items() if merge is not None else ()):
        if src not in groups:
            problems.append(f"grouping.merge: no group {src!r} ({', '.join(groups)}){suggest(src, groups)}")
        elif dst != src and merge.value.get(dst, dst) != dst:
            problems.append(f"grouping.merge: {src!r} → {dst!r}, but {dst!r} is itself merged into {merge.value[dst]!r}")
    for path in leaves:
        if path.startswith("award.top.") and path.count(".") == 3 and path.rsplit(".", 1)[1] not in groups:
            key = path.rsplit(".", 1)[1]
            problems.append(f"{path}: {key!r} is not one of the groups ({', '.join(groups)}){suggest(key, groups)}")
    names = [c.name for c in components]
    if "checklist_points" in names:
        rules = {k: p.value for k, p in leaves.items() if k.startswith("checklist.rule.")}
        if any(r in ("items_per_week", "items_per_month", "items_every_week") for r in rules.values()):
            missing = [g for g in vocab["groups"] if f"checklist.quota.{g}" not in leaves]
            if missing:
                problems.append(f"checklist.quota has no quota for group(s) {missing}, which a line judged by "
                                "items a week or a month needs")
    if "rank_point_quarters" in names and leaves.get("rank_points.enabled") and leaves["rank_points.enabled"].value:
        for table in ("rank_points.target", "rank_points.table", "rank_points.rest"):
            missing = [g for g in vocab["groups"] if f"{table}.{g}" not in leaves]
            if missing:
                problems.append(f"{table} has no entry for group(s) {missing}")
    return problems


def quarter_problems(starts: Sequence[float]) -> list[str]:
    """``calendar.quarter_starts``: whole months from the year start, sorted,
    unique, within the year, starting at 0, and four of them — the engine
    scores four quarters and the year, so any other count is refused rather
    than silently merged."""
    s = [float(x) for x in starts]
    if any(x != int(x) for x in s):
        return [f"calendar.quarter_starts {list(starts)}: months must be whole numbers"]
    s = [int(x) for x in s]
    if any(not 0 <= x <= 11 for x in s):
        return [f"calendar.quarter_starts {s}: every start must be a month 0..11 of the year"]
    if s != sorted(s):
        return [f"calendar.quarter_starts {s}: must be in increasing order ({sorted(s)}?)"]
    if len(set(s)) != len(s):
        return [f"calendar.quarter_starts {s}: a month starts two quarters"]
    if not s or s[0] != 0:
        return [f"calendar.quarter_starts {s}: the first quarter must start the year (0), or months "
                f"before {s[0] if s else 0} would belong to no quarter"]
    if len(s) != N_QUARTERS:
        return [f"calendar.quarter_starts {s}: {len(s)} periods, but the rules score {N_QUARTERS} quarters "
                "(means, vetoes, normalisation and rank points are per quarter); give four starts"]
    return []


# ---- composition ---------------------------------------------------------------
def resolve(names: Sequence[Any], source: str) -> tuple[Component, ...]:
    """Component names, in order, as catalogue entries; unknown names, repeats
    and an order against the pipeline's phases are errors."""
    cat = catalogue()
    problems, out = [], []
    if not isinstance(names, (list, tuple)) or not names:
        raise RulebookError(f"{source}: [rulebook] components must list the rule components, e.g. "
                            f"['adoption_points', 'rank_units']; the catalogue: {sorted(cat)}")
    for n in names:
        if n not in cat:
            problems.append(f"no rule component {n!r}{suggest(str(n), cat)}; the catalogue: {sorted(cat)}")
        elif any(c.name == n for c in out):
            problems.append(f"component {n!r} is listed twice")
        else:
            out.append(cat[n])
    for a, b in zip(out, out[1:]):
        if PHASES[b.phase] < PHASES[a.phase]:
            problems.append(f"component {b.name!r} ({b.phase}) must come before {a.name!r} ({a.phase})")
    if problems:
        raise RulebookError(f"{source}:\n  " + "\n  ".join(problems))
    return tuple(out)


def read_rulebook(path: str | Path) -> Rulebook:
    """A rulebook from its TOML file (a built-in one or any other): parsed,
    checked, composed. Reading never runs code from the file."""
    path = Path(path)
    try:
        doc = load_toml(path)
        meta, groups, outlets, lines = structure(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise RulebookError(exc if str(exc).startswith(str(path)) else f"{path}: {exc}") from None
    components = resolve(meta.get("components"), str(path))
    awards = list(doc.get("award", {}).get("top", {})) if isinstance(doc.get("award"), Mapping) else []
    vocab = vocabularies(groups, outlets, lines, awards)
    params = build_parameters(str(path), doc, components, vocab)
    try:
        file = _build(path, doc, params)
    except (KeyError, TypeError, ValueError) as exc:
        raise RulebookError(f"{path}: {exc}") from None
    return assemble(file, components, params)


def assemble(file, components: Sequence[Component], params: Parameters, **kw) -> Rulebook:
    points = tuple(c for c in components if c.kind != "step")
    steps = tuple(c for c in components if c.kind == "step")
    return Rulebook(file=file, point_rules=points, steps=steps, parameters=params, composer=vary, **kw)


def _vocab(rb: Rulebook):
    awards = list(rb.parameters.table("award.top")) if rb.parameters.has("award.top") else []
    return vocabularies(rb.file.groups, rb.file.outlets, rb.file.checklist, awards)


def vary(rb: Rulebook, changes: Mapping[str, Any] | None = None, title: str | None = None, description: str = "",
         add: Sequence[str] = (), remove: Sequence[str] = ()) -> Rulebook:
    """A variant of ``rb``: components removed and added (each added one with
    its documented defaults), then parameter ``changes`` applied. Every
    problem is reported at once as a :class:`VariantError`."""
    cat = catalogue()
    problems: list[str] = []
    components = list(rb.point_rules) + list(rb.steps)
    names = [c.name for c in components]
    for n in remove:
        if n not in names:
            problems.append(f"cannot remove {n!r}: not a component of {rb.name!r}{suggest(str(n), names)}; "
                            f"it has {names}")
    components = [c for c in components if c.name not in set(remove)]
    for n in add:
        if n not in cat:
            problems.append(f"cannot add {n!r}: no such rule component{suggest(str(n), cat)}")
        elif n in [c.name for c in components]:
            problems.append(f"cannot add {n!r}: {rb.name!r} already has it")
        else:
            new = cat[n]
            at = max((i + 1 for i, c in enumerate(components) if PHASES[c.phase] <= PHASES[new.phase]), default=0)
            components.insert(at, new)
    specs = specs_of(components)
    vocab = _vocab(rb)
    leaves = {k: p for k, p in rb.parameters.leaves.items() if spec_for(specs, k) is not None}
    flat = flatten_changes(Parameters(leaves), dict(changes or {}))
    checked, notes = {}, []
    for path, value in flat.items():
        spec = spec_for(specs, path)
        if path in leaves:
            param = leaves[path]
        elif spec is not None and (spec.keys is None or path != spec.path):
            try:
                param = param_from_spec(spec, path, value, vocab, cite="")
            except ValueError as exc:
                problems.append(f"{exc}{_allowed(_bare(spec, path, vocab))}")
                continue
            bad = _check_keys(spec, path, vocab)
            if bad:
                problems.append(bad)
                continue
        else:
            everywhere = specs_of(list(cat.values()))
            hint = (f" (read by component {_reader(path)!r}: add it)" if spec_for(everywhere, path)
                    else suggest(path, list(leaves) + [s.path for s in specs]))
            problems.append(f"no parameter {path!r}{hint}")
            continue
        try:
            checked[path] = param.check(value)
        except ValueError as exc:
            problems.append(f"{exc}{_allowed(param)}")
            continue
        if path in rb.parameters and checked[path] == rb.parameters[path] and not (add or remove):
            notes.append(f"{path} is already {param.value!r} in {rb.name!r}: this change does nothing")
        leaves[path] = replace(param, value=checked[path])
    problems += _check_merge(rb, checked)
    problems += complete(leaves, specs, components, vocab, strict=False)
    if problems:
        raise VariantError(f"variant of {rb.name!r}:\n  " + "\n  ".join(problems))
    for note in notes:
        warnings.warn(note, RedundantChange, stacklevel=3)
    params = Parameters(leaves)
    return assemble(rb.file, components, params, title=title or f"{rb.name} (variant)", description=description,
                    baseline=rb, changes=checked, notes=tuple(notes), added=tuple(add), removed=tuple(remove))


def _bare(spec: Spec, path: str, vocab) -> Param:
    choices = _choices(spec, vocab)
    return Param(path, None, spec.type, "", "", "", spec.unit, spec.min, spec.max,
                 tuple(choices) if choices is not None else None)

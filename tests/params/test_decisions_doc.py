"""docs/decisions.md and the rulebook files agree: every decision a rulebook
cites is explained there, and every decision explained there is cited by a
parameter or names the parameter it is waiting for as planned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import simsuite
from simsuite.rulebooks import HERE, available

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "decisions.md"
DECISION = re.compile(r"\b(?:C|NX|JD|JL|HRB|LY)-\d+\b")
RULEBOOKS = available()


def sections() -> dict[str, str]:
    """Decision id -> the text of its section (from its heading to the next)."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^#{2,3} ", text, flags=re.M)
    out = {}
    for part in parts:
        m = re.match(r"((?:C|NX|JD|JL|HRB|LY)-\d+) — ", part)
        if m:
            assert m.group(1) not in out, f"{m.group(1)} has two headings"
            out[m.group(1)] = part
    return out


def cites_of(rulebook_id: str) -> list[str]:
    """Every citation a rulebook carries: parameters, groups, outlets, checklist lines."""
    rb = simsuite.rulebook(rulebook_id)
    f = rb.file
    return ([p.cite for p in rb.parameters] + [g.cite for g in f.groups.values()]
            + [o.cite for o in f.outlets.values()] + [c.cite for c in f.checklist.values()])


def test_the_document_explains_every_numbered_decision():
    got = set(sections())
    want = {f"C-{i}" for i in range(1, 10)} | {f"NX-{i}" for i in range(1, 6)} | {"JD-1", "JD-2"} \
        | {"JL-1", "JL-2", "JL-3"} | {"HRB-1", "HRB-2"} | {"LY-1", "LY-2"}
    assert got == want


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_every_decision_a_rulebook_file_names_is_explained(rulebook_id):
    text = (HERE / f"{rulebook_id}.toml").read_text(encoding="utf-8")
    named = set(DECISION.findall(text))
    assert named, "a rulebook file names the decisions it rests on"
    assert named <= set(sections()), sorted(named - set(sections()))


def test_every_explained_decision_is_cited_or_planned():
    cited = {d for rid in RULEBOOKS for c in cites_of(rid) for d in DECISION.findall(c)}
    for decision, text in sections().items():
        assert decision in cited or "planned" in text, decision


@pytest.mark.parametrize("decision", sorted(sections()))
def test_each_decision_gives_text_reading_reason_and_other_reading(decision):
    text = sections()[decision]
    for field in ("**Text:**", "**Reading:**", "**Why:**", "**Other reading:**"):
        assert field in text, f"{decision} lacks {field}"


def test_parameters_the_document_names_exist():
    # `adoption.combine = "highest"`, `instruction.points.<level>`, `award.top.*`:
    # the dotted path before any placeholder must be a parameter or a table of them.
    params = [simsuite.rulebook(rid).parameters for rid in RULEBOOKS]
    paths = set()
    for text in sections().values():
        for code in re.findall(r"`([^`]+)`", text):
            head = re.split(r"[ =]", code.strip())[0]
            head = re.split(r"\.(?:<|\*)", head)[0]
            if re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_-]+)+", head):
                paths.add(head)
    assert len(paths) > 20
    missing = sorted(p for p in paths if not any(ps.has(p) for ps in params))
    assert missing == []


def test_the_document_names_the_five_sources_by_title_issuer_and_year():
    text = DOC.read_text(encoding="utf-8")
    sources = text.split("## Sources", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in sources.splitlines() if r.startswith("| `")]
    assert sorted(r.split("`")[1] for r in rows) == sorted(RULEBOOKS)
    for r in rows:
        cells = [c.strip() for c in r.strip("|").split("|")]
        assert "《" in cells[1] and cells[2] and re.fullmatch(r"(19|20)\d\d", cells[3]), r


def test_readme_and_rulebooks_doc_link_the_decisions():
    assert "(docs/decisions.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(decisions.md)" in (ROOT / "docs" / "rulebooks.md").read_text(encoding="utf-8")

"""Every Python snippet of the README runs as written, each on its own, from
the repository's root (where its paths are relative to)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SNIPPETS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)

# the README's sensitivity example restates a parameter's own value, and its run is
# short; warnings are for the reader's own runs, not failures of the snippet
pytestmark = pytest.mark.filterwarnings("ignore")


def test_the_readme_has_python_snippets():
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet-{i + 1}" for i in range(len(SNIPPETS))])
def test_readme_snippet_runs(snippet, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(snippet, "README.md", "exec"), {"__name__": "readme"})

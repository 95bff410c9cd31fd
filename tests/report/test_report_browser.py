"""The report as staff see it: opened in a real (Debian) Chromium, its first
screen is the summary, nothing spills sideways, every figure loads, and
printing gives A4 pages. The screenshots and the PDF are saved for a look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import CHROMIUM, require_playwright

from simsuite.report import write_report
from simsuite.runs import parse_scenario, run

ROOT = Path(__file__).parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"

playwright = require_playwright()

pytestmark = pytest.mark.filterwarnings("ignore::simsuite.engine.rulebook.RedundantChange")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Jiande's rank points against raw points, a short run: four groups, awards that change."""
    text = re.sub(r"replicates = \d+", "replicates = 24",
                  (ROOT / "scenarios/jiande-rank-vs-raw.toml").read_text(encoding="utf-8"))
    result = run(parse_scenario(text, ROOT / "scenarios", "jiande.toml"))
    out = tmp_path_factory.mktemp("report")
    write_report(result, out)
    return out / "report.html"


def test_the_report_in_a_browser_and_on_a4(report):
    SCREENSHOTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(SCREENSHOTS / "report-first-screen.png"))
            page.screenshot(path=str(SCREENSHOTS / "report-full.png"), full_page=True)
            # the summary is the first thing and fits on one screen
            box = page.locator(".summary").bounding_box()
            assert box["y"] < 200 and box["y"] + box["height"] <= 900 * 1.1
            # nothing wider than the window; every figure decoded
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
            assert page.locator("img").count() >= 5
            assert {r.split(":", 1)[0] for r in requests} <= {"file", "data"}  # nothing from the network
            pdf = page.pdf(path=str(SCREENSHOTS / "report.pdf"), format="A4", print_background=True)
        finally:
            browser.close()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) > 3
    # A4 is 210 × 297 mm = 595.3 × 841.9 points, on every page
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)

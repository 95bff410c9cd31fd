"""The explorer as staff use it: ``simsuite explore`` served by Voilà on
localhost, driven in a real Chromium. Moving a slider and flipping
normalisation must redraw the ranking exactly as the library computes it,
and the page must not fetch anything from outside this computer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import CHROMIUM, require_playwright

from simsuite.explorer import WhatIf, ranking_table

REPLICATES = 96
SCREENSHOTS = Path(__file__).parent / "screenshots"

playwright = require_playwright()  # CI requires the browser: there a missing one fails


@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory):
    """``simsuite explore`` in a subprocess; its printed address."""
    workdir = tmp_path_factory.mktemp("explore")
    process = subprocess.Popen(
        [sys.executable, "-m", "simsuite.cli", "explore", "--no-browser", "--replicates", str(REPLICATES)],
        cwd=workdir, stdout=subprocess.PIPE, stderr=open(workdir / "voila.log", "w"), text=True)
    line = process.stdout.readline()  # printed once Voilà answers
    found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+", line)  # the address with its token
    if not found:
        process.terminate()
        pytest.fail(f"simsuite explore printed {line!r}; log: {(workdir / 'voila.log').read_text()[-2000:]}")
    yield found.group(0), workdir
    process.terminate()  # SIGTERM: simsuite explore stops Voilà and its kernels
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def shown_ranking(page) -> list[tuple[str, str, str]]:
    rows = page.locator(".simsuite-ranking-table tr[data-unit]")
    return [tuple(r) for r in rows.evaluate_all(
        "rows => rows.map(r => [r.dataset.unit, r.querySelector('.rank-base').textContent,"
        " r.querySelector('.rank-variant').textContent])")]


def expected_ranking(changes) -> list[tuple[str, str, str]]:
    whatif = WhatIf("ningxia-transport-2021", population="real", replicates=REPLICATES, seed=0)
    table = ranking_table(whatif.compare(changes))
    return [(r.unit_id, f"{r.rank_base:.2f}", f"{r.rank_variant:.2f}") for r in table.itertuples()]


def wait_for_update(page, after: int, timeout: float = 30.0) -> int:
    """Wait until the status line reports a redraw later than ``after``."""
    page.wait_for_function(
        "n => { const s = document.querySelector('.simsuite-status-text');"
        " return s && s.dataset.state === 'ready' && Number(s.dataset.update) > n; }",
        arg=after, timeout=timeout * 1000)
    return int(page.locator(".simsuite-status-text").get_attribute("data-update"))


def open_section(page, title: str) -> None:
    page.locator(".simsuite-controls .jupyter-widget-Collapse-header", has_text=title).click()


def test_slider_and_toggle_redraw_the_ranking_the_library_computes(explorer_url):
    url, workdir = explorer_url
    origin = urlparse(url)
    requests: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            page.wait_for_selector(".simsuite-status-text[data-state=ready]", timeout=60_000)
            update = int(page.locator(".simsuite-status-text").get_attribute("data-update"))

            baseline = shown_ranking(page)
            assert baseline == expected_ranking({})
            assert all(base == variant for _, base, variant in baseline)
            chart_before = page.locator(".simsuite-shift-chart").inner_html()
            assert page.locator(".simsuite-shift-chart svg g[data-unit]").count() == len(baseline)

            # a slider: the monthly quota's points, two steps up (5 → 7)
            open_section(page, "报送数量")
            handle = page.locator(".simsuite-p-quota--points .noUi-handle")
            handle.focus()
            handle.press("ArrowRight")
            update = wait_for_update(page, update)
            handle.press("ArrowRight")
            update = wait_for_update(page, update)
            assert "'quota.points': 7" in page.locator(".simsuite-code textarea").input_value()

            # a switch: no normalisation of the quarters
            open_section(page, "季度换算")
            page.locator(".simsuite-p-normalise--enabled").click()
            update = wait_for_update(page, update)
            code = page.locator(".simsuite-code textarea").input_value()
            assert "'normalise.enabled': False" in code

            changes = {"quota.points": 7, "normalise.enabled": False}
            shown = shown_ranking(page)
            assert shown == expected_ranking(changes)
            assert [u for u, *_ in shown] != [u for u, *_ in baseline]  # the order itself changed
            assert page.locator(".simsuite-shift-chart").inner_html() != chart_before
            assert page.locator(".simsuite-intervals-chart svg g[data-unit]").count() == 2 * len(baseline)
            assert "2 change(s)" in page.locator(".simsuite-status").inner_text()

            SCREENSHOTS.mkdir(exist_ok=True)
            shot = SCREENSHOTS / "explorer-ningxia.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        finally:
            browser.close()

    outside = [u for u in requests
               if not u.startswith(("data:", "blob:"))
               and urlparse(u).hostname not in ("127.0.0.1", "localhost", origin.hostname)]
    assert requests and not outside, f"the page fetched from outside this computer: {outside}"

"""The comparison page seen as users see it: opened from disk in Chromium, offline, hostile page titles inert."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from markupsafe import escape

from analysis.compare.build import build_compare
from analysis.compare.table import COMPARE_CSV
from tests import browser_support as browser
from tests.conftest import FIXTURES, RAW_PAGE, write_page

HOSTILE_TITLE = '<script>window.__pwned=true</script><img src=x onerror="window.__pwned=true"> & $x$ \'Hay\' fever'
WIDTHS = (800, 1100, 1600)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A comparison of the dystonia page and a page whose heading (its topic and title) is markup."""
    folder = tmp_path_factory.mktemp("hostile")
    lines = (FIXTURES / "no-comments.txt").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "Hay fever"
    page = write_page(folder, "hostile.txt", "\n".join([HOSTILE_TITLE, *lines[1:]]))
    out = folder / "compare"
    build_compare([RAW_PAGE, page], out, "2026-11-25", reports=[], jobs=1)
    return out


def test_a_hostile_title_is_escaped_in_the_html_and_the_chart_data(hostile: Path) -> None:
    text = (hostile / "index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in text and "<img src=x" not in text
    assert str(escape(HOSTILE_TITLE)) in text  # the table cell, escaped by Jinja2
    scripts = [s.split(">", 1)[1] for s in text.split("<script")[1:]]
    assert all("<" not in s.split("</script>")[0] for s in scripts)  # chart JSON: no raw '<' that could close the script
    with (hostile / COMPARE_CSV).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[1]["topic"] == rows[1]["title"] == HOSTILE_TITLE  # the CSV keeps the page's text as it is


OVERFLOW = """([sel, right]) => [...document.querySelectorAll(sel + ' text')]
    .filter(t => t.getBoundingClientRect().width > 0 && t.getBoundingClientRect().right > right + 1)
    .map(t => t.textContent)"""


@browser.needs_chromium
def test_the_page_opens_offline_draws_both_charts_and_runs_nothing_from_a_title(hostile: Path, tmp_path: Path) -> None:
    with browser.launch_chromium() as chromium:
        page, requests, errors = browser.open_page(chromium, hostile / "index.html", width=WIDTHS[0])
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= 2", timeout=30000)
        assert browser.drawn_figures(page) == 2
        assert page.evaluate(browser.LIVE_MARKUP_JS) == browser.NO_LIVE_MARKUP
        assert page.evaluate("window.__pwned === undefined")
        assert "<script>window.__pwned=true</script>" in page.locator("#chart-overdue").inner_text()  # shown as text
        assert HOSTILE_TITLE[:40] in page.locator("table.pages").inner_text()
        for width in WIDTHS:  # one load (drawn at the first width), three widths: the charts are responsive
            browser.resize(page, width)
            figures = browser.settled_figures(page)  # each chart redrawn at the new width before it is measured
            assert all(abs(f["svg"] - f["width"]) <= 2 and f["width"] <= f["room"] + 1 for f in figures), (width, figures)
            assert all(f["overlaps"] == [] for f in figures), (width, figures)  # no chart text over other text
            for selector in ("#chart-overdue", "#chart-kinds"):  # chart text stays inside its box
                box = page.locator(selector).bounding_box()
                overflow = page.evaluate(OVERFLOW, [selector, box["x"] + box["width"]])
                assert overflow == [], (width, selector, overflow)
            page.screenshot(path=str(tmp_path / f"compare-{width}.png"), full_page=True)
        assert errors == [] and all(r.startswith(browser.LOCAL_SCHEMES) for r in requests)
        page.close()

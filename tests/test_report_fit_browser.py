"""The report's pages as readers see them (headless Chromium, opened from disk): charts fit, tables publishable.

The pages are exported from the committed notebooks with the report's own template (report_export), which is
what `make report` writes for them; nbval proves those outputs are what a fresh run gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

from analysis.paths import STORY_NOTEBOOK
from analysis.report.build import notebook_title
from analysis.report.export import export_html, write_assets
from tests.browser_support import (
    MAX_FIGURE_PX,
    SHOTS,
    fills,
    launch_chromium,
    needs_chromium,
    open_windows,
    resize,
    settled_figures_of,
)
from tests.conftest import PROJECT_ROOT

pytestmark = needs_chromium

NOTEBOOKS = sorted(p for p in (PROJECT_ROOT / "notebooks").glob("*.ipynb") if STORY_NOTEBOOK.match(p.name))
WIDTHS = (800, 1100, 1600)
TABLES_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output table')].map(table => ({
    empty_headers: [...table.querySelectorAll('th')].filter(th => !th.textContent.trim()).length,
    bad_cells: [...table.querySelectorAll('td, th')].map(c => c.textContent.trim())
        .filter(t => /^(NaN|nan|None|<NA>|NaT)$/.test(t)),
    index_column: [...table.querySelectorAll('tbody tr')].map(r => r.firstElementChild.tagName).includes('TH'),
    text_right: [...table.querySelectorAll('td.dfx-text')].filter(
        td => getComputedStyle(td).textAlign === 'right').length,
}))"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The report pages of the committed notebooks, with the shared assets, in a temporary folder."""
    out = tmp_path_factory.mktemp("report")
    write_assets(out)
    written = []
    for path in NOTEBOOKS:
        html, _ = export_html(nbformat.read(path, as_version=4), path.stem, notebook_title(path))
        target = out / f"{path.stem}.html"
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


@pytest.fixture(scope="module")
def browser() -> Any:
    """A headless Debian Chromium driven by playwright."""
    with launch_chromium() as chromium:
        yield chromium


def test_report_charts_fit_and_tables_read_as_published(pages: list[Path], browser: Any) -> None:
    """At 800, 1100 and 1600 px no chart text leaves its figure or lies over other text, figures fill their
    column; tables have a header text in every cell, no NaN/None, no 0,1,2 index, and text left-aligned."""
    assert pages
    tables_seen = charts_seen = 0
    context, opened = open_windows(browser, pages, width=WIDTHS[0])  # every page at once, each in its own window
    try:
        for path, (page, _, _) in zip(pages, opened, strict=True):
            page.wait_for_load_state("load")
            tables = page.evaluate(TABLES_JS)
            tables_seen += len(tables)
            for table in tables:
                assert table == {"empty_headers": 0, "bad_cells": [], "index_column": False, "text_right": 0}, \
                    (path.name, table)
        for width in WIDTHS:
            for page, _, _ in opened:
                resize(page, width)
            # responsive plotly redraws on resize: wait until every figure of every page has been redrawn
            for path, (page, _, _), figures in zip(pages, opened, settled_figures_of([p for p, _, _ in opened]),
                                                  strict=True):
                charts_seen += len(figures)
                if SHOTS:
                    page.screenshot(path=str(SHOTS / f"report-{path.stem}-{width}.png"), full_page=True)
                for figure in figures:
                    assert figure["over"] <= 1, (path.name, width, figure)
                    assert figure["overlaps"] == [], (path.name, width, figure)  # no text drawn over other text
                    assert fills(figure), (path.name, width, figure)
                    assert figure["height"] <= MAX_FIGURE_PX, (path.name, width, figure)
        for path, (_, _, errors) in zip(pages, opened, strict=True):
            assert errors == [], (path.name, errors)
    finally:
        context.close()
    assert tables_seen >= len(pages) and charts_seen > 0

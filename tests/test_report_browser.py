"""Open a built toy report in headless Chromium: offline, no errors, charts drawn, no XSS."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.report.build import build_report
from tests.browser_support import drawn_figures, launch_chromium, needs_chromium, open_page, open_window

pytestmark = needs_chromium
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">x</a>',
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

CHARTS_SOURCE = """\
import pandas as pd
import plotly.express as px
df = pd.DataFrame({'kind': ['focal', 'segmental', 'generalised'], 'n': [3, 5, 2]})
display(df)
px.bar(df, x='kind', y='n', title='Counts').show()
px.pie(df, names='kind', values='n').show()
"""

XSS_SOURCE = f"""\
import html
import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown, display
HOSTILE = {HOSTILE!r}
safe = [html.escape(s) for s in HOSTILE]
# plotly.js decodes &lt; &gt; &amp; and numeric entities but not &quot;, so quote=False
plot_safe = [html.escape(s, quote=False) for s in HOSTILE]
display(pd.DataFrame({{'text': HOSTILE}}))  # pandas escapes cell text itself
display(Markdown('\\n'.join('* ' + s for s in safe)))
fig = go.Figure(go.Bar(x=['a', 'b', 'c'], y=[1, 2, 3], hovertext=plot_safe, hoverinfo='text',
                       name=plot_safe[0]))
fig.update_layout(title=plot_safe[1], showlegend=True)
fig.show()
"""


def write_notebook(path: Path, cells: list[Any]) -> Path:
    """Write a notebook with fixed cell ids."""
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Build a toy report with a charts notebook and a hostile-strings notebook."""
    root = tmp_path_factory.mktemp("proj")
    (root / "analysis").mkdir()
    (root / "analysis" / "__init__.py").write_text('"""toy"""\n')
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "processed" / "types.csv").write_text("kind,n\nfocal,3\n")
    page = root / "page.txt"
    page.write_text("toy page\n")
    nb_dir = root / "notebooks"
    nb_dir.mkdir()
    notebooks = [
        write_notebook(nb_dir / "00-charts.ipynb",
                       [new_markdown_cell("# Charts"), new_code_cell(CHARTS_SOURCE)]),
        write_notebook(nb_dir / "01-xss.ipynb",
                       [new_markdown_cell("# Hostile strings"), new_code_cell(XSS_SOURCE)]),
    ]
    out = root / "reports"
    result = build_report(page, out, notebooks, root=root, as_of="2013-06-01",
                          key_numbers=[(HOSTILE[0], HOSTILE[1])], caveats=[HOSTILE[2]])
    assert result.ok, result.failures
    return {"out": out, "figures": {p.name: p.figures for p in result.pages}}


@pytest.fixture(scope="module")
def opener(built: dict[str, Any]) -> Any:
    """A headless Debian Chromium driven by playwright, showing the toy report's index: open_window(opener, ...)
    opens a page in a window of its own that shares the index's renderer (plotly.js compiled once for them all)."""
    with launch_chromium() as chromium:
        page, _, _ = open_page(chromium.new_context(), built["out"] / "index.html")
        yield page


def test_pages_render_offline(built: dict[str, Any], opener: Any) -> None:
    """Every page loads only file:// resources, logs no errors and draws every figure."""
    out: Path = built["out"]
    for name, expected in built["figures"].items():
        page, requests, errors = open_window(opener, out / f"{name}.html")
        try:
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= {expected}",
                timeout=10_000,
            )
            assert expected > 0
            assert drawn_figures(page) == expected == page.locator(".dfx-plotly-figure").count()
            assert errors == [], (name, errors)
            assert all(u.startswith(("file://", "data:")) for u in requests), (name, requests)
        finally:
            page.close()


def test_index_links_resolve(built: dict[str, Any], opener: Any) -> None:
    """All links on the index (pages, CSVs) and back-links on pages point at existing files."""
    out: Path = built["out"]
    page, requests, errors = open_window(opener, out / "index.html")
    try:
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert errors == [] and all(u.startswith("file://") for u in requests)
    finally:
        page.close()
    assert {Path(unquote(urlparse(h).path)).name for h in hrefs} >= {
        "00-charts.html", "01-xss.html", "types.csv"}
    for href in hrefs:
        assert href.startswith("file://"), href
        assert Path(unquote(urlparse(href).path)).is_file(), href


def test_hostile_strings_are_inert_and_visible(built: dict[str, Any], opener: Any) -> None:
    """Escaped hostile strings show up as text in table, markdown, chart and hover; nothing runs."""
    out: Path = built["out"]
    page, requests, errors = open_window(opener, out / "01-xss.html")
    try:
        page.wait_for_selector(".js-plotly-plot svg.main-svg", timeout=10_000)
        page.evaluate("""() => {
            const gd = document.querySelector('.js-plotly-plot');
            Plotly.Fx.hover(gd, [{curveNumber: 0, pointNumber: 2}]);
        }""")
        page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        table = page.locator("table.dataframe").inner_text()
        markdown = page.locator("[data-mime-type='text/markdown']").last.inner_text()
        chart = page.locator(".js-plotly-plot").inner_text()
        hover = page.locator(".hoverlayer").text_content()
        for text in (table, markdown):
            for hostile in HOSTILE:
                assert hostile in text, (hostile, text)
        assert HOSTILE[1] in chart  # the title
        assert HOSTILE[2] in hover  # hover label of the third bar
        assert page.locator("main script:not([type]), main img[src='x']").count() == 1  # renderer
        assert errors == []
        assert all(u.startswith(("file://", "data:")) for u in requests), requests
    finally:
        page.close()


def test_index_escapes_key_numbers_and_caveats(built: dict[str, Any], opener: Any) -> None:
    """Key numbers and caveats are autoescaped on the index page."""
    page, _, errors = open_window(opener, built["out"] / "index.html")
    try:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("#key-numbers").inner_text().count("window.__pwned") == 2
        assert HOSTILE[2] in page.locator("#caveats").inner_text()
        assert page.locator("#key-numbers img, #caveats a").count() == 0
        assert errors == []
    finally:
        page.close()

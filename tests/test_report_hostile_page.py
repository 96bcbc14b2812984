"""The real report built from a dystonia page whose comments carry markup: inert, escaped, pseudonymous."""

from __future__ import annotations

import asyncio
import csv
import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis import __main__ as cli
from analysis.data.extract import extract_page
from analysis.report import build
from tests.browser_support import (
    LIVE_MARKUP_JS,
    LOCAL_SCHEMES,
    NO_LIVE_MARKUP,
    drawn_figures_async,
    launch_chromium,
    launch_chromium_async,
    needs_chromium,
    open_page,
    open_page_async,
    open_window,
    open_window_async,
    run_in_thread,
)
from tests.conftest import PROJECT_ROOT, RAW_PAGE
from tests.test_report_build import report_files

pytestmark = needs_chromium

HOSTILE_HANDLE = '<b onmouseover="window.__pwned=1">eve</b>'
HANDLES = [HOSTILE_HANDLE, "mallory.the.commenter", "trudy-intruder"]
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">click</a>',
]
# Each hostile string sits in a sentence about a topic the page does not cover, so 04-page-feedback quotes it.
TEXTS = [
    f"I was 2 months pregnant {HOSTILE[0]} when my right hand started to shake.",
    f"My father was in hospital for years {HOSTILE[1]} and had a tube fitted.",
    f"Nobody I know had ever heard of dystonia {HOSTILE[2]} before this year.",
]
PSEUDONYMS = ["Commenter A", "Commenter B", "Commenter C"]
# Page text is untrusted too: markup after the "About 90%" sentence reaches 02-types (quoted) and the tables.
BODY_MARKUP = '<img src=y onerror="window.__pwned=true">'  # no digit: the coverage check would refuse it
SHARE_SENTENCE_END = "or blepharospasm (which affects the eyelids)."
SAID_ON = re.compile(r"^\S.* said on (?P<date>\d{1,2} [A-Za-z]+ \d{4})$")
BUILD_TIMEOUT = 900  # the five real notebooks re-run (~30 s alone; much longer on a busy 2-CPU machine)


def hostile_variant(folder: Path) -> Path:
    """Write the dystonia page with its three comments' handles and texts replaced by hostile ones."""
    lines = RAW_PAGE.read_text(encoding="utf-8").split("\n")
    heads = [i for i, line in enumerate(lines) if SAID_ON.match(line)]
    assert len(heads) == 3 and sum("The 3 comments posted" in line for line in lines) == 1
    for i, handle, text in zip(heads, HANDLES, TEXTS, strict=True):
        lines[i] = f"{handle} said on {SAID_ON.match(lines[i])['date']}"
        body = [k for k in range(i + 1, i + 4) if lines[k].strip()]
        assert len(body) == 1 and lines[body[0] + 2].startswith("Report this content"), lines[i:i + 5]
        lines[body[0]] = text
    share = next(k for k, line in enumerate(lines) if SHARE_SENTENCE_END in line)
    lines[share] = lines[share].replace(SHARE_SENTENCE_END, f"{SHARE_SENTENCE_END[:-1]} {BODY_MARKUP}.")
    path = folder / "nhs-choices-dystonia-hostile.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def handle_forms(handle: str) -> list[str]:
    """A handle as it could be written into a page or CSV: raw, HTML-escaped, JSON- or CSV-quoted."""
    forms = {handle, html.escape(handle), html.escape(handle, quote=False), json.dumps(handle)[1:-1],
             handle.replace('"', '""'), json.dumps(handle).replace("<", "\\u003c").replace(">", "\\u003e")[1:-1]}
    return sorted(forms)


def report_args(page: Path, out: Path, *extra: str) -> list[str]:
    """`make report PAGE=page OUT=out`'s arguments to `python -m analysis`, with --force and `extra`."""
    return ["report", "--page", str(page), "--out", str(out), "--force", *extra]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Build the real report (every committed notebook re-run) for the hostile page with `make report`'s command
    (`analysis.__main__.main`, in this process: the worker's library server gives its fork server); then start
    the same build with a fresh kernel per notebook in the background, as a command line (the browser tests run
    meanwhile)."""
    tmp = tmp_path_factory.mktemp("hostile")
    page = hostile_variant(tmp)
    tables = extract_page(page)
    assert list(tables["comments"]["author"]) == HANDLES and list(tables["comments"]["text"]) == TEXTS
    assert BODY_MARKUP in tables["facts"].set_index("fact_id").loc["cervical_blepharospasm_share", "sentence"]
    out = tmp / "report"
    assert cli.main(report_args(page, out)) == 0  # in this process: its libraries are loaded
    fresh = subprocess.Popen([sys.executable, "-m", "analysis", *report_args(page, tmp / "fresh", "--kernels", "fresh")],
                             cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    yield {"report": out, "fresh": fresh, "fresh_out": tmp / "fresh"}
    if fresh.poll() is None:  # a test failed before waiting for it
        fresh.kill()
        fresh.communicate()


@pytest.fixture(scope="module")
def report(builds: dict[str, Any]) -> Path:
    """The hostile page's report, built by `make report`'s command (in this process) with warm kernels."""
    return builds["report"]


@pytest.fixture(scope="module")
def opener(report: Path) -> Any:
    """A headless Debian Chromium driven by playwright, showing the report's index: open_window(opener, ...)
    opens a page in a window of its own that shares the index's renderer (plotly.js compiled once for them all)."""
    with launch_chromium() as chromium:
        page, _, _ = open_page(chromium.new_context(), report / "index.html")
        yield page


def notebook_figures(stem: str) -> int:
    """How many plotly figures the committed notebook of a report page shows (0 for index.html)."""
    path = PROJECT_ROOT / "notebooks" / f"{stem}.ipynb"
    if not path.is_file():
        return 0
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum("application/vnd.plotly.v1+json" in o.get("data", {}) for c in cells for o in c.get("outputs", []))


def published(out: Path) -> list[Path]:
    """Every file a reader of the report gets: the pages and the data CSVs."""
    return sorted(out.glob("*.html")) + sorted((out / "data").glob("*.csv"))


def test_comments_csv_is_pseudonymous(report: Path) -> None:
    """data/comments.csv has no author column; commenters are pseudonyms; the texts are kept verbatim."""
    with (report / "data" / "comments.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and "author" not in rows[0]
    assert [r["pseudonym"] for r in rows] == PSEUDONYMS
    assert [r["text"] for r in rows] == TEXTS


def test_handles_are_never_published(report: Path) -> None:
    """No published handle, in any encoding, appears in any page or CSV of the report."""
    files = published(report)
    notebooks = list((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
    assert len([p for p in files if p.suffix == ".html"]) == len(notebooks) + 1, files  # the pages and index.html
    for path in files:
        text = path.read_text(encoding="utf-8")
        for handle in HANDLES:
            for form in handle_forms(handle):
                assert form not in text, (path.name, form)
        assert "onmouseover" not in text.lower(), path.name


HOVER_WINDOW = {"width": 1280, "height": 1200}  # the tallest chart's plot area fits on screen
# Plotly throttles hovers (50 ms apart), so wait between points; return, per chart, how many points showed a label.
HOVER_EVERY_POINT_JS = """async () => {
    const labelled = [];
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        let labels = 0;
        for (const [curve, trace] of gd._fullData.entries()) {
            const subplot = trace.xaxis && trace.yaxis ? trace.xaxis + trace.yaxis : undefined;
            const n = Math.max(...['x', 'y', 'labels', 'values'].map(k => (trace[k] || []).length));
            for (let i = 0; i < n; i++) {
                Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: i}], subplot);
                await new Promise(resolve => setTimeout(resolve, 60));
                labels += gd.querySelector('.hoverlayer .hovertext') ? 1 : 0;
            }
        }
        Plotly.Fx.unhover(gd);
        labelled.push(labels);
    }
    return labelled;
}"""
# Synthetic mouse-overs on everything outside the charts (plotly wants real events): fires any inline handler.
MOUSEOVER_ALL_JS = """() => {
    const outside = [...document.querySelectorAll('body *')].filter(e => !e.closest('.js-plotly-plot'));
    for (const e of outside) {
        for (const type of ['mouseover', 'mouseenter', 'mousemove']) {
            e.dispatchEvent(new MouseEvent(type, {bubbles: true}));
        }
    }
    return outside.length;
}"""


async def hover_everywhere(page: Any) -> list[int]:
    """Hover over every chart (mouse moves over a grid, then every point) and every other element; return labels per chart."""
    assert page.viewport_size == HOVER_WINDOW  # the window opened at this size: no resize, no redraw of every chart
    for area in await page.locator(".js-plotly-plot .nsewdrag").all():
        await area.scroll_into_view_if_needed()
        box = await area.bounding_box()
        assert box is not None
        for fx in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95):
            for fy in (0.1, 0.5, 0.9):
                await page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"], steps=2)
    for cell in await page.locator("td").filter(has_text="__pwned").all():
        await cell.hover(timeout=10_000)
    labels = await page.evaluate(HOVER_EVERY_POINT_JS)
    assert await page.evaluate(MOUSEOVER_ALL_JS) > 0
    return labels


async def check_inert_and_offline(path: Path, page: Any, requests: list[str], errors: list[str]) -> None:
    """One page of test_pages_are_inert_and_offline: its charts drawn and hovered, nothing run, nothing fetched."""
    expected = notebook_figures(path.stem)
    assert await page.locator(".dfx-plotly-figure").count() == expected, path.name
    await page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= {expected}", timeout=30_000)
    assert await drawn_figures_async(page) == expected, path.name
    assert await page.evaluate("typeof window.__pwned") == "undefined", path.name
    labelled = await hover_everywhere(page)
    assert len(labelled) == expected and all(labelled), (path.name, labelled)  # every chart hovered
    await page.wait_for_timeout(200)
    assert await page.evaluate("typeof window.__pwned") == "undefined", path.name
    assert await page.evaluate(LIVE_MARKUP_JS) == NO_LIVE_MARKUP, path.name
    assert errors == [], (path.name, errors)
    assert requests and all(u.startswith(LOCAL_SCHEMES) for u in requests), (path.name, requests)
    shown = await page.locator("body").inner_text()
    for handle in HANDLES:
        assert handle not in shown and html.escape(handle) not in shown, (path.name, handle)


def test_pages_are_inert_and_offline(report: Path) -> None:
    """Every page loads only local files, logs no errors, draws its charts, and nothing hostile runs."""
    # The pages are checked at the same time, each in its own window (hovering waits for frames and plotly's
    # throttle, so one page's waits overlap another's); they share one renderer, which compiles plotly.js once.
    paths = sorted(report.glob("*.html"), key=lambda p: -notebook_figures(p.stem))  # the longest to hover first

    async def check_all() -> None:
        async with launch_chromium_async() as chromium:
            context = await chromium.new_context(viewport=HOVER_WINDOW)  # every window drawn once, at this size
            first = await open_page_async(context, paths[0])
            checks = [asyncio.create_task(check_inert_and_offline(paths[0], *first))]
            for path in paths[1:]:  # opened one after another: each reuses the compiled plotly.js
                checks.append(asyncio.create_task(check_inert_and_offline(path, *await open_window_async(first[0], path))))
            await asyncio.gather(*checks)
            await context.close()

    run_in_thread(check_all)


def test_hostile_comments_show_as_text(report: Path, opener: Any) -> None:
    """04-page-feedback quotes each hostile comment as literal, visible text in a table cell."""
    page, _, errors = open_window(opener, report / "04-page-feedback.html")
    try:
        cells = page.locator("table.dataframe td").all_inner_texts()
        for text in TEXTS:
            assert text in cells, text
        shown = page.locator("body").inner_text()
        for hostile in HOSTILE:
            assert hostile in shown, hostile
        for pseudonym in PSEUDONYMS:
            assert pseudonym in shown, pseudonym
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert errors == []
    finally:
        page.close()


def test_page_body_markup_shows_as_text(report: Path, opener: Any) -> None:
    """Markup in the page's own text is quoted literally in 02-types, and nothing of it runs."""
    page, _, errors = open_window(opener, report / "02-types.html")
    try:
        assert BODY_MARKUP in page.locator("blockquote").first.inner_text()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert errors == []
    finally:
        page.close()


def test_fresh_kernels_give_the_bytes_of_warm_kernels(builds: dict[str, Any]) -> None:
    """Every file of the real report (pages, CSVs, assets, index) built by `make report`'s warm kernels (forked from
    one pre-imported process) is byte-identical to `--kernels fresh`: a fresh kernel per notebook, as nbval runs them.

    Last in this file: the fresh build started when the report was built, and ran while the tests above did.
    """
    _, err = builds["fresh"].communicate(timeout=BUILD_TIMEOUT)
    assert builds["fresh"].returncode == 0, err
    notebooks = build.default_notebooks()
    assert f"({len(notebooks)} run, 0 cached," in err.strip().splitlines()[-1], err
    warm, cold = report_files(builds["report"]), report_files(builds["fresh_out"])
    assert warm.keys() == cold.keys()
    assert [name for name in warm if warm[name] != cold[name]] == []
    assert sum(1 for name in warm if name.endswith(".html")) == len(notebooks) + 1

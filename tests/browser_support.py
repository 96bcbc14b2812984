"""Shared helpers for the headless-Chromium tests: the Debian browser, its launch flags, page recording."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from analysis.figures.theme import MIN_FIGURE_PX

# Debian's build of Chromium's headless shell (the headless mode Playwright itself runs by default): the same
# Chromium and Blink as the browser, without its windowing layer; half the CPU of `chromium --headless` in this suite.
# DFX_CHROMIUM=/usr/bin/chromium runs the browser tests in the full browser instead.
CHROMIUM = Path(os.environ.get("DFX_CHROMIUM", "/usr/bin/chromium-headless-shell"))
SKIP_REASON = (f"no Chromium at {CHROMIUM}: browser tests skipped; apt-get install chromium-headless-shell "
               "(or set DFX_CHROMIUM to another Chromium)")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file://", "data:")
WINDOW_HEIGHT = 900  # px: the window height of the width checks (800, 1100 and 1600 px wide)
MAX_FIGURE_PX = 1000  # no figure taller than this (title, legend, plot and notes together): it fits a laptop screen
SHOTS = Path(os.environ["DFX_SHOTS"]) if os.environ.get("DFX_SHOTS") else None  # set it to keep screenshots
# For every plotly figure inside `scope` (a CSS selector, '' for the whole page): its width, the width of the
# output it sits in, the width its SVG was last drawn at, its height, how far (px) any SVG text reaches outside
# the figure's box, and each pair of its texts drawn over one another (boxes crossing by more than OVERLAP_PX both
# ways: the glyphs' boxes include some space, so texts merely touching are not counted).
OVERLAP_PX = 2
OVERFLOW_JS = """(scope) => [...document.querySelectorAll((scope ? scope + ' ' : '') + '.js-plotly-plot')].map(plot => {
    const box = plot.getBoundingClientRect();
    // the room: its output row's width after the prompt (in JupyterLab the plotly node is the output itself)
    const row = plot.closest('.jp-OutputArea-child');
    const prompt = row && row.querySelector(':scope > .jp-OutputArea-prompt');
    const room = row ? row.getBoundingClientRect().width - (prompt ? prompt.getBoundingClientRect().width : 0)
                     : plot.parentElement.getBoundingClientRect().width;
    let worst = 0, text = '';
    const drawn = [];
    plot.querySelectorAll('svg text').forEach(t => {
        const r = t.getBoundingClientRect();
        if (!r.width || !t.textContent.trim()) return;
        const over = Math.max(r.right - box.right, box.left - r.left, 0);
        if (over > worst) { worst = over; text = t.textContent.slice(0, 60); }
        drawn.push([r, t.textContent.slice(0, 40)]);
    });
    const overlaps = [];
    drawn.forEach(([a, at], i) => drawn.slice(i + 1).forEach(([b, bt]) => {
        const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (across > OVERLAP_PX && down > OVERLAP_PX) overlaps.push([at, bt]);
    }));
    const svg = plot.querySelector('svg.main-svg');
    return {width: Math.round(box.width), room: Math.round(room),
            svg: svg ? Math.round(svg.getBoundingClientRect().width) : 0,
            height: Math.round(box.height), over: Math.round(worst), text, overlaps};
})""".replace("OVERLAP_PX", str(OVERLAP_PX))
# What would let a hostile string run: executable scripts naming it, on* attributes, javascript: URLs, <img src=x>.
LIVE_MARKUP_JS = """() => {
    const all = [...document.querySelectorAll('*')];
    return {
        scripts: [...document.scripts].filter(
            s => (!s.type || /javascript|module/i.test(s.type)) && s.textContent.includes('__pwned')).length,
        handlers: all.filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')))
            .map(e => e.outerHTML.slice(0, 120)),
        js_urls: all.filter(e => [...e.attributes].some(a => /^\\s*javascript:/i.test(a.value)))
            .map(e => e.outerHTML.slice(0, 120)),
        images: document.querySelectorAll('img[src="x"]').length,
    };
}"""
NO_LIVE_MARKUP = {"scripts": 0, "handlers": [], "js_urls": [], "images": 0}


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Yield a headless Debian Chromium driven by playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def page_url(target: Path | str) -> str:
    """A file (as a file:// URI) or a URL, as open_page navigates to it."""
    return target.as_uri() if isinstance(target, Path) else target


def record(page: Any) -> tuple[list[str], list[str]]:
    """From now on, record every request URL and every console/page error of `page` (as open_page does)."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return requests, errors


def _size(width: int) -> dict[str, int]:
    """A window size `width` px wide and WINDOW_HEIGHT high, as playwright takes it."""
    return {"width": width, "height": WINDOW_HEIGHT}


def _width(page: Any) -> int | None:
    """The page's window width now (None when playwright does not set one)."""
    return (page.viewport_size or {}).get("width")


def _viewport(width: int | None) -> dict[str, Any]:
    """Playwright's options for a new page or context `width` px wide (its default size without)."""
    return {"viewport": _size(width)} if width else {}


def open_page(browser: Any, target: Path | str, wait_until: str = "load",
              width: int | None = None) -> tuple[Any, list[str], list[str]]:
    """Open a file (over file://) or URL, recording every request URL and every console/page error; `width` sets
    the window's width (900 px high) before it loads, so what it draws first is drawn at that width."""
    page = browser.new_page(**_viewport(width))
    requests, errors = record(page)
    page.goto(page_url(target), wait_until=wait_until)
    return page, requests, errors


def settled_figures(page: Any, scope: str = "", timeout_ms: int = 10_000) -> list[dict[str, Any]]:
    """OVERFLOW_JS once every figure has been redrawn at its output's width and two looks agree (no fixed sleep).

    After a resize the figure's box follows the CSS at once, while plotly redraws its SVG a little later; a
    figure counts as settled when its SVG is as wide as its box and its output, unchanged 100 ms apart. At the
    deadline the last measurement is returned as it is, so the caller's assertions report what did not settle.
    """
    return settled_figures_of([page], scope, timeout_ms)[0]


def widths_from(page: Any, widths: tuple[int, ...]) -> list[int]:
    """`widths` in order, starting with the window's current width when it is one of them: a page is then checked at
    the width it was drawn at first, without a resize and redraw of every figure."""
    current = _width(page)
    return sorted(widths, key=lambda width: width != current)


def resize(page: Any, width: int) -> None:
    """Make the window `width` px wide (WINDOW_HEIGHT high), unless it is already: a resize redraws every figure."""
    if _width(page) != width:
        page.set_viewport_size(_size(width))


def fills(figure: dict[str, Any]) -> bool:
    """The figure is as wide as its output, or MIN_FIGURE_PX wide in a narrower output (which then scrolls)."""
    return abs(figure["width"] - max(figure["room"], MIN_FIGURE_PX)) <= 2


def _redrawn(figures: list[dict[str, Any]]) -> bool:
    """Every figure's SVG is as wide as its box, and its box fills its output."""
    return all(abs(f["svg"] - f["width"]) <= 2 and fills(f) for f in figures)


def drawn_figures(page: Any) -> int:
    """Number of plotly figures that actually drew an SVG."""
    return page.locator(".js-plotly-plot:has(svg.main-svg)").count()


# Pages opened with browser.new_page() each get a renderer process of their own, which parses and runs the 4.8 MB
# plotly.min.js afresh (~1.5 s of CPU, more on a busy machine). A popup window opened from a report page shares that
# page's renderer (same site, same browsing instance), where V8 reuses the compiled script: each further page loads
# in ~0.5 s. Every popup is a window of its own, so it keeps receiving frames (mouse input, plotly redraws) while
# another window is worked on; a background tab of one window does not (a mouse move there waits ~1 s for a frame).
OPEN_WINDOW_JS = "() => { window.open('about:blank', '_blank', 'popup'); }"


def open_window(opener: Any, target: Path | str, wait_until: str = "load") -> tuple[Any, list[str], list[str]]:
    """open_page in a popup window of `opener` (a page), sharing its renderer: recorded from before it navigates."""
    with opener.context.expect_page() as popup:
        opener.evaluate(OPEN_WINDOW_JS)
    page = popup.value
    page.wait_for_load_state("load")  # the empty window has loaded: nothing of it is recorded
    requests, errors = record(page)
    page.goto(page_url(target), wait_until=wait_until)
    return page, requests, errors


def open_windows(browser: Any, targets: list[Path | str], wait_until: str = "load",
                 width: int | None = None) -> tuple[Any, list[tuple[Any, list[str], list[str]]]]:
    """open_page for several targets, each in its own window of one new context, all sharing one renderer.

    The first target opens as open_page opens it, each other one with open_window from it; every window is
    `width` wide when given. Returns the context (close it when done) and (page, requests, errors) per target.
    """
    context = browser.new_context(**_viewport(width))
    first = open_page(context, targets[0], wait_until)
    return context, [first] + [open_window(first[0], target, wait_until) for target in targets[1:]]


def settled_figures_of(pages: list[Any], scope: str = "", timeout_ms: int = 10_000) -> list[list[dict[str, Any]]]:
    """settled_figures for several pages at once (each must settle, as there), polled together: one wait for all."""
    deadline = time.monotonic() + timeout_ms / 1000
    last: list[list[dict[str, Any]] | None] = [None] * len(pages)
    done: list[list[dict[str, Any]] | None] = [None] * len(pages)
    while True:
        pages[0].wait_for_timeout(100)
        late = time.monotonic() > deadline
        for i, page in enumerate(pages):
            if done[i] is not None:
                continue
            figures = page.evaluate(OVERFLOW_JS, scope)
            if (_redrawn(figures) and figures == last[i]) or late:
                done[i] = figures
            last[i] = figures
        if all(d is not None for d in done):
            return [d for d in done if d is not None]


# The same with playwright's async API, for tests that work on several pages at the same time (their waits overlap).
def run_in_thread(main: Callable[[], Awaitable[Any]]) -> Any:
    """asyncio.run(main()) in a thread of its own (a sync playwright may be running its event loop in this one)."""
    async def run() -> Any:
        return await main()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


@asynccontextmanager
async def launch_chromium_async() -> AsyncIterator[Any]:
    """launch_chromium for playwright's async API."""
    async_api = pytest.importorskip("playwright.async_api")
    async with async_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_page_async(context: Any, target: Path | str, wait_until: str = "load") -> tuple[Any, list[str], list[str]]:
    """open_page for playwright's async API (in a browser or a context)."""
    page = await context.new_page()
    requests, errors = record(page)
    await page.goto(page_url(target), wait_until=wait_until)
    return page, requests, errors


async def open_window_async(opener: Any, target: Path | str, wait_until: str = "load") -> tuple[Any, list[str], list[str]]:
    """open_window for playwright's async API."""
    async with opener.context.expect_page() as popup:
        await opener.evaluate(OPEN_WINDOW_JS)
    page = await popup.value
    await page.wait_for_load_state("load")
    requests, errors = record(page)
    await page.goto(page_url(target), wait_until=wait_until)
    return page, requests, errors


async def drawn_figures_async(page: Any) -> int:
    """drawn_figures for playwright's async API."""
    return await page.locator(".js-plotly-plot:has(svg.main-svg)").count()

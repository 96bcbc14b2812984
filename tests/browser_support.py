"""Shared helpers for the headless-Chromium tests: the Debian browser, its launch flags, page recording."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = f"Chromium not installed at {CHROMIUM}: browser tests skipped; apt-get install chromium"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file://", "data:")
MAX_FIGURE_PX = 1000  # no figure taller than this (title, legend, plot and notes together): it fits a laptop screen
SHOTS = Path(os.environ["DFX_SHOTS"]) if os.environ.get("DFX_SHOTS") else None  # set it to keep screenshots
# For every plotly figure inside `scope` (a CSS selector, '' for the whole page): its width, the width of the
# output it sits in, the width its SVG was last drawn at, its height, and how far (px) any SVG text reaches outside
# the figure's box.
OVERFLOW_JS = """(scope) => [...document.querySelectorAll((scope ? scope + ' ' : '') + '.js-plotly-plot')].map(plot => {
    const box = plot.getBoundingClientRect();
    const main = plot.closest('.jp-OutputArea-output') || plot.parentElement;
    let worst = 0, text = '';
    plot.querySelectorAll('svg text').forEach(t => {
        const r = t.getBoundingClientRect();
        if (!r.width) return;
        const over = Math.max(r.right - box.right, box.left - r.left, 0);
        if (over > worst) { worst = over; text = t.textContent.slice(0, 60); }
    });
    const svg = plot.querySelector('svg.main-svg');
    return {width: Math.round(box.width), room: Math.round(main.getBoundingClientRect().width),
            svg: svg ? Math.round(svg.getBoundingClientRect().width) : 0,
            height: Math.round(box.height), over: Math.round(worst), text};
})"""
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


def open_page(browser: Any, target: Path | str, wait_until: str = "load") -> tuple[Any, list[str], list[str]]:
    """Open a file (over file://) or URL, recording every request URL and every console/page error."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(target.as_uri() if isinstance(target, Path) else target, wait_until=wait_until)
    return page, requests, errors


def settled_figures(page: Any, scope: str = "", timeout_ms: int = 10_000) -> list[dict[str, Any]]:
    """OVERFLOW_JS once every figure has been redrawn at its output's width and two looks agree (no fixed sleep).

    After a resize the figure's box follows the CSS at once, while plotly redraws its SVG a little later; a
    figure counts as settled when its SVG is as wide as its box and its output, unchanged 100 ms apart. At the
    deadline the last measurement is returned as it is, so the caller's assertions report what did not settle.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    last: list[dict[str, Any]] | None = None
    while True:
        page.wait_for_timeout(100)
        figures = page.evaluate(OVERFLOW_JS, scope)
        drawn = all(abs(f["svg"] - f["width"]) <= 2 and abs(f["width"] - f["room"]) <= 2 for f in figures)
        if (drawn and figures == last) or time.monotonic() > deadline:
            return figures
        last = figures


def drawn_figures(page: Any) -> int:
    """Number of plotly figures that actually drew an SVG."""
    return page.locator(".js-plotly-plot:has(svg.main-svg)").count()

"""Shared helpers for the headless-Chromium tests: the Debian browser, its launch flags, page recording."""

from __future__ import annotations

import os
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
# output it sits in, its height, and how far (px) any SVG text reaches outside the figure's box.
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
    return {width: Math.round(box.width), room: Math.round(main.getBoundingClientRect().width),
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


def drawn_figures(page: Any) -> int:
    """Number of plotly figures that actually drew an SVG."""
    return page.locator(".js-plotly-plot:has(svg.main-svg)").count()

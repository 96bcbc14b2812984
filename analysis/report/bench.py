"""Benchmark the report build against a plain `jupyter nbconvert --execute` loop.

Run: python -m analysis.report.bench [--page PAGE] [--out DIR] [--notebooks NB ...]
Prints a markdown table (times, sizes, first chart painted in headless Chromium) and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.report import build as report

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
PAINT_TIMEOUT_MS = 15_000
# Elements a plotly figure could be drawn into; without any, no chart can ever appear.
CHART_CONTAINERS = ".js-plotly-plot, .plotly-graph-div, .dfx-plotly-figure"
# Records performance.now() once the first plotly SVG exists and a frame has been painted.
FIRST_CHART_SCRIPT = """
window.__firstChart = null;
new MutationObserver(function (records, observer) {
  if (document.querySelector('.js-plotly-plot svg.main-svg')) {
    observer.disconnect();
    requestAnimationFrame(function () {
      setTimeout(function () { window.__firstChart = performance.now(); }, 0);
    });
  }
}).observe(document, {childList: true, subtree: true});
"""


@dataclass
class PaintResult:
    """Browser measurements for one HTML page."""

    first_chart_ms: float | None
    first_contentful_paint_ms: float | None
    charts_drawn: int
    blocked_requests: int


def dir_size(path: Path, skip: str | None = None) -> int:
    """Total bytes of the files under path, optionally skipping one sub-directory name."""
    return sum(p.stat().st_size for p in path.rglob("*")
               if p.is_file() and (skip is None or skip not in p.relative_to(path).parts))


def jupyter_command() -> list[str]:
    """The `jupyter` executable next to this interpreter, or `python -m jupyter`."""
    exe = Path(sys.executable).with_name("jupyter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter"]


def plain_loop(page: Path, notebooks: Sequence[Path], out: Path, as_of: str | None) -> float:
    """Run `jupyter nbconvert --to html --execute` per notebook into out; return seconds."""
    env = dict(os.environ, **{report.PAGE_ENV: str(page.resolve())})
    if as_of is not None:
        env[report.AS_OF_ENV] = as_of
    env["PYTHONPATH"] = str(report.ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    for nb in notebooks:
        cmd = [*jupyter_command(), "nbconvert", "--to", "html", "--execute",
               "--output-dir", str(out), str(nb)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or ["?"]
            raise RuntimeError(f"plain nbconvert failed on {nb.name}: {tail[0]}")
    return time.perf_counter() - start


def _load_once(browser: Any, html: Path) -> PaintResult:
    """Load html in a fresh page with only file:// and data: allowed; measure the paint."""
    page = browser.new_page()
    blocked: list[str] = []

    def route(r: Any) -> None:
        """Let file:// and data: through, block (and count) everything else."""
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(FIRST_CHART_SCRIPT)
    page.goto(html.as_uri(), wait_until="load")
    first = None
    if page.locator(CHART_CONTAINERS).count():
        try:
            page.wait_for_function("window.__firstChart !== null", timeout=PAINT_TIMEOUT_MS)
            first = float(page.evaluate("window.__firstChart"))
        except Exception:  # noqa: BLE001 - never painted: reported as such
            first = None
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0]"
                        " || {}).startTime || null")
    charts = page.locator(".js-plotly-plot:has(svg.main-svg)").count()
    page.close()
    return PaintResult(first, None if fcp is None else float(fcp), charts, len(blocked))


def measure_paint(html: Path, runs: int = 3) -> PaintResult:
    """Median time to first painted plotly chart (and FCP) over fresh page loads, offline."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            loads = [_load_once(browser, html) for _ in range(runs)]
        finally:
            browser.close()
    firsts = [x.first_chart_ms for x in loads if x.first_chart_ms is not None]
    fcps = [x.first_contentful_paint_ms for x in loads if x.first_contentful_paint_ms is not None]
    return PaintResult(statistics.median(firsts) if firsts else None,
                       statistics.median(fcps) if fcps else None,
                       loads[-1].charts_drawn, loads[-1].blocked_requests)


def _mb(n: int) -> str:
    """Bytes as MB with two decimals."""
    return f"{n / 1e6:.2f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    """a / b formatted, or a dash."""
    return f"{a / b:.2f}x" if a and b else "–"


def _ms(value: float | None, drawn: int, expected: int) -> str:
    """Format a paint time."""
    if value is None:
        return f"never ({drawn}/{expected} charts drawn)"
    return f"{value:.0f} ms ({drawn}/{expected} charts drawn)"


def machine() -> str:
    """One line describing the machine and key package versions."""
    versions = ", ".join(f"{name} {metadata.version(name)}"
                         for name in ("nbconvert", "nbclient", "plotly"))
    return (f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.platform()}, {versions}")


def _build(page: Path, out: Path, notebooks: list[Path], jobs: int | None, as_of: str | None,
           **kw: Any) -> tuple[report.ReportResult, float]:
    """One report build, timed; raise if a notebook failed."""
    t0 = time.perf_counter()
    result = report.build_report(page, out, notebooks, jobs=jobs, as_of=as_of, stream=_QUIET,
                                 index_content=report.page_index_content, **kw)
    seconds = time.perf_counter() - t0
    if not result.ok:
        raise RuntimeError(f"report build failed: {[f.error for f in result.failures]}")
    return result, seconds


class _Quiet:
    """A stream that drops the build's progress lines."""

    def write(self, text: str) -> int:
        """Drop text."""
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


_QUIET: Any = _Quiet()


def one_module_edit(page: Path, notebooks: list[Path], jobs: int | None, as_of: str | None,
                    module: str = "comments/readability.py") -> tuple[float, list[str], list[str]]:
    """In a copy of the project, build, edit one analysis module, rebuild: (seconds, re-run, cached)."""
    with tempfile.TemporaryDirectory(prefix="dystonia-edit-") as tmp:
        root = Path(tmp)
        for part in ("analysis", "data", "notebooks"):
            shutil.copytree(report.ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
        copies = [root / "notebooks" / nb.name for nb in notebooks]
        out = root / "reports"
        _build(page, out, copies, jobs, as_of, root=root)
        with (root / "analysis" / module).open("a", encoding="utf-8") as f:
            f.write("\n# an edit for the benchmark\n")
        edited, seconds = _build(page, out, copies, jobs, as_of, root=root)
        return seconds, edited.ran, edited.cached


def same_bytes(a: Path, b: Path) -> tuple[bool, int]:
    """Whether two reports hold identical files (build cache aside), and how many files were compared."""
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*")
               if p.is_file() and report.CACHE_DIRNAME not in p.relative_to(a).parts}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*")
               if p.is_file() and report.CACHE_DIRNAME not in p.relative_to(b).parts}
    return files_a == files_b, len(files_a)


ROUNDS = 2  # (a) and the plain loop, one after the other, this many times: a ratio per round, shared-machine noise shows


def run(page: Path, notebooks: list[Path], out: Path, jobs: int | None, as_of: str | None) -> str:
    """Run all measurements and return the markdown report."""
    plain_dir = Path(tempfile.mkdtemp(prefix="dystonia-plain-"))
    fresh_dir = Path(tempfile.mkdtemp(prefix="dystonia-fresh-")) / "reports"
    try:
        fulls, plains = [], []
        for _round in range(ROUNDS):  # side by side: each full build next to a plain loop
            full, seconds = _build(page, out, notebooks, jobs, as_of, force=True)
            fulls.append(seconds)
            shutil.rmtree(plain_dir, ignore_errors=True)
            plains.append(plain_loop(page, notebooks, plain_dir, as_of))
        full_s, plain_s = statistics.median(fulls), statistics.median(plains)
        for _attempt in range(2):  # a second try if inputs were edited while (a) ran
            noop, noop_s = _build(page, out, notebooks, jobs, as_of)
            if not noop.ran:
                break
        _, fresh_s = _build(page, fresh_dir, notebooks, jobs, as_of, force=True, kernels="fresh")
        identical, compared = same_bytes(out, fresh_dir)
        edit_s, edit_ran, edit_cached = one_module_edit(page, notebooks, jobs, as_of)
        report_size = dir_size(out, skip=report.CACHE_DIRNAME)
        plain_size = dir_size(plain_dir)
        figures = {p.name: p.figures for p in full.pages}
        chart_page = next((name for name, n in figures.items() if n), None)
        paint_rows = _paint_rows(out, plain_dir, chart_page, figures)
    finally:
        shutil.rmtree(plain_dir, ignore_errors=True)
        shutil.rmtree(fresh_dir.parent, ignore_errors=True)
    rounds = "; ".join(f"{a:.2f} s / {b:.2f} s = {a / b:.2f}x" for a, b in zip(fulls, plains, strict=True))
    rows = [
        ("measurement", "report (`python -m analysis report`)",
         "plain `jupyter nbconvert --to html --execute` loop", "report / plain"),
        ("---", "---", "---", "---"),
        (f"(a) full build, {len(notebooks)} notebooks (--force, warm kernels, jobs={jobs or os.cpu_count()}),"
         f" median of {ROUNDS} rounds ({rounds})", f"{full_s:.2f} s", f"{plain_s:.2f} s", _share(full_s, plain_s)),
        ("(b) full build with a fresh kernel per notebook (--kernels fresh)",
         f"{fresh_s:.2f} s; bytes {'identical' if identical else 'DIFFERENT'} to (a) ({compared} files)",
         f"{plain_s:.2f} s", _share(fresh_s, plain_s)),
        ("(c) rebuild, nothing changed", f"{noop_s:.3f} s ({len(noop.cached)} cached)",
         f"{plain_s:.2f} s (always re-executes)", _share(noop_s, plain_s)),
        ("(c2) rebuild after editing analysis/comments/readability.py",
         f"{edit_s:.2f} s (re-ran {', '.join(edit_ran) or 'nothing'}; {len(edit_cached)} cached)",
         f"{plain_s:.2f} s", _share(edit_s, plain_s)),
        ("(d) output size (report: excluding .build-cache)", _mb(report_size), _mb(plain_size),
         f"{report_size / plain_size:.2f}x"),
        *paint_rows,
    ]
    table = "\n".join("| " + " | ".join(row) + " |" for row in rows)
    return f"{table}\n\nMachine: {machine()}\n"


def _share(ours: float, plain: float) -> str:
    """ours as a fraction of plain ("0.18x")."""
    return f"{ours / plain:.2f}x" if plain else "–"


def _paint_rows(out: Path, plain_dir: Path, chart_page: str | None,
                figures: dict[str, int]) -> list[tuple[str, str, str, str]]:
    """Table rows for the browser measurements (or why they were skipped)."""
    if chart_page is None:
        return [("(e) first chart painted", "no notebook has a plotly figure", "–", "–")]
    if not CHROMIUM.exists():
        return [("(e) first chart painted", f"skipped: {CHROMIUM} missing", "–", "–")]
    expected = figures[chart_page]
    ours = measure_paint(out / f"{chart_page}.html")
    plain = measure_paint(plain_dir / f"{chart_page}.html")
    return [
        (f"(e) first chart painted, {chart_page} (median of 3, offline)",
         _ms(ours.first_chart_ms, ours.charts_drawn, expected),
         _ms(plain.first_chart_ms, plain.charts_drawn, expected),
         _ratio(ours.first_chart_ms, plain.first_chart_ms)),
        ("first contentful paint",
         f"{ours.first_contentful_paint_ms or 0:.0f} ms",
         f"{plain.first_contentful_paint_ms or 0:.0f} ms",
         _ratio(ours.first_contentful_paint_ms, plain.first_contentful_paint_ms)),
        ("non-file requests attempted (blocked)", str(ours.blocked_requests),
         str(plain.blocked_requests), "–"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point for python -m analysis.report.bench."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report.bench", description=__doc__)
    parser.add_argument("--page", type=Path,
                        default=Path(os.environ.get(report.PAGE_ENV) or report.DEFAULT_PAGE))
    parser.add_argument("--out", type=Path, default=report.DEFAULT_OUT)
    parser.add_argument("--notebooks", type=Path, nargs="+", default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--as-of", default=None)
    parser.add_argument("--write", type=Path, default=None, help="also write the table here")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or report.default_notebooks()
    if not notebooks:
        print("error: no notebooks found", file=sys.stderr)
        return 2
    text = run(args.page, notebooks, args.out, args.jobs, args.as_of)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

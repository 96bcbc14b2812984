"""Build the static HTML report: run notebooks (cached, in parallel), export them, write the index.

Heavy modules (nbclient, nbconvert) are only imported inside the worker processes, so a
rebuild where every notebook is a cache hit stays well under a second. The cache lives in
analysis.report_cache, execution in analysis.report_execute, HTML export and assets in
analysis.report_export; this module builds the report, renders its index and is the CLI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from analysis.paths import (
    AS_OF_ENV,
    DEFAULT_AS_OF,
    DEFAULT_PAGE,
    NOTEBOOKS_DIR,
    PAGE_ENV,
    PROJECT_ROOT,
    REPORTS_DIR,
)
from analysis.report_cache import (
    CACHE_DIRNAME,
    is_fresh,
    load_manifest,
    notebook_key,
    save_manifest,
    shared_inputs_digest,
)
from analysis.report_execute import kernel_env, run_pending
from analysis.report_export import TEMPLATE_DIR, copy_csvs, plotly_js_path, write_assets, write_if_changed
from analysis.report_parts import plan_parts

__all__ = [
    "AS_OF_ENV",
    "CACHE_DIRNAME",
    "DEFAULT_OUT",
    "DEFAULT_PAGE",
    "PAGE_ENV",
    "ROOT",
    "PageResult",
    "ReportResult",
    "add_report_parser",
    "build_report",
    "default_notebooks",
    "main",
    "notebook_title",
    "page_index_content",
    "plotly_js_path",
    "render_index",
    "run_report",
    "shared_inputs_digest",
]

ROOT = PROJECT_ROOT
DEFAULT_OUT = REPORTS_DIR
DEFAULT_NOTEBOOK_DIR = NOTEBOOKS_DIR
REPORT_TITLE = "Dystonia facts"


@dataclass(frozen=True)
class PageResult:
    """Outcome for one notebook: status is 'ran', 'cached' or 'failed'."""

    name: str
    status: str
    seconds: float = 0.0
    title: str = ""
    figures: int = 0
    error: str | None = None


@dataclass
class ReportResult:
    """Outcome of a whole build."""

    out: Path
    pages: list[PageResult] = field(default_factory=list)
    seconds: float = 0.0
    index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no notebook failed."""
        return all(p.status != "failed" for p in self.pages)

    @property
    def ran(self) -> list[str]:
        """Names of notebooks executed in this build."""
        return [p.name for p in self.pages if p.status == "ran"]

    @property
    def cached(self) -> list[str]:
        """Names of notebooks served from the cache."""
        return [p.name for p in self.pages if p.status == "cached"]

    @property
    def failures(self) -> list[PageResult]:
        """Notebooks that failed."""
        return [p for p in self.pages if p.status == "failed"]


# --------------------------------------------------------------------------- index


def notebook_title(notebook: Path) -> str:
    """Return the text of the notebook's first markdown heading (or its file stem)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return notebook.stem
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                heading = stripped.lstrip("#").strip()
                if heading:
                    return heading
    return notebook.stem


def render_index(context: dict[str, Any]) -> bytes:
    """Render the report index from the autoescaped Jinja2 site template."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR / "site")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("index.html.j2").render(**context).encode("utf-8")


# --------------------------------------------------------------------------- orchestration


def _progress(stream: TextIO, done: int, total: int, name: str, message: str) -> None:
    """Print one progress line."""
    print(f"[{done}/{total}] {name} ... {message}", file=stream, flush=True)


def build_report(
    page: Path,
    out: Path,
    notebooks: list[Path],
    force: bool = False,
    jobs: int | None = None,
    as_of: str | None = None,
    *,
    key_numbers: Sequence[tuple[str, str]] = (),
    caveats: Sequence[str] = (),
    index_content: Callable[[Path, Path, str], tuple[Sequence[tuple[str, str]], Sequence[str]]] | None = None,
    root: Path | None = None,
    stream: TextIO | None = None,
) -> ReportResult:
    """Execute (or reuse cached) notebooks, export HTML pages, assets, CSVs and index.html into out."""
    start = time.perf_counter()
    stream = stream if stream is not None else sys.stderr
    root = (root or ROOT).resolve()
    page = Path(page).resolve()
    out = Path(out).resolve()
    notebooks = [Path(nb).resolve() for nb in notebooks]
    stems = [nb.stem for nb in notebooks]
    if len(set(stems)) != len(stems):
        raise ValueError(f"notebook names must be unique: {stems}")
    if not page.is_file():
        raise FileNotFoundError(f"page not found: {page}")
    missing = [str(nb) for nb in notebooks if not nb.is_file()]
    if missing:
        raise FileNotFoundError(f"notebook not found: {', '.join(missing)}")
    if as_of is not None:
        date.fromisoformat(as_of)  # ValueError for anything but an ISO date

    cache_dir = out / CACHE_DIRNAME
    cache_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = cache_dir / "manifest.json"
    entries: dict[str, Any] = dict(load_manifest(manifest_path).get("notebooks", {}))
    effective_as_of = as_of or os.environ.get(AS_OF_ENV) or DEFAULT_AS_OF
    shared = shared_inputs_digest(page, root, effective_as_of)
    plan = plan_parts(page, notebooks, cache_dir, shared)  # the parts that apply to this page, and why
    notebooks = plan.notebooks

    total = len(notebooks)
    results: dict[str, PageResult] = {}
    pending: list[tuple[Path, str, str]] = []
    for nb in notebooks:
        key, title = notebook_key(nb, shared), notebook_title(nb)
        entry = entries.get(nb.stem)
        if not force and is_fresh(entry, key, out / f"{nb.stem}.html"):
            results[nb.stem] = PageResult(nb.stem, "cached", 0.0, title, int(entry["figures"]))
            _progress(stream, len(results), total, nb.stem, "cached")
        else:
            pending.append((nb, key, title))

    def on_done(nb: Path, key: str, title: str, result: dict[str, Any]) -> None:
        """Record one finished notebook: write its page or report its failure."""
        seconds = float(result.get("seconds", 0.0))
        if "error" in result:
            entries.pop(nb.stem, None)
            results[nb.stem] = PageResult(nb.stem, "failed", seconds, title, 0, result["error"])
            _progress(stream, len(results), total, nb.stem,
                      f"FAILED {seconds:.1f}s ({result['error']})")
        else:
            data = result["html"].encode("utf-8")
            write_if_changed(out / f"{nb.stem}.html", data)
            entries[nb.stem] = {"key": key, "figures": result["figures"],
                                "html_sha256": hashlib.sha256(data).hexdigest()}
            results[nb.stem] = PageResult(nb.stem, "ran", seconds, title, result["figures"])
            _progress(stream, len(results), total, nb.stem, f"done {seconds:.1f}s")
        save_manifest(manifest_path, entries)

    if pending:
        env = kernel_env(page, root, as_of)
        run_pending(pending, env, cache_dir, jobs or os.cpu_count() or 1, on_done)

    report = ReportResult(out=out, pages=[results[nb.stem] for nb in notebooks])
    write_assets(out)
    if report.ok and index_content is None:  # toy projects: their processed CSVs as they are
        csvs = copy_csvs(root / "data" / "processed", out / "data")
    elif report.ok:  # the page's own tables and key numbers, recomputed only when the shared inputs change
        state = load_manifest(manifest_path).get("index", {})
        if force or state.get("shared") != shared or not (out / "data").is_dir():
            for stale in (out / "data").glob("*.csv"):
                stale.unlink()
            key_numbers, caveats = index_content(page, out / "data", effective_as_of)
            state = {"shared": shared, "key_numbers": [list(k) for k in key_numbers], "caveats": list(caveats)}
            save_manifest(manifest_path, entries, state)
        key_numbers, caveats = state["key_numbers"], state["caveats"]
        csvs = copy_csvs(out / "data", out / "data")
    if report.ok:
        context = {
            "title": REPORT_TITLE,
            "source": page.name,
            "as_of": effective_as_of,
            "pages": [{"title": p.title, "href": f"{p.name}.html"} for p in report.pages],
            "csvs": csvs,
            "key_numbers": [(str(k), str(v)) for k, v in key_numbers],
            "caveats": [str(c) for c in caveats],
            **plan.index_context(),
        }
        report.index = out / "index.html"
        write_if_changed(report.index, render_index(context))
    report.seconds = time.perf_counter() - start
    return report


# --------------------------------------------------------------------------- CLI


def default_notebooks(directory: Path = DEFAULT_NOTEBOOK_DIR) -> list[Path]:
    """The report's notebooks: directory/*.ipynb in name order."""
    return sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith("."))


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the 'report' sub-command to an argparse subparsers object."""
    parser = subparsers.add_parser("report", help="build the HTML report from the notebooks")
    _add_report_arguments(parser)
    parser.set_defaults(func=lambda args: run_report(args, index_content=page_index_content))
    return parser


def page_index_content(page: Path, data_dir: Path, as_of: str) -> tuple[Sequence[tuple[str, str]], Sequence[str]]:
    """Import the (pandas-heavy) index builder only when the index must be rebuilt."""
    from analysis.report_content import index_content

    return index_content(page, data_dir, as_of)


def _add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the report command."""
    parser.add_argument("--page", type=Path, default=None,
                        help=f"saved page (default: ${PAGE_ENV} or {DEFAULT_PAGE.relative_to(ROOT)})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--force", action="store_true", help="re-run every notebook")
    parser.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: CPUs)")
    parser.add_argument("--as-of", default=None, help=f"ISO date passed as ${AS_OF_ENV}")
    parser.add_argument("--notebooks", type=Path, nargs="+", default=None,
                        help="notebooks to include (default: notebooks/*.ipynb)")


def run_report(
    args: argparse.Namespace,
    key_numbers: Sequence[tuple[str, str]] = (),
    caveats: Sequence[str] = (),
    index_content: Callable[[Path, Path, str], tuple[Sequence[tuple[str, str]], Sequence[str]]] | None = None,
) -> int:
    """Run the report command from parsed arguments; return the process exit code."""
    page = args.page or Path(os.environ.get(PAGE_ENV) or DEFAULT_PAGE)
    notebooks = args.notebooks or default_notebooks()
    if not notebooks:
        print("error: no notebooks found", file=sys.stderr)
        return 2
    try:
        result = build_report(page, args.out, notebooks, force=args.force, jobs=args.jobs,
                              as_of=args.as_of, key_numbers=key_numbers, caveats=caveats,
                              index_content=index_content)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not result.ok:
        for failure in result.failures:
            print(f"error: {failure.name} failed at {failure.error}", file=sys.stderr)
        return 1
    print(f"report: {result.index} ({len(result.ran)} run, {len(result.cached)} cached, "
          f"{result.seconds:.1f}s)", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: [report] [--page PAGE] [--out DIR] [--force] [--jobs N] [--as-of DATE]."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["report"]:
        args_list = args_list[1:]
    parser = argparse.ArgumentParser(prog="python -m analysis report",
                                     description="Build the HTML report from the notebooks.")
    _add_report_arguments(parser)
    return run_report(parser.parse_args(args_list), index_content=page_index_content)


if __name__ == "__main__":
    sys.exit(main())

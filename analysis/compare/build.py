"""Compare many pages: `python -m analysis compare PAGE... --out DIR` writes the table, its CSV and an HTML page.

The output folder is replaced whole (written beside it, then swapped in with two renames), so it holds
the previous complete comparison or the new one, never a mixture; if a run is killed between the two
renames, the next run puts the previous one back first. A folder that is not a comparison is never replaced.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.output_dir import pid_alive
from analysis.paths import DEFAULT_AS_OF, DEFAULT_PAGE, PROJECT_ROOT, REPORTS_DIR

SHARED_PAGES = PROJECT_ROOT.parent / "shared" / "pages"
PAGE_SUFFIXES = {".txt", ".html", ".htm"}
DEFAULT_OUT = REPORTS_DIR / "compare"


@dataclass
class CompareResult:
    """Outcome of a comparison: where it was written, and how many pages were read or failed."""

    out: Path
    read: int
    failed: list[tuple[str, str]]


def default_pages(shared: Path = SHARED_PAGES) -> list[Path]:
    """The raw dystonia page, then every page in ../shared/pages and its variants folder (each in name order)."""
    pages = [DEFAULT_PAGE]
    for folder in (shared, shared / "variants"):
        if folder.is_dir():
            pages += sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
    return pages


def _is_replaceable(out: Path) -> bool:
    """True if `out` is absent, empty, or holds a previous comparison (never a report or anything else)."""
    from analysis.compare.table import COMPARE_CSV

    if not out.exists():
        return True
    return out.is_dir() and (not any(out.iterdir()) or ((out / COMPARE_CSV).is_file() and not (out / "data").exists()))


def _recover(out: Path) -> None:
    """Tidy what a killed run left beside `out`: put a swapped-out comparison back if `out` is gone, drop the rest."""
    leftovers = sorted(out.parent.glob(f".{out.name}.*-*")) if out.parent.is_dir() else []
    for path in leftovers:
        kind, _, pid = path.name[len(out.name) + 2 :].partition("-")
        if kind not in ("old", "tmp") or not pid.isdigit() or pid_alive(int(pid)):
            continue
        if kind == "old" and not out.exists():
            os.replace(path, out)  # the previous complete comparison, renamed aside just before the kill
        else:
            shutil.rmtree(path, ignore_errors=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by the complete `staging` folder: rename the old one aside, rename the new one in, drop the old."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:  # a concurrent run swapped its own complete comparison in first: keep that one
        if not out.exists() and old.exists():
            os.replace(old, out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def build_compare(pages: list[Path], out: Path, as_of: str = DEFAULT_AS_OF, reports: list[Path] | None = None,
                  jobs: int | None = None) -> CompareResult:
    """Read the pages, link each to its report, validate the table and write DIR/compare.csv, index.html, assets/."""
    from analysis.compare.html import render_compare
    from analysis.compare.links import find_reports, relative_link
    from analysis.compare.run import read_pages
    from analysis.compare.table import COMPARE_CSV, compare_frame, write_compare_csv
    from analysis.report.export import plotly_js_path, write_if_changed

    out = Path(out).resolve()
    _recover(out)
    if not _is_replaceable(out):
        raise ValueError(f"{out} exists and is not a comparison (no {COMPARE_CSV}): choose another --out folder")
    rows = read_pages(pages, date.fromisoformat(as_of), jobs)
    links = find_reports([Path(r) for r in reports or []])
    for row in rows:
        if row["status"] == "read" and row["sha256"] in links:
            row["report"] = relative_link(links[row["sha256"]], out)
    df = compare_frame(rows)
    staging = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        write_compare_csv(df, staging / COMPARE_CSV)
        write_if_changed(staging / "assets" / "plotly.min.js", plotly_js_path().read_bytes())
        write_if_changed(staging / "index.html", render_compare(df, as_of))
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    failed = df[df["status"] == "failed"]
    return CompareResult(out, len(df) - len(failed), list(zip(failed["page_file"], failed["error"], strict=True)))


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the compare command; print each page that failed as one line, and where the comparison is."""
    if args.write_dictionary:
        from analysis.compare.table import write_dictionary

        print(f"wrote {write_dictionary()}")
        return 0
    try:
        as_of = date.fromisoformat(args.as_of).isoformat() if args.as_of else paths.as_of().isoformat()
        result = build_compare(args.pages or default_pages(), args.out, as_of, args.reports, args.jobs)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, error in result.failed:
        print(f"warning: {name} not compared: {error}", file=sys.stderr)
    plural = "" if result.read == 1 else "s"
    print(f"compared {result.read} page{plural} ({len(result.failed)} could not be read): {result.out / 'index.html'}")
    return 0 if result.read else 1


def add_compare_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the 'compare' sub-command to an argparse subparsers object."""
    p = subparsers.add_parser("compare", help="compare many pages: one row each, charts, CSV and an HTML page")
    p.add_argument("pages", type=Path, nargs="*", help="saved pages (default: the raw dystonia page and ../shared/pages)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for index.html, compare.csv and assets/")
    p.add_argument("--as-of", default=None,
                   help=f"ISO date days overdue are counted to (default ${paths.AS_OF_ENV}, else {DEFAULT_AS_OF})")
    p.add_argument("--reports", type=Path, nargs="*", default=[REPORTS_DIR],
                   help="folders holding built reports (each, or one level below it); a page links to the report of the same SHA-256")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    p.add_argument("--write-dictionary", action="store_true", help="write docs/compare-dictionary.md from the schema and stop")
    p.set_defaults(func=cmd_compare)
    return p

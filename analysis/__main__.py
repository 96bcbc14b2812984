"""Command line: `python -m analysis extract PAGE --out DIR` (and the other project commands)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

from analysis.output_dir import (
    OutputError,
    check_target,
    checkpoint,
    fault_exit,
    locked,
    recover,
    remove_own_tempdirs,
    shown,
    staged,
    swap_in,
)
from analysis.page.errors import PageError, PageWarning
from analysis.paths import AS_OF_ENV, DEFAULT_AS_OF, DEFAULT_PAGE, PROCESSED_DIR, AsOfError
from analysis.report.build import add_report_parser  # light: pandas and nbconvert load only when needed


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """Print a PageWarning as one line on stderr; others as Python would."""
    if issubclass(category, PageWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno, line), file=sys.stderr, end="")


def _tables_page(folder: Path) -> tuple[str, str] | None:
    """(source file, sha256) of the page whose tables a folder holds, from its page.csv; None if it holds none."""
    import csv

    path = folder / "page.csv"
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8", newline="") as f:
            row = next(csv.DictReader(f), None)
    except (UnicodeDecodeError, csv.Error):
        row = None
    if not row or not row.get("sha256"):
        return ("an unreadable page.csv", "?")
    return (row.get("source_file") or "?", row["sha256"])


def _check_same_page(folder: Path, sha256: str, page: Path, replace: bool) -> bool:
    """Refuse to write one page's tables over another's without --replace; return True when the page differs."""
    held = _tables_page(folder)
    if held is None or held[1] == sha256:
        return False
    if not replace:
        raise OutputError(f"{shown(folder)} holds the tables of {held[0]} (sha256 {held[1][:12]}), not of "
                          f"{shown(page)}: pass --replace to overwrite them, or choose another --out")
    return True


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract a page's tables and write them as CSV, all or nothing, into a folder that is replaced whole."""
    from analysis.data.extract import TABLES, extract_page, write_tables

    tables = extract_page(args.page)  # a bad page is refused before anything is written
    summary = _summary(tables, args) if args.summary else None
    target = Path(args.out).absolute()
    check_target(target, (target / "page.csv").is_file() or (target / "facts.csv").is_file())
    with locked(target):
        recover(target)
        other_page = _check_same_page(target, str(tables["page"]["sha256"].iloc[0]), args.page, args.replace)
        ours = {f"{name}.csv" for name in TABLES} | ({"summary.csv"} if summary is not None or other_page else set())
        with staged(target) as stage:
            if target.is_dir():  # keep what else the folder holds (e.g. summary.csv of the same page)
                for item in sorted(target.iterdir()):
                    if item.name not in ours:
                        copy = shutil.copytree if item.is_dir() else shutil.copy2
                        copy(item, stage / item.name)
            paths = write_tables(tables, stage)
            if summary is not None:
                paths.append(_write_summary(summary, stage))
            checkpoint("extract-before-swap")
            swap_in(stage, target)
    for path in paths:
        rows = len(tables[path.stem]) if path.stem in tables else len(summary)
        print(f"wrote {shown(target / path.name)} ({rows} rows)")
    if other_page and summary is None and (target / "summary.csv").exists() is False:
        print(f"note: removed {shown(target / 'summary.csv')}: it belonged to the previous page")
    return 0


def _summary(tables: dict, args: argparse.Namespace) -> Any:
    """The summary statistics table of a dystonia page at the run's as-of date."""
    from analysis.dystonia.summary import summary_table
    from analysis.paths import as_of, parse_as_of

    day = parse_as_of(args.as_of, "--as-of (make: AS_OF)") if args.as_of else as_of()
    return summary_table({name: df.copy() for name, df in tables.items()}, day)


def _write_summary(summary: Any, folder: Path) -> Path:
    """Write summary.csv into folder."""
    from analysis.data.extract import write_csv

    return write_csv(summary, folder / "summary.csv")


def cmd_summary(args: argparse.Namespace) -> int:
    """Write the summary statistics table of a dystonia page (one file, replaced atomically)."""
    from analysis.data.load import page_tables

    tables = page_tables(args.page)
    summary = _summary(tables, args)
    target = Path(args.out).absolute()
    check_target(target, True)
    target.mkdir(exist_ok=True)
    with locked(target):
        _check_same_page(target, str(tables["page"]["sha256"].iloc[0]), args.page, args.replace)
        with staged(target) as stage:
            written = _write_summary(summary, stage)
            os.replace(written, target / "summary.csv")
    print(f"wrote {shown(target / 'summary.csv')}")
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    """Write the data dictionary generated from the schemas."""
    from analysis.data.dictionary import write_dictionary

    print(f"wrote {write_dictionary(args.out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract validated tables from a saved page")
    p.add_argument("page", type=Path, nargs="?", default=DEFAULT_PAGE, help="page text or HTML file")
    p.add_argument("--out", type=Path, default=PROCESSED_DIR, help="folder for the CSV tables (replaced whole)")
    p.add_argument("--summary", action="store_true", help="also write summary.csv (a dystonia page), in the same swap")
    p.add_argument("--replace", action="store_true", help="allow replacing the tables of another page in --out")
    p.add_argument("--as-of", default=None, help=f"ISO date for --summary (default: ${AS_OF_ENV} or {DEFAULT_AS_OF})")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("summary", help="write the summary statistics table (summary.csv)")
    p.add_argument("page", type=Path, nargs="?", default=DEFAULT_PAGE, help="page text or HTML file")
    p.add_argument("--out", type=Path, default=PROCESSED_DIR, help="folder for summary.csv")
    p.add_argument("--replace", action="store_true", help="allow writing beside the tables of another page")
    p.add_argument("--as-of", default=None, help=f"ISO date (default: ${AS_OF_ENV} or {DEFAULT_AS_OF})")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("dictionary", help="write docs/data-dictionary.md from the schemas")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(func=cmd_dictionary)
    add_report_parser(sub)
    from analysis.compare.build import add_compare_parser  # light: the comparison's modules load only when it runs

    add_compare_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a sub-command; print bad input as one line and return 2."""
    args = build_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return args.func(args)
    except (PageError, AsOfError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OutputError, OSError, KeyboardInterrupt) as exc:
        return fault_exit(exc, "nothing was replaced")


if __name__ == "__main__":
    code = main()
    # Every output is written, closed and swapped in by now: end without tearing down pandas, plotly and
    # nbconvert module by module (0.3 s of every command). os._exit skips atexit: remove our temporary folders.
    remove_own_tempdirs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

"""Command line: `python -m analysis extract PAGE --out DIR` (and the other project commands)."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from analysis.errors import PageError, PageWarning
from analysis.paths import DEFAULT_PAGE, PROCESSED_DIR
from analysis.report import add_report_parser  # light: pandas and nbconvert load only when needed


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """Print a PageWarning as one line on stderr; others as Python would."""
    if issubclass(category, PageWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno, line), file=sys.stderr, end="")


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract a page's tables and write them as CSV."""
    from analysis.extract import extract_page, write_tables

    tables = extract_page(args.page)
    for path in write_tables(tables, args.out):
        print(f"wrote {path} ({len(tables[path.stem])} rows)")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """Write the summary statistics table of a dystonia page."""
    from analysis.extract import write_csv
    from analysis.load import page_tables
    from analysis.paths import as_of
    from analysis.summary import summary_table

    path = write_csv(summary_table(page_tables(args.page), as_of()), args.out / "summary.csv")
    print(f"wrote {path}")
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    """Write the data dictionary generated from the schemas."""
    from analysis.data_dictionary import write_dictionary

    print(f"wrote {write_dictionary(args.out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract validated tables from a saved page")
    p.add_argument("page", type=Path, nargs="?", default=DEFAULT_PAGE, help="page text or HTML file")
    p.add_argument("--out", type=Path, default=PROCESSED_DIR, help="folder for the CSV tables")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("summary", help="write the summary statistics table (summary.csv)")
    p.add_argument("page", type=Path, nargs="?", default=DEFAULT_PAGE, help="page text or HTML file")
    p.add_argument("--out", type=Path, default=PROCESSED_DIR, help="folder for summary.csv")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("dictionary", help="write docs/data-dictionary.md from the schemas")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(func=cmd_dictionary)
    add_report_parser(sub)
    from analysis.compare import add_compare_parser  # light: the comparison's modules load only when it runs

    add_compare_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a sub-command; print bad input as one line and return 2."""
    args = build_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return args.func(args)
    except PageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Find each page's own report: an index.html whose data/page.csv names the page's SHA-256."""

from __future__ import annotations

import csv
import os
from pathlib import Path

REPORT_INDEX = "index.html"
REPORT_PAGE_TABLE = Path("data") / "page.csv"  # written by `python -m analysis report` beside its index


def report_source(report_dir: Path) -> str | None:
    """Return the SHA-256 of the page a built report was made from, or None if the folder holds no report."""
    table = report_dir / REPORT_PAGE_TABLE
    if not (report_dir / REPORT_INDEX).is_file() or not table.is_file():
        return None
    try:
        with table.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return rows[0].get("sha256") if len(rows) == 1 else None


def find_reports(folders: list[Path]) -> dict[str, Path]:
    """Map page SHA-256 -> report index.html, for reports in each folder or one level below it (first found wins)."""
    found: dict[str, Path] = {}
    for folder in folders:
        candidates = [folder] + sorted(p for p in Path(folder).iterdir() if p.is_dir()) if Path(folder).is_dir() else []
        for report_dir in candidates:
            sha = report_source(report_dir)
            if sha and sha not in found:
                found[sha] = (report_dir / REPORT_INDEX).resolve()
    return found


def relative_link(target: Path, out: Path) -> str:
    """Return a link to target relative to the folder `out` (POSIX separators), so the comparison can be moved with its reports."""
    return Path(os.path.relpath(Path(target).resolve(), Path(out).resolve())).as_posix()

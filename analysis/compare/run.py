"""Read many pages into comparison rows, in parallel processes; a page that fails keeps its row and reason."""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandera.errors

from analysis.compare.read import PageRecords, light_records, reference_records
from analysis.compare.table import failed_summary, page_summary, validate_facts
from analysis.page.errors import PageError
from analysis.paths import display_path

CHUNK = 25  # pages a worker reads and validates together: one pandera call per chunk, not per page
IN_PROCESS_BELOW = 2 * CHUNK  # fewer pages than this are read without starting worker processes


def _sha256(path: Path) -> str | None:
    """Return the SHA-256 of a file's bytes, or None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _reason(exc: Exception) -> str:
    """Return a failure's one-line reason: the PageError message, or the exception named on one line."""
    text = str(exc) if isinstance(exc, PageError) else f"unexpected {type(exc).__name__}: {exc}"
    return " ".join(text.split())


def _read(path: Path, reader: Callable[[Path], PageRecords]) -> PageRecords | str:
    """Read one page with `reader`; return its records or its one-line reason for failing."""
    try:
        return reader(path)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the others; its reason is kept
        return _reason(exc)


def read_chunk(paths: list[str], as_of: date) -> list[dict]:
    """Read a chunk of pages (the fast path, then one batched facts check) and return their rows."""
    found = {p: _read(Path(p), light_records) for p in paths}
    facts = [f for r in found.values() if isinstance(r, PageRecords) for f in r.facts]
    try:
        validate_facts(facts)
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors):
        # Some page's facts break the schema: read each page again the reference way, which names the page and field.
        found = {p: (_read(Path(p), reference_records) if isinstance(r, PageRecords) else r) for p, r in found.items()}
    rows = []
    for p, r in found.items():
        name = display_path(Path(p))
        rows.append(page_summary(name, r, as_of) if isinstance(r, PageRecords) else failed_summary(name, _sha256(Path(p)), r, as_of))
    return rows


def _read_chunk_args(args: tuple[list[str], date]) -> list[dict]:
    """read_chunk for Pool.imap (one argument)."""
    return read_chunk(*args)


def unique_pages(paths: list[Path]) -> list[Path]:
    """Return the pages in the order given, each file once."""
    seen: set[Path] = set()
    out = []
    for p in paths:
        key = Path(p).resolve()
        if key not in seen:
            seen.add(key)
            out.append(Path(p))
    return out


def read_pages(paths: list[Path], as_of: date, jobs: int | None = None) -> list[dict]:
    """Return one comparison row per page, in the order given; use `jobs` worker processes for many pages."""
    pages = [str(p) for p in unique_pages(paths)]
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(pages) < IN_PROCESS_BELOW:
        return [row for i in range(0, len(pages), CHUNK) for row in read_chunk(pages[i : i + CHUNK], as_of)]
    size = min(CHUNK, math.ceil(len(pages) / jobs))
    chunks = [(pages[i : i + size], as_of) for i in range(0, len(pages), size)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return [row for rows in pool.imap(_read_chunk_args, chunks) for row in rows]

"""Where the project's files live, and the two run-time parameters (page and as-of date)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
EXTERNAL_DIR = DATA_DIR / "external"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
MANIFEST_PATH = RAW_DIR / "MANIFEST.json"
DEFAULT_PAGE = RAW_DIR / "nhs-choices-dystonia-2013.txt"

# The numbered story notebooks (00-overview.ipynb, 00a-what-the-page-states.ipynb, ...): the only ones the
# report publishes and nbval runs; anything else (Untitled.ipynb, a scratch copy) is the user's own.
STORY_NOTEBOOK = re.compile(r"^\d\d[a-z]?-[\w-]+\.ipynb$")

PAGE_ENV = "DYSTONIA_FACTS_PAGE"
AS_OF_ENV = "DYSTONIA_FACTS_AS_OF"
# The "as of" date is a parameter, never today(): the default is the date of this analysis.
DEFAULT_AS_OF = "2026-11-25"


def page_path() -> Path:
    """Return the page to analyse: $DYSTONIA_FACTS_PAGE, else the dystonia page in data/raw."""
    value = os.environ.get(PAGE_ENV)
    return Path(value).resolve() if value else DEFAULT_PAGE


# pandas holds dates as nanoseconds since 1970 in 64 bits: 1677-09-21 .. 2262-04-11.
EARLIEST_AS_OF = date(1677, 9, 22)
LATEST_AS_OF = date(2262, 4, 11)


class AsOfError(ValueError):
    """An as-of date that is not an ISO date pandas can hold; the message names where it came from."""


def parse_as_of(value: str, source: str) -> date:
    """Parse an as-of date given by `source` (an option, make variable or environment variable), or raise AsOfError."""
    try:
        day = date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise AsOfError(f"{source} {value!r} is not a date: write it as YYYY-MM-DD, e.g. {DEFAULT_AS_OF}")
    if not EARLIEST_AS_OF <= day <= LATEST_AS_OF:
        raise AsOfError(f"{source} {value} is outside the dates pandas can hold ({EARLIEST_AS_OF} to {LATEST_AS_OF})")
    return day


def as_of() -> date:
    """Return the analysis "as of" date: $DYSTONIA_FACTS_AS_OF (ISO 8601), else DEFAULT_AS_OF."""
    value = os.environ.get(AS_OF_ENV)
    return parse_as_of(value, f"the environment variable {AS_OF_ENV}") if value else date.fromisoformat(DEFAULT_AS_OF)


def display_path(path: Path) -> str:
    """Return a path relative to the project when inside it, so outputs do not name the machine."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return Path(path).name

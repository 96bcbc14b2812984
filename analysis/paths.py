"""Where the project's files live, and the two run-time parameters (page and as-of date)."""

from __future__ import annotations

import os
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

PAGE_ENV = "DYSTONIA_FACTS_PAGE"
AS_OF_ENV = "DYSTONIA_FACTS_AS_OF"
# The "as of" date is a parameter, never today(): the default is the date of this analysis.
DEFAULT_AS_OF = "2026-11-25"


def page_path() -> Path:
    """Return the page to analyse: $DYSTONIA_FACTS_PAGE, else the dystonia page in data/raw."""
    value = os.environ.get(PAGE_ENV)
    return Path(value).resolve() if value else DEFAULT_PAGE


def as_of() -> date:
    """Return the analysis "as of" date: $DYSTONIA_FACTS_AS_OF (ISO 8601), else DEFAULT_AS_OF."""
    value = os.environ.get(AS_OF_ENV) or DEFAULT_AS_OF
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{AS_OF_ENV}={value!r} is not a date: use YYYY-MM-DD, e.g. {DEFAULT_AS_OF}") from None


def display_path(path: Path) -> str:
    """Return a path relative to the project when inside it, so outputs do not name the machine."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return Path(path).name

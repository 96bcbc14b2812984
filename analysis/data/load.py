"""What notebooks call: the page's tables for the page given by $DYSTONIA_FACTS_PAGE."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from analysis.data.extract import extract_page
from analysis.paths import page_path


@cache
def _tables(path: Path) -> dict[str, pd.DataFrame]:
    """Extract (once per process) the tables of one page."""
    return extract_page(path)


def page_tables(path: Path | None = None) -> dict[str, pd.DataFrame]:
    """Return copies of the validated tables of the page (default: the run's page parameter)."""
    return {name: df.copy() for name, df in _tables(Path(path or page_path()).resolve()).items()}


def fact(facts: pd.DataFrame, fact_id: str) -> pd.Series:
    """Return one fact row by its id; raise KeyError naming it when absent."""
    rows = facts[facts["fact_id"] == fact_id]
    if rows.empty:
        raise KeyError(f"no fact {fact_id!r} on this page")
    return rows.iloc[0]

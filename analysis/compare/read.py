"""Read one page for the cross-page comparison: the rows of its page, ratings and facts tables.

`extract_page` builds and validates all nine tables of a page with pandas and pandera, about a
quarter of a second a page. The comparison needs only three of them, so `light_records` runs the
same template readers and the same "nothing lost" number ledger, without building the tables;
`reference_records` gets the same records from `extract_page`. The comparison validates the facts
of many pages in one pandera call (analysis.compare.table) and falls back to `reference_records`
for a batch that fails, so both paths give a page the same outcome (a test holds them equal).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data.extract import extract_page, page_row
from analysis.page.coverage import check_coverage, number_ledger
from analysis.page.records import read_template, statements


@dataclass(frozen=True)
class PageRecords:
    """What the comparison reads from one page: its page row, ratings rows and facts rows."""

    page: dict
    ratings: list[dict]
    facts: list[dict]


def light_records(path: Path | str) -> PageRecords:
    """Read a page with the template readers and check that every number is accounted for."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing ratings or dates stay missing in the row; no need to say it per page
        records = read_template(path)
    rows, claims = statements(records, "")
    page, facts = records.page, rows["facts"]
    check_coverage(page, number_ledger(page, claims))
    dates = pd.DataFrame({"date": [c["date"] for c in records.comment.rows]}, dtype="datetime64[ns]")
    row = page_row(page, records.topic, records.title, records.reviews.rows, dates, records.stated)
    return PageRecords(row, records.rating.rows, facts)


def reference_records(path: Path | str) -> PageRecords:
    """Read a page through extract_page (every table built and validated) and return the same records."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = extract_page(path)
    page = {k: _plain(v) for k, v in tables["page"].iloc[0].items()}
    ratings = [{k: _plain(v) for k, v in r.items()} for r in tables["ratings"].to_dict("records")]
    facts = [{k: _plain(v) for k, v in r.items()} for r in tables["facts"].to_dict("records")]
    return PageRecords(page, ratings, facts)


def _plain(value: object) -> object:
    """Turn a pandas cell into a plain Python value: missing as None, timestamps as dates."""
    if value is None or (not isinstance(value, str | list) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value

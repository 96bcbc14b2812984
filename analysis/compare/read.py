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

from analysis.data.extract import KEYED_TOPICS, extract_page, page_row
from analysis.page import dystonia_rules as dystonia
from analysis.page import template
from analysis.page.coverage import check_coverage, not_statistic_claims, number_ledger
from analysis.page.errors import PageError
from analysis.page.generic_facts import generic_facts
from analysis.page.provenance import verify_checksum
from analysis.page.text import read_page


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
        page = read_page(path)
        verify_checksum(page)
        topic, title = template.page_topic(page)
        reviews = template.review_dates(page)
        rating = template.ratings(page)
        comment, stated = template.comments(page)
    if topic is None and not reviews.rows and not rating.rows and stated is None:
        raise PageError(page.name, None, "page", "no topic, review date, ratings or comments: not a saved NHS Choices page, or cut short")
    claims = reviews.claims + rating.claims + comment.claims + not_statistic_claims(page)
    if (topic or "").lower() in KEYED_TOPICS:
        fact = dystonia.facts(page, "")
        share = next(r["sentence"] for r in fact.rows if r["fact_id"] == "cervical_blepharospasm_share")
        parts = [fact, dystonia.types(page, share), dystonia.treatments(page), dystonia.causes(page), dystonia.diagnostic_tests(page)]
        facts = fact.rows
        claims = claims + [c for part in parts for c in part.claims]
    else:
        facts, extra = generic_facts(page, claims, "")
        claims = claims + extra
    check_coverage(page, number_ledger(page, claims))
    dates = pd.DataFrame({"date": [c["date"] for c in comment.rows]}, dtype="datetime64[ns]")
    return PageRecords(page_row(page, topic, title, reviews.rows, dates, stated), rating.rows, facts)


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

"""A saved page read with the template's readers: its dates, ratings, comments and statements, with their claims."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.page import dystonia_rules as dystonia
from analysis.page import template
from analysis.page.coverage import Claim, not_statistic_claims
from analysis.page.errors import PageError
from analysis.page.generic_facts import generic_facts
from analysis.page.provenance import verify_checksum
from analysis.page.text import PageText, read_page

KEYED_TOPICS = {"dystonia"}  # pages whose own statements have keyed fact rules
STATEMENT_TABLES = ("facts", "types", "treatments", "causes", "tests")


@dataclass(frozen=True)
class TemplateRecords:
    """What the template's readers find on a page, and the spans of the page they account for."""

    page: PageText
    topic: str | None
    title: str | None
    reviews: template.Extracted
    rating: template.Extracted
    comment: template.Extracted
    stated: int | None
    claims: list[Claim]


def read_template(path: Path | str) -> TemplateRecords:
    """Read a page, verify its checksum and run the template's readers; refuse a file that is not such a page."""
    page = read_page(path)
    verify_checksum(page)
    topic, title = template.page_topic(page)
    reviews = template.review_dates(page)
    rating = template.ratings(page)
    comment, stated = template.comments(page)
    if topic is None and not reviews.rows and not rating.rows and stated is None:
        raise PageError(page.name, None, "page", "no topic, review date, ratings or comments: not a saved NHS Choices page, or cut short")
    claims = reviews.claims + rating.claims + comment.claims + not_statistic_claims(page)
    return TemplateRecords(page, topic, title, reviews, rating, comment, stated, claims)


def statements(records: TemplateRecords, source: str) -> tuple[dict[str, list[dict]], list[Claim]]:
    """The page's statement rows by table (dystonia's keyed rules, or the generic reader's facts) and all claims."""
    page, claims = records.page, records.claims
    rows: dict[str, list[dict]] = {name: [] for name in STATEMENT_TABLES}
    if (records.topic or "").lower() in KEYED_TOPICS:
        fact = dystonia.facts(page, source)
        share = next(r["sentence"] for r in fact.rows if r["fact_id"] == "cervical_blepharospasm_share")
        parts = [fact, dystonia.types(page, share), dystonia.treatments(page), dystonia.causes(page), dystonia.diagnostic_tests(page)]
        for name, part in zip(rows, parts, strict=True):
            rows[name], claims = part.rows, claims + part.claims
    else:
        rows["facts"], extra = generic_facts(page, claims, source)
        claims = claims + extra
    return rows, claims

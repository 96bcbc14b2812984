"""What the report's index says: key numbers with their kind, the page's tables, and the caveats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analysis.data.extract import extract_page, write_csv
from analysis.data.review import days_past_review
from analysis.data.wording import key_number_text
from analysis.dystonia.summary import feedback_rows, summary_table
from analysis.figures.page_statements import kinds_text

TAXONOMY_TABLES = ("types", "treatments", "causes", "tests")
__all__ = ["caveats", "index_content", "key_number_text", "key_numbers"]


def key_numbers(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """The index's key numbers: each summary row's statistic and its one wording (never re-derived here)."""
    return list(zip(summary["statistic"], summary["wording"], strict=True))


def caveats(page: pd.DataFrame, as_of: date) -> list[str]:
    """The caveats a reader of the report needs, from the page's own dates."""
    p = page.iloc[0]
    out = []
    if pd.notna(p["last_reviewed"]):
        text = f"The saved page was last reviewed on {p['last_reviewed']:%d %B %Y}"
        if (days := days_past_review(page, as_of)) is not None and days > 0:
            text += (f"; its next review was due on {p['next_review_due']:%d %B %Y}, {days:,} days before {as_of:%d %B %Y} "
                     "(the as-of date), and no later review is known")
        out.append(text + ". Its figures are the page's, not current NHS advice.")
    else:
        out.append("The page shows no review date.")
    if pd.notna(p["comments_stated"]):
        out.append("Readers' comments are unverified personal views; commenters are shown under pseudonyms.")
    out.append("Figures marked 'lower bound' say 'at least'; 'approximate' says 'about'; a range stays a range. "
               "A figure computed from lower bounds (a ratio or a difference of two) is neither a bound nor an approximation, "
               "and a range applied to a count is an illustration, not a count. "
               "A value the page does not show is missing, never zero.")  # fmt: skip
    return out


def page_key_numbers(tables: dict[str, pd.DataFrame], as_of: date) -> list[tuple[str, str]]:
    """Key numbers of any page: topic, figures by kind, ratings, average (missing stays missing), comments, days overdue."""
    p = tables["page"].iloc[0]
    numbers = [("Topic", str(p["topic"] if isinstance(p["topic"], str) else p["source_file"])),
               ("Figures on the page", kinds_text(tables["facts"]))]
    rows = {row["key"]: row for row in feedback_rows(tables["page"], tables["ratings"], tables["comments"], as_of)}
    for key, row in rows.items():
        text = key_number_text(pd.Series(row))
        numbers.append((row["statistic"], f"{text} ({row['how']})" if key == "average_rating" and row["origin"] == "derived" else text))
    if "ratings_count" not in rows:
        numbers.append(("Ratings of the page", "missing: the saved page shows no ratings block"))
    if "comments_count" not in rows:
        numbers.append(("Comments on the page", "missing: the page has no comment section (not zero)"))
    return numbers


def index_content(page_file: Path, data_dir: Path, as_of: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Extract the report's page into data_dir as CSV and return (key numbers, caveats) for the index."""
    when = date.fromisoformat(as_of)
    tables = extract_page(page_file)
    # Shared outputs carry pseudonyms only: no handle, and no commenter_id (a hash anyone could test a guess against).
    shared = dict(tables, comments=tables["comments"].drop(columns=["author", "commenter_id"]))
    for name, df in shared.items():
        if name in TAXONOMY_TABLES and df.empty:  # dystonia's own taxonomy: no empty table for another page
            continue
        write_csv(df, data_dir / f"{name}.csv")
    if (tables["facts"]["fact_id"] == "uk_prevalence").any():
        summary = summary_table(tables, when)
        write_csv(summary, data_dir / "summary.csv")
        numbers = key_numbers(summary)
    else:
        numbers = page_key_numbers(tables, when)
    return numbers, caveats(tables["page"], when)

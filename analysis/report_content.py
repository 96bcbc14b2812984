"""What the report's index says: key numbers with their kind, the page's tables, and the caveats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analysis.extract import extract_page, write_csv
from analysis.narrative import readable_number
from analysis.numbers import qualifier_kind
from analysis.summary import days_past_review, summary_table


def key_number_text(row: pd.Series) -> str:
    """Write a summary row's figure with its kind: "at least 70,000 people", "3,500 to 7,000 people"."""
    unit = "%" if row["unit"] == "percent" else f" {row['unit']}"
    value, lower, upper = (readable_number(row[c]) for c in ("value", "lower", "upper"))
    if row["kind"] == "missing":
        return f"missing: {row['how']}"
    qualifier = f"{row['qualifier']} " if row["qualifier"] else ""
    bound_word = qualifier_kind(row["qualifier"] or "") in ("lower_bound", "upper_bound")  # "at least" says it already
    if row["kind"] == "range":
        return f"{qualifier}{lower} to {upper}{unit} (range)"
    if row["kind"] == "lower_bound_range":
        return f"{qualifier}{lower} to {upper}{unit}, or more (a range applied to a lower bound)"
    if row["kind"] == "lower_bound":
        return f"{qualifier if bound_word else 'at least ' + qualifier}{lower}{unit} (lower bound)"
    if row["kind"] == "upper_bound":
        return f"{qualifier if bound_word else 'at most ' + qualifier}{upper}{unit} (upper bound)"
    if row["kind"] == "approximate":
        return f"{qualifier or 'about '}{value}{unit} (approximate)"
    return f"{value}{unit}"


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
               "A value the page does not show is missing, never zero.")  # fmt: skip
    return out


def index_content(page_file: Path, data_dir: Path, as_of: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Extract the report's page into data_dir as CSV and return (key numbers, caveats) for the index."""
    when = date.fromisoformat(as_of)
    tables = extract_page(page_file)
    # Shared outputs carry pseudonyms only: no handle, and no commenter_id (a hash anyone could test a guess against).
    shared = dict(tables, comments=tables["comments"].drop(columns=["author", "commenter_id"]))
    for name, df in shared.items():
        write_csv(df, data_dir / f"{name}.csv")
    if (tables["facts"]["fact_id"] == "uk_prevalence").any():
        summary = summary_table(tables, when)
        write_csv(summary, data_dir / "summary.csv")
        numbers = [(row["statistic"], key_number_text(row)) for _, row in summary.iterrows()]
    else:
        p = tables["page"].iloc[0]
        numbers = [("Topic", str(p["topic"])), ("Facts with a number", str(int(tables["facts"]["value"].notna().sum())))]
    return numbers, caveats(tables["page"], when)

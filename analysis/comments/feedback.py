"""Comments against the page's own dates, and the page's reader-facing body text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analysis.page.provenance import verify_checksum
from analysis.page.text import read_page
from analysis.paths import page_path

READ_MORE = "Read more about"
DAYS_PER_YEAR = 365.25  # mean calendar year, for ages in years  # the template's link lines to other pages


def timeline_events(page: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """Return dated events (page dates and comments, by pseudonym) for the timeline chart."""
    p = page.iloc[0]
    events = [
        {"date": p["last_reviewed"], "label": "Page last reviewed", "kind": "page"},
        {"date": p["next_review_due"], "label": "Next review due", "kind": "page"},
        {"date": p["newest_comment"], "label": "Captured on or after (newest comment)", "kind": "page"},
    ]
    events += [{"date": c["date"], "label": c["pseudonym"], "kind": "comment"} for _, c in comments.iterrows()]
    return pd.DataFrame(events).dropna(subset=["date"]).reset_index(drop=True)


def comment_ages(page: pd.DataFrame, comments: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """For each comment: whether it predates the reviewed text, its least age at capture, and its age as of a date."""
    p = page.iloc[0]
    out = comments[["comment_id", "pseudonym", "date"]].copy()
    out["before_last_review"] = out["date"] < p["last_reviewed"]
    out["days_from_last_review"] = (out["date"] - p["last_reviewed"]).dt.days
    # The page was captured on or after its newest comment, so this is a lower bound on each comment's age then.
    out["min_days_old_at_capture"] = (p["newest_comment"] - out["date"]).dt.days
    out["years_old_as_of"] = ((pd.Timestamp(as_of) - out["date"]).dt.days / DAYS_PER_YEAR).round(1)
    return out


def page_body_text(path: Path | None = None) -> str:
    """Return the page's own prose before 'Page last reviewed': sentences and bullets, no headings or links."""
    page = read_page(path or page_path())
    verify_checksum(page)
    lines = []
    for line in page.lines:
        text = line.strip().lstrip("\u2022").strip()
        if text.startswith("Page last reviewed"):
            break
        if text.startswith(READ_MORE) or text.endswith("?"):
            continue
        if text.endswith((".", ":")) or line.strip().startswith("\u2022"):
            lines.append(text)
    return "\n".join(lines)


def ratings_statement(ratings: pd.DataFrame) -> str:
    """Say what the ratings block lets a reader conclude, without inventing an average."""
    count = ratings.loc[ratings["metric"] == "ratings_count", "value"]
    if count.empty:
        return "The saved text shows **no ratings block**: the number of ratings is missing."
    shown = ratings[(ratings["metric"] != "ratings_count") & (ratings["status"] != "missing")]
    if shown.empty:
        return (f"**{count.iloc[0]:,.0f} ratings**, with no average and no breakdown in the saved text: the count "
                "says how many readers rated the page, not how helpful they found it.")
    derived = " (a mean computed from the breakdown is marked *derived*)" if (shown["status"] == "derived").any() else ""
    return f"**{count.iloc[0]:,.0f} ratings**, with the average or breakdown the page shows{derived}."

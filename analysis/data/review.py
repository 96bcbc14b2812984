"""The saved page's own review dates against an as-of date: how far past its next review it is."""

from __future__ import annotations

from datetime import date

import pandas as pd


def days_past_review(page: pd.DataFrame, as_of: date) -> int | None:
    """Days from the saved copy's 'Next review due' date to the as-of date (negative if not yet due)."""
    due = page.iloc[0]["next_review_due"]
    return None if pd.isna(due) else int((pd.Timestamp(as_of) - due).days)

"""Comments against the page's dates, the page's prose, and the ratings sentence."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.comments.feedback import comment_ages, page_body_text, timeline_events
from analysis.data.load import page_tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """The dystonia page's tables."""
    return page_tables()


def test_comment_ages_against_the_page_dates(tables) -> None:
    """Only the 2010 comment predates the 2013 review; the newest is 0 days old at capture (a lower bound)."""
    ages = comment_ages(tables["page"], tables["comments"], date(2024, 10, 19)).set_index("comment_id")
    assert list(ages["before_last_review"]) == [False, False, True]
    assert ages.loc["C1", "min_days_old_at_capture"] == 0
    assert ages.loc["C3", "min_days_old_at_capture"] == (pd.Timestamp("2014-03-29") - pd.Timestamp("2010-10-19")).days
    assert ages.loc["C3", "years_old_as_of"] == pytest.approx(14.0, abs=0.05)
    assert "author" not in ages.columns


def test_timeline_uses_pseudonyms_and_page_dates(tables) -> None:
    """The timeline carries the page's own dates and the commenters' pseudonyms, never handles."""
    events = timeline_events(tables["page"], tables["comments"])
    assert set(events.loc[events["kind"] == "comment", "label"]) == set(tables["comments"]["pseudonym"])
    assert not set(events["label"]) & set(tables["comments"]["author"])
    assert pd.Timestamp("2013-06-19") in set(events.loc[events["kind"] == "page", "date"])


def test_page_body_is_prose_only() -> None:
    """The readability text has the page's sentences, not its links, headings, promos or comments."""
    body = page_body_text()
    assert "Dystonia is a medical term" in body and "Baclofen" in body
    assert "Read more about" not in body and "?" not in body and "said on" not in body
    assert "Help at home" not in body

"""The summary statistics table carries the page's bounds through every derivation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.extract import read_tables, write_csv
from analysis.load import fact, page_tables
from analysis.paths import PROCESSED_DIR, as_of
from analysis.reference import uk_population_2013
from analysis.report_content import key_number_text
from analysis.summary import summary_table


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """The dystonia page's tables."""
    return page_tables()


@pytest.fixture(scope="module")
def summary(tables) -> pd.DataFrame:
    """The summary table, indexed by statistic."""
    return summary_table(tables, as_of()).set_index("statistic")


def test_rate_is_a_lower_bound_from_the_page_and_ons(tables, summary) -> None:
    """The rate per 100,000 is the page's lower bound over the ONS population, and stays a lower bound."""
    row = summary.loc["People affected per 100,000 UK population"]
    population, _ = uk_population_2013()
    assert row["kind"] == "lower_bound" and pd.isna(row["upper"])
    assert row["lower"] == pytest.approx(fact(tables["facts"], "uk_prevalence")["lower"] / population * 100_000)


def test_remission_range_carried_to_people(tables, summary) -> None:
    """Around 5-10% of at least 70,000 becomes a range of people, never one number."""
    row = summary.loc["People with total remission, out of the counted cases"]
    uk, rem = fact(tables["facts"], "uk_prevalence"), fact(tables["facts"], "total_remission")
    assert row["kind"] == "lower_bound_range" and pd.isna(row["value"])
    assert (row["lower"], row["upper"]) == (uk["lower"] * rem["lower"] / 100, uk["lower"] * rem["upper"] / 100)
    assert key_number_text(row).endswith(" people, or more (a range applied to a lower bound)")


def test_focal_and_other_types_are_one_sided(summary) -> None:
    """Focal is at least about the share; all other types together at most about the rest."""
    focal, other = summary.loc["Cases that are focal dystonia"], summary.loc["Cases of all other types together"]
    assert pd.notna(focal["lower"]) and pd.isna(focal["upper"]) and focal["kind"] == "lower_bound"
    assert pd.isna(other["lower"]) and other["upper"] == 100 - focal["lower"] and other["kind"] == "upper_bound"
    assert focal["qualifier"] == other["qualifier"] == "about"


def test_missing_average_stays_missing(summary) -> None:
    """The page shows no average rating: the summary says missing, never zero."""
    row = summary.loc["Average rating"]
    assert pd.isna(row["value"]) and row["kind"] == "missing" and "no average" in row["how"]
    assert "Average rating" in row["how"]


def test_overdue_depends_on_the_as_of_parameter_only(tables) -> None:
    """The review's overdue days follow the as-of date given, not the clock."""
    a = summary_table(tables, date(2016, 6, 19)).set_index("statistic")
    overdue = [s for s in a.index if s.startswith("Days past the saved copy's next-review date")]
    assert a.loc[overdue[0], "value"] == 366


def test_committed_summary_matches_a_rebuild(tables, tmp_path) -> None:
    """data/processed/summary.csv is, byte for byte, what summary_table gives for the default as-of date."""
    rebuilt = write_csv(summary_table(tables, as_of()), tmp_path / "summary.csv")
    assert rebuilt.read_bytes() == (PROCESSED_DIR / "summary.csv").read_bytes()
    assert read_tables(PROCESSED_DIR)["facts"].shape[0] == tables["facts"].shape[0]


def test_ratings_statement_never_invents_an_average(tables) -> None:
    """The ratings sentence gives the count and says the average is absent; no ratings block says so."""
    from analysis.feedback import ratings_statement

    text = ratings_statement(tables["ratings"])
    assert "87 ratings" in text and "no average" in text
    assert "no ratings block" in ratings_statement(tables["ratings"].iloc[0:0])


def test_key_numbers_say_each_bound_once(summary) -> None:
    """The index's key numbers read "at least 70,000 people", "at least about 90%", never "at least at least"."""
    texts = {name: key_number_text(row) for name, row in summary.iterrows()}
    assert texts["People affected by dystonia in the UK"] == "at least 70,000 people (lower bound)"
    assert texts["Cases that are focal dystonia"] == "at least about 90% (lower bound)"
    assert texts["Cases of all other types together"] == "at most about 10% (upper bound)"
    assert not [t for t in texts.values() if "at least at least" in t or "at most at most" in t]

"""The summary statistics table carries the page's bounds through every derivation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.data.extract import read_tables, write_csv
from analysis.data.load import fact, page_tables
from analysis.dystonia.reference import uk_population_2013
from analysis.dystonia.summary import summary_table
from analysis.paths import PROCESSED_DIR, as_of
from analysis.report.content import key_number_text


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


def test_remission_range_applied_to_people_is_an_illustration(tables, summary) -> None:
    """Around 5-10% (over the illness) of a one-time count of at least 70,000 is an illustration, not a count nor a bound."""
    row = summary.loc["Total remission range applied to the counted cases"]
    uk, rem = fact(tables["facts"], "uk_prevalence"), fact(tables["facts"], "total_remission")
    assert row["kind"] == "illustration" and pd.isna(row["value"])
    assert (row["lower"], row["upper"]) == (uk["lower"] * rem["lower"] / 100, uk["lower"] * rem["upper"] / 100)
    assert key_number_text(row) == "3,500 to 7,000 people (an illustration, not a count)"
    assert "at least" not in row["wording"] and "around" not in row["wording"] and "floor" not in row["how"].replace("not", "")


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
    from analysis.comments.feedback import ratings_statement

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


def test_ratio_of_two_lower_bounds_is_neither_bound_nor_approximation(summary) -> None:
    """The children's share (8,000 / 70,000, both floors) is labelled as a ratio of bounds, never 'about' or 'approximate'."""
    row = summary.loc["Children and young people as a share of the counted cases"]
    assert row["kind"] == "ratio_of_bounds" and pd.isna(row["lower"]) and pd.isna(row["upper"])
    assert row["wording"] == "11.4% (a ratio of two lower bounds: neither a bound nor an approximation)"
    assert "about" not in row["wording"] and "approximate)" not in row["wording"]


def test_adult_rate_is_a_difference_of_bounds_over_adults(tables, summary) -> None:
    """Counted adults (70,000 - 8,000) per 100,000 of the UK population minus those aged 0-17: not a bound."""
    from analysis.dystonia.reference import population_count

    row = summary.loc["Counted adults per 100,000 UK adults (18 and over)"]
    population, _ = uk_population_2013()
    children, _ = population_count("ons-uk-population-0-17-mid2013")
    f = tables["facts"]
    expected = (fact(f, "uk_prevalence")["lower"] - fact(f, "children_prevalence")["lower"]) / (population - children) * 100_000
    assert row["value"] == pytest.approx(expected) and row["kind"] == "difference_of_bounds"
    assert pd.isna(row["lower"]) and pd.isna(row["upper"])


def test_every_kind_has_one_wording(summary) -> None:
    """Every row's wording is what key_number_text gives its kind, and names the kind unless exact or missing."""
    from analysis.data.wording import KIND_NOTES

    for name, row in summary.iterrows():
        assert row["wording"] == key_number_text(row), name
        if KIND_NOTES[row["kind"]]:
            assert row["wording"].endswith(f"({KIND_NOTES[row['kind']]})"), name


def test_an_unknown_kind_is_refused(summary) -> None:
    """A row with a kind the wording does not know fails loudly instead of printing a bare number."""
    row = summary.iloc[0].copy()
    row["kind"] = "approximately_bounded"
    with pytest.raises(ValueError, match="unknown kind"):
        key_number_text(row)

"""The generic reader: body numbers on a non-dystonia page become unclassified facts, ranges and units read right."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import extract_quietly, write_page

PAGE = """Hay fever

Share:

Introduction

{body}

Page last reviewed: 14/03/2016

Next review due: 14/03/2018

Ratings

How helpful is this page?

Average rating

Based on 212 ratings View all ratings
"""


def _facts(tmp_path, *body: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extract a small page whose body is the given lines; return its facts and its number ledger."""
    path = write_page(tmp_path, "hay-fever.txt", PAGE.format(body="\n\n".join(body)))
    tables, caught = extract_quietly(path)
    assert not caught, [str(w.message) for w in caught]
    assert tables["numbers"]["accounted_for_by"].notna().all()
    return tables["facts"], tables["numbers"]


def _row(facts: pd.DataFrame) -> tuple:
    """Return (kind, value, lower, upper, qualifier, unit) of a one-fact table, NaN as None."""
    assert len(facts) == 1, facts
    r = facts.iloc[0]
    return tuple(None if pd.isna(r[c]) else r[c] for c in ("kind", "value", "lower", "upper", "qualifier", "unit"))


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Symptoms usually last between 10 and 21 days.", ("range", None, 10, 21, "", "days")),
    ("Symptoms usually start between the ages of 40 and 60.", ("range", None, 40, 60, "", "")),
    ("It lasts from two to three weeks.", ("range", None, 2, 3, "", "weeks")),
    ("It affects around 10\u201330% of adults.", ("range", None, 10, 30, "around", "percent")),
    ("It affects 10-30 per cent of adults.", ("range", None, 10, 30, "", "percent")),
    ("Between 2 and 3 million people have it.", ("range", None, 2, 3, "", "million")),
])  # fmt: skip
def test_ranges_are_one_fact(tmp_path, sentence: str, expected: tuple) -> None:
    """"between X and Y", "from X to Y", "X to Y", "X-Y" and "X\u2013Y" are one range fact, never two exact ones."""
    facts, numbers = _facts(tmp_path, sentence)
    assert _row(facts) == expected
    fact_id = facts["fact_id"].iloc[0]
    assert set(numbers[numbers["line"] == facts["line"].iloc[0]]["accounted_for_by"]) == {f"facts.{fact_id}"}


def test_and_without_between_is_no_range(tmp_path) -> None:
    """"2 and 3" with no "between" are two numbers; the first has no unit (never "and")."""
    facts, _ = _facts(tmp_path, "Take 2 and 3 tablets on alternate days.")
    assert [(r.kind, r.value, r.unit) for r in facts.itertuples()] == [("exact", 2, ""), ("exact", 3, "tablets")]


@pytest.mark.parametrize(("sentence", "unit"), [
    ("Men who are 65 and over are offered a test.", ""),
    ("More than 1 in 50 people have it.", ""),
    ("Around 8 out of 10 people improve.", ""),
    ("You may have one or more of these symptoms.", ""),
    ("Only 1 of the tests is needed.", ""),
    ("Women under 65 are not invited.", ""),
    ("It takes 10 minutes.", "minutes"),
])  # fmt: skip
def test_unit_is_never_a_function_word(tmp_path, sentence: str, unit: str) -> None:
    """The word after a number is its unit unless it is a function word ("and", "in", "of", "or", "are"...)."""
    facts, _ = _facts(tmp_path, sentence)
    assert facts["unit"].iloc[0] == unit


def test_scale_words_belong_to_their_number(tmp_path) -> None:
    """"10 million" is one fact (value 10, unit "million"); a lone "a million" is its own fact; all are accounted for."""
    facts, numbers = _facts(tmp_path, "It is estimated that more than 10 million people have it.",
                            "Around sixty per cent of them are women, and a million more are undiagnosed.")
    assert [(r.value, r.qualifier, r.kind, r.unit) for r in facts.itertuples()] == [
        (10, "more than", "lower_bound", "million"),
        (60, "around", "approximate", "percent"),
        (1_000_000, "", "exact", ""),
    ]
    ten, million = facts["fact_id"].iloc[0], facts["fact_id"].iloc[2]
    body = numbers[numbers["line"].isin(facts["line"])]
    assert body[["text", "accounted_for_by"]].values.tolist() == [
        ["10", f"facts.{ten}"], ["million", f"facts.{ten}"],
        ["sixty", f"facts.{facts['fact_id'].iloc[1]}"], ["million", f"facts.{million}"],
    ]


def test_compound_number_words_are_one_number(tmp_path) -> None:
    """"twenty-five" and "a dozen" are read as 25 and 12, each one fact."""
    facts, numbers = _facts(tmp_path, "Twenty-five people were asked.", "A dozen clinics took part.")
    assert [(r.value, r.unit) for r in facts.itertuples()] == [(25, "people"), (12, "clinics")]
    assert numbers["text"].tolist()[:2] == ["Twenty-five", "dozen"]

"""Tests for analysis.comments.numbers: ages, durations and years, on the real comments and hard cases."""

from __future__ import annotations

import pytest

from analysis.comments import numbers as cn
from analysis.comments import people as cp
from tests.comment_support import BRUMMY40, MORBITZ1, PAULINE15, REAL, numbers, rows

# ---------------------------------------------------------------------------- the real comments


def test_morbitz1_numbers() -> None:
    """Age at onset 27, two months pregnant, a 1-year-old daughter; nothing else."""
    found = cn.number_mentions(MORBITZ1)
    assert [(n.value, n.kind, n.unit) for n in found] == [
        (2, "pregnancy_months", "months"),
        (27, "age_at_onset", "years"),
        (1, "age_of_other", "years"),
    ]
    onset = found[1]
    assert onset.text == "age of 27 year old" == MORBITZ1[onset.start:onset.end]
    assert onset.subject == "self"
    assert isinstance(onset.value, int)
    assert found[2].subject == "daughter"


def test_brummy40_numbers() -> None:
    """27 years' duration and the years 1974 and 2001; "when I was a child" is no age."""
    assert numbers(BRUMMY40) == [(27, "duration_years"), (1974, "calendar_year"),
                                 (2001, "calendar_year")]


def test_pauline15_numbers() -> None:
    """"40 years ago" is the only number; "this year" and "many years" carry none."""
    found = cn.number_mentions(PAULINE15)
    assert [(n.value, n.kind, n.text) for n in found] == [(40, "years_ago", "40 years ago")]


def test_qualifiers_on_the_real_comments() -> None:
    """"about 2 months pregnant" and "approximately 40 years ago" keep their qualifier; the rest are exact."""
    table = cn.numbers_table(REAL)
    assert list(table.columns[:8]) == ["comment_id", "value", "kind", "unit", "subject", "text", "start", "end"]
    assert list(table.columns[8:]) == ["qualifier", "kind_of_number"]
    c1 = rows(table, "C1", kind="pregnancy_months").iloc[0]
    assert (c1["value"], c1["qualifier"], c1["kind_of_number"]) == (2, "about", "approximate")
    c3 = rows(table, "C3", kind="years_ago").iloc[0]
    assert (c3["value"], c3["qualifier"], c3["kind_of_number"]) == (40, "approximately", "approximate")
    rest = table[~table.index.isin([c1.name, c3.name])]
    assert len(rest) == 5 and (rest["qualifier"] == "").all() and (rest["kind_of_number"] == "exact").all()


@pytest.mark.parametrize(("text", "qualifier", "kind_of_number"), [
    ("I have had cervical dystonia for over 20 years.", "over", "lower_bound"),
    ("It started More Than 10 years ago.", "more than", "lower_bound"),
    ("I was diagnosed at the age of nearly 50.", "nearly", "approximate"),
    ("It began under 5 years ago.", "under", "upper_bound"),
    ("I was diagnosed aged approx. 30.", "approx.", "approximate"),
    ("I was diagnosed at the age of 35.", "", "exact"),
])  # fmt: skip
def test_qualifier_before_a_number(text: str, qualifier: str, kind_of_number: str) -> None:
    """The qualifier right before the number is kept lower-cased, with the kind of number it makes."""
    [found] = cn.number_mentions(text)
    assert (found.qualifier, found.kind_of_number) == (qualifier, kind_of_number)


# ---------------------------------------------------------------------------- hard cases


def test_two_ages_in_one_comment() -> None:
    """Two ages, each with its own person and kind."""
    text = "I was diagnosed at the age of 35, and my son was diagnosed when he was 12."
    found = cn.number_mentions(text)
    assert [(n.value, n.kind, n.subject) for n in found] == [
        (35, "age_at_diagnosis", "self"), (12, "age_at_diagnosis", "son"),
    ]


def test_current_age_and_onset_age_are_told_apart() -> None:
    """"a 35 year old mum" is a current age; "started at 30" is the age at onset."""
    text = "I am a 35 year old mum and my spasmodic torticollis started at 30."
    assert [(n.value, n.kind, n.subject) for n in cn.number_mentions(text)] == [
        (35, "age", "self"), (30, "age_at_onset", "self"),
    ]
    assert cp.affected_person(text).affected == "self"


def test_a_year_and_counts_are_not_ages() -> None:
    """2010 is a calendar year; "3 children" and "1 in 4" are not ages at all."""
    text = ("In 2010 I was told I had writer's cramp. I have 3 children and there is a 1 in 4 chance "
            "they inherit it.")
    assert numbers(text) == [(2010, "calendar_year")]


def test_number_words_are_read() -> None:
    """Number words count like digits."""
    assert numbers("I have lived with it for twenty-five years.") == [(25, "duration_years")]
    assert cn.parse_number("forty") == 40

"""Tests for analysis.comments.mentions (mention and uncovered tables) on the real comments and hard cases."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.comments import mentions as cm
from analysis.comments import numbers as cn
from analysis.comments import people as cp
from analysis.paths import DEFAULT_PAGE
from tests.comment_support import (
    BRUMMY40,
    CAUSES_WITH_CATEGORY_ROWS,
    MORBITZ1,
    PAULINE15,
    REAL,
    TAXONOMY,
    TESTS,
    TREATMENTS,
    TYPES,
    comments_frame,
    numbers,
    rows,
)


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    """Mentions in the three real comments, without page text."""
    return cm.mentions_table(REAL, *TAXONOMY)


# ---------------------------------------------------------------------------- fixtures are real


def test_fixture_texts_are_the_real_comments_verbatim() -> None:
    """The pasted comments appear verbatim, each as one line, in the saved page."""
    if not DEFAULT_PAGE.exists():
        pytest.skip(f"{DEFAULT_PAGE} not present")
    lines = DEFAULT_PAGE.read_text(encoding="utf-8").splitlines()
    for text in (MORBITZ1, BRUMMY40, PAULINE15):
        assert text in lines


# ---------------------------------------------------------------------------- morbitz1


def test_morbitz1_taxonomy_mentions(mentions: pd.DataFrame) -> None:
    """Hemi Dystonia -> Hemidystonia; blood tests and MRI -> page tests; all covered."""
    hemi = rows(mentions, "C1", category="type")
    assert hemi[["term", "mapped_to"]].values.tolist() == [["Hemi Dystonia", "Hemidystonia"]]
    tests = rows(mentions, "C1", category="test")
    assert tests[["term", "mapped_to"]].values.tolist() == [
        ["blood tests", "blood tests"], ["MRI", "brain scans"],
    ]
    assert tests["covered_by_page"].all()


def test_morbitz1_clonazepam_is_an_uncovered_medicine(mentions: pd.DataFrame) -> None:
    """Clonazepam is a medicine the page does not name."""
    drug = rows(mentions, "C1", label="Clonazepam")
    assert drug["category"].tolist() == ["medicine"]
    assert drug["covered_by_page"].tolist() == [False]
    assert drug["mapped_to"].isna().all()
    assert drug["group"].tolist() == ["medication"]


def test_morbitz1_raises_pregnancy(mentions: pd.DataFrame) -> None:
    """Pregnancy is a topic the page does not cover."""
    topic = rows(mentions, "C1", category="topic", label="pregnancy")
    assert topic["term"].tolist() == ["pregnant", "pregnancy"]
    assert not topic["covered_by_page"].any()


# ---------------------------------------------------------------------------- Brummy40


def test_brummy40_mrsa_is_a_hospital_infection_topic_not_a_cause(mentions: pd.DataFrame) -> None:
    """MRSA is recorded as a hospital-acquired infection (topic), never as a cause."""
    mrsa = rows(mentions, "C2", term="MRSA")
    assert mrsa[["category", "label", "covered_by_page"]].values.tolist() == [
        ["topic", "hospital-acquired infection", False]
    ]
    assert rows(mentions, "C2", category="cause").empty
    labels = set(rows(mentions, "C2", category="topic")["label"])
    assert {"care and hospital", "death and bereavement"} <= labels


# ---------------------------------------------------------------------------- pauline15


def test_pauline15_causes(mentions: pd.DataFrame) -> None:
    """TB meningitis is related to the page's encephalitis (infection of the brain); secondary dystonia maps to its category."""
    causes = rows(mentions, "C3", category="cause")
    assert causes[["term", "label", "mapped_to", "group", "covered_by_page"]].values.tolist() == [
        ["tb meningitis", "TB meningitis", "encephalitis", "secondary", True],
        ["secondary dystonia", "secondary dystonia", "secondary dystonia", "secondary", True],
    ]


def test_category_rows_in_the_causes_table_map_the_same_way() -> None:
    """With explicit "secondary dystonia" rows the mention maps to the same place."""
    table = cm.mentions_table(REAL, TYPES, CAUSES_WITH_CATEGORY_ROWS, TREATMENTS, TESTS)
    row = rows(table, "C3", label="secondary dystonia")
    assert row[["mapped_to", "group", "covered_by_page"]].values.tolist() == [
        ["secondary dystonia", "secondary", True]
    ]


def test_pauline15_raises_awareness(mentions: pd.DataFrame) -> None:
    """Not having heard of dystonia and years of trying are awareness / diagnosis-delay mentions."""
    terms = rows(mentions, "C3", label="awareness and diagnosis delay")["term"].tolist()
    assert "nor anyone else I know even heard of" in terms
    assert "many years of trying" in terms


# ---------------------------------------------------------------------------- uncovered table


def test_uncovered_table_on_the_real_comments() -> None:
    """What readers raise that the page does not answer, with verbatim example quotes."""
    table = cm.uncovered_table(REAL, *TAXONOMY).set_index("topic")
    assert list(table.columns) == cm.UNCOVERED_COLUMNS[1:]
    assert table.loc["awareness and diagnosis delay", "comment_ids"] == "C2;C3"
    assert table.loc["awareness and diagnosis delay", "n_comments"] == 2
    assert table.loc["Clonazepam", "comment_ids"] == "C1"
    assert "TB meningitis" not in table.index  # related to the page's encephalitis, so not uncovered
    assert table.loc["pregnancy", "example_quote"].startswith("My problem started when")
    assert table.loc["hospital-acquired infection", "comment_ids"] == "C2"
    for topic, row in table.iterrows():
        assert row["example_quote"] in REAL.set_index("comment_id").loc[row["example_comment_id"], "text"], topic
    covered = {"Hemidystonia", "blood tests", "brain scans", "secondary dystonia"}
    assert covered.isdisjoint(table.index)
    assert "symptom" not in set(table["category"])  # symptoms need the page text


def test_page_text_decides_symptom_coverage() -> None:
    """With the page text, tremor (named there) is covered and stiffness (not named) is not."""
    page = "Tremor (shaking) can also be a characteristic of some types of dystonia."
    table = cm.mentions_table(comments_frame(MORBITZ1), *TAXONOMY, page_text=page)
    coverage = dict(zip(table["label"], table["covered_by_page"].astype(object), strict=True))
    assert (coverage["tremor"], coverage["stiffness"], coverage["pregnancy"]) == (True, False, False)


def test_negated_mentions_are_not_reported_as_uncovered() -> None:
    """A medicine the writer never took is not something they raise."""
    table = cm.uncovered_table(comments_frame("I never took clonazepam."), *TAXONOMY)
    assert table.empty


# ---------------------------------------------------------------------------- hard cases


def test_comment_containing_said_on() -> None:
    """"said on" inside a comment is ordinary text: the day of the month is no age."""
    text = "My neurologist said on 12 May 2015 that I have had cervical dystonia for 3 years."
    assert numbers(text) == [(2015, "calendar_year"), (3, "duration_years")]
    assert cp.affected_person(text).affected == "self"
    table = cm.mentions_table(comments_frame(text), *TAXONOMY)
    assert table[["comment_id", "mapped_to"]].values.tolist() == [["C1", "Focal dystonia"]]


def test_tables_have_documented_columns_and_spans() -> None:
    """Every table has its documented columns; every span points at the text it reports."""
    mentions = cm.mentions_table(REAL, *TAXONOMY)
    assert list(mentions.columns) == cm.MENTION_COLUMNS
    assert list(cn.numbers_table(REAL).columns) == cn.NUMBER_COLUMNS
    people = cp.people_table(REAL)
    assert list(people.columns) == cp.PEOPLE_COLUMNS
    assert people["affected"].tolist() == ["self", "father", "son"]
    texts = REAL.set_index("comment_id")["text"]
    for row in mentions.itertuples():
        assert texts[row.comment_id][row.start:row.end] == row.term
    for row in cn.numbers_table(REAL).itertuples():
        assert texts[row.comment_id][row.start:row.end] == row.text


def test_empty_comments() -> None:
    """No comments give empty tables with the documented columns."""
    empty = comments_frame()
    assert list(cm.mentions_table(empty, *TAXONOMY).columns) == cm.MENTION_COLUMNS
    assert cm.uncovered_table(empty, *TAXONOMY).empty
    assert cp.affected_person("").affected == "unknown"


def test_notebook_table_builders_stay_importable_from_comment_mentions() -> None:
    """The four table builders notebook 04 calls as comment_mentions.<name> are importable from there."""
    assert cm.people_table is cp.people_table
    assert cm.numbers_table is cn.numbers_table
    assert callable(cm.mentions_table) and callable(cm.summarise_uncovered)


def test_uncovered_topics_quote_what_the_page_does_say() -> None:
    """A topic the page touches on (diagnosis) carries the page's sentence; one it never mentions has none."""
    from analysis.comments.feedback import page_body_text
    from analysis.data.load import page_tables

    t = page_tables()
    body = page_body_text()
    mentions = cm.mentions_table(t["comments"], t["types"], t["causes"], t["treatments"], t["tests"], page_text=body)
    table = cm.summarise_uncovered(mentions, t["comments"], body).set_index("topic")
    assert "undiagnosed" in table.loc["awareness and diagnosis delay", "page_says"]
    assert table.loc["pregnancy", "page_says"] == ""
    assert (cm.summarise_uncovered(mentions, t["comments"])["page_says"] == "").all()

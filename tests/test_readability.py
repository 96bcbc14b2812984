"""Tests for analysis.comments.readability and its sourced targets file."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.comments import readability as rd

EASY = "The cat sat on the mat. The dog ran to the park. We had fun in the sun."
HARD = (
    "Dystonia is thought to be a neurological condition, caused by underlying abnormalities of the "
    "basal ganglia, characterised by involuntary, sustained muscular contractions producing "
    "repetitive, uncontrollable movements and abnormal postures."
)


def test_targets_file_has_sourced_numbers() -> None:
    """The CSV states the plain-English targets, each with a source and a link."""
    targets = rd.load_targets()
    bounds = {(r.measure, r.comparison): r.value for r in targets.itertuples()}
    assert bounds[("flesch_reading_ease", ">=")] == 60
    assert bounds[("flesch_kincaid_grade", "<=")] == 6
    assert (bounds[("reading_age", ">=")], bounds[("reading_age", "<=")]) == (9, 11)
    assert targets["source"].str.len().gt(20).all()
    assert targets["url"].str.startswith("https://").all()
    assert "NHS" in " ".join(targets["source"])


def test_load_targets_rejects_an_unsourced_row(tmp_path: Path) -> None:
    """A target without a source is refused."""
    bad = rd.load_targets().copy()
    bad.loc[0, "source"] = ""
    path = tmp_path / "targets.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match="source"):
        rd.load_targets(path)


def test_scores_of_a_known_text() -> None:
    """Counts of a known text, and easy text scoring easier than hard text on both measures."""
    easy = rd.readability_scores(EASY)
    hard = rd.readability_scores(HARD)
    assert (easy["words"], easy["sentences"]) == (18, 3)
    assert easy["flesch_reading_ease"] > 60 > hard["flesch_reading_ease"]
    assert easy["flesch_kincaid_grade"] < 6 < hard["flesch_kincaid_grade"]


def test_empty_text_has_no_scores() -> None:
    """No words: no scores rather than textstat's formula on zero words."""
    scores = rd.readability_scores("   ")
    assert scores["words"] == 0
    assert math.isnan(scores["flesch_reading_ease"]) and math.isnan(scores["flesch_kincaid_grade"])


def test_readability_table_keeps_names_and_order() -> None:
    """One row per named text, in the order given, with the documented columns."""
    table = rd.readability_table({"hard": HARD, "easy": EASY})
    assert list(table.columns) == rd.TABLE_COLUMNS
    assert table["name"].tolist() == ["hard", "easy"]


def test_check_targets_compares_each_measure() -> None:
    """Each measure is compared with its own bound and direction; a missing score stays unknown."""
    table = pd.DataFrame({
        "name": ["a", "b", "c"],
        "flesch_reading_ease": [65.0, 55.0, math.nan],
        "flesch_kincaid_grade": [6.0, 8.5, math.nan],
    })
    checked = rd.check_targets(table, rd.load_targets())
    assert checked["meets_flesch_reading_ease"].tolist()[:2] == [True, False]
    assert checked["meets_flesch_kincaid_grade"].tolist()[:2] == [True, False]
    assert checked["meets_flesch_reading_ease"].isna().tolist() == [False, False, True]
    assert "meets_reading_age" not in checked.columns  # not a score this module computes


def test_target_statement_cites_sources() -> None:
    """The plain statement carries the numbers and the sources."""
    statement = rd.target_statement(rd.load_targets())
    assert "reading age >= 9 and <= 11 years" in statement
    assert "flesch reading ease >= 60" in statement
    assert "Hunt" in statement and "NHS digital service manual" in statement


def test_treatment_bullets_are_sentences_not_one() -> None:
    """Each bullet of the page's treatment list is its own sentence, as is the line introducing it."""
    from analysis.comments.feedback import page_body_text
    from analysis.comments.readability import line_sentences, readability_scores
    from analysis.paths import DEFAULT_PAGE

    body = page_body_text(DEFAULT_PAGE)
    intro = next(line for line in body.splitlines() if line.endswith("main types of treatment are:"))
    block = "\n".join([intro, *[line for line in body.splitlines() if line.startswith(("botulinum toxin -", "medication -", "physiotherapy -", "surgery -"))]])
    intro_sentences = readability_scores(intro)["sentences"]
    assert readability_scores(block)["sentences"] == intro_sentences + 4
    assert readability_scores(block.replace("\n", " "))["sentences"] == intro_sentences  # joined, as it used to be counted
    assert line_sentences("One.\nTwo\n") == "One. Two."

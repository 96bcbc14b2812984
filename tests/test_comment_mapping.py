"""Comment mentions map to the page's own taxonomy (issue 8): body regions, tremor, related causes, clean topics."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.comments import mentions as cm
from analysis.comments.feedback import page_body_text
from analysis.paths import DEFAULT_PAGE
from tests.comment_support import CAUSES, REAL, TAXONOMY, TESTS, TREATMENTS, TYPES, comments_frame, rows

PAGE_TEXT = page_body_text(DEFAULT_PAGE)


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    """Mentions in the three real comments, with the real page text."""
    return cm.mentions_table(REAL, *TAXONOMY, page_text=PAGE_TEXT)


def test_every_muscle_in_his_body_is_generalised(mentions: pd.DataFrame) -> None:
    """C2's "it affected every muscle in his body" maps to the page's generalised dystonia."""
    found = rows(mentions, "C2", category="type")
    assert found[["term", "mapped_to", "covered_by_page"]].values.tolist() == [
        ["every muscle in his body", "Generalised dystonia", True]]


def test_left_arm_and_leg_is_the_pages_multifocal_example(mentions: pd.DataFrame) -> None:
    """C3's "It affects his left arm and leg" maps to multifocal dystonia (the page's left arm and left leg)."""
    found = rows(mentions, "C3", category="type")
    assert found[["term", "mapped_to"]].values.tolist() == [["left arm and leg", "Multifocal dystonia"]]
    assert "multifocal example" in found["note"].iloc[0]


def test_shakes_is_the_pages_tremor(mentions: pd.DataFrame) -> None:
    """C1's "shakes" maps to tremor, which the page names ("Tremor (shaking)")."""
    shakes = mentions[(mentions["comment_id"] == "C1") & (mentions["term"] == "shakes")]
    assert len(shakes) == 2
    assert set(shakes["mapped_to"]) == {"tremor"} and shakes["covered_by_page"].all()


def test_tb_meningitis_is_related_to_encephalitis(mentions: pd.DataFrame) -> None:
    """TB meningitis is an infection of the brain: related to the page's encephalitis, not uncovered."""
    tb = rows(mentions, "C3", label="TB meningitis").iloc[0]
    assert tb["mapped_to"] == "encephalitis" and bool(tb["covered_by_page"])
    assert "does not name meningitis" in tb["note"]


def test_meningitis_without_encephalitis_on_the_page_stays_uncovered() -> None:
    """With no encephalitis among the page's causes, meningitis is not covered by anything."""
    causes = CAUSES[CAUSES["cause"] != "encephalitis"]
    table = cm.mentions_table(comments_frame("She had meningitis as a baby."), TYPES, causes, TREATMENTS, TESTS)
    row = table[table["label"] == "meningitis"].iloc[0]
    assert row["mapped_to"] is None and not bool(row["covered_by_page"])


@pytest.mark.parametrize(("text", "mapped"), [
    ("Now it is in her whole body.", "Generalised dystonia"),
    ("It spread to all the muscles of my body.", "Generalised dystonia"),
    ("It affects my right arm and left leg.", "Multifocal dystonia"),
    ("My left arm and right leg twist.", "Multifocal dystonia"),
])
def test_written_hard_cases_map_by_body_region(text: str, mapped: str) -> None:
    """Other wordings of the whole body, or an arm and a leg, map the same way."""
    table = cm.mentions_table(comments_frame(text), *TAXONOMY)
    assert table.loc[table["category"] == "type", "mapped_to"].tolist() == [mapped]


def test_an_arm_alone_is_not_multifocal() -> None:
    """One arm, or a hand and a leg, is not the page's multifocal example."""
    table = cm.mentions_table(comments_frame("It affects his left arm. My right hand and leg are stiff."), *TAXONOMY)
    assert "Multifocal dystonia" not in set(table["mapped_to"].dropna())


def test_topic_table_has_no_phrase_fragments() -> None:
    """The uncovered table never lists a rule's fragment ("in ignorance") as a term; it quotes whole sentences."""
    table = cm.uncovered_table(REAL, *TAXONOMY, page_text=PAGE_TEXT)
    topics = table[table["category"] == "topic"]
    assert not topics.empty and topics["terms_as_written"].eq("").all()
    flat = " ".join(table.astype(str).to_numpy().ravel())
    for fragment in ("in ignorance", "nor anyone else I know even heard of"):
        assert f";{fragment}" not in flat and not table["terms_as_written"].str.contains(fragment).any()


def test_death_does_not_quote_the_lifelong_symptoms_sentence() -> None:
    """The page says nothing on death: 'death and bereavement' quotes no page sentence (not 'rest of their lives')."""
    table = cm.uncovered_table(REAL, *TAXONOMY, page_text=PAGE_TEXT).set_index("topic")
    assert table.loc["death and bereavement", "page_says"] == ""
    assert "rest of their lives" not in " ".join(table["page_says"])


def test_death_quotes_a_page_that_speaks_of_it() -> None:
    """A page that mentions death is quoted beside the topic."""
    page = "Dystonia itself is not fatal. It does not shorten life expectancy."
    table = cm.uncovered_table(comments_frame("My father passed away in 2001."), *TAXONOMY, page_text=page)
    assert table.set_index("topic").loc["death and bereavement", "page_says"] == page.replace(" It", " / It")

"""Tests for analysis.comments.people: who a comment says is affected, on the real comments and hard cases."""

from __future__ import annotations

from analysis.comments import numbers as cn
from analysis.comments import people as cp
from analysis.comments import terms as ct
from tests.comment_support import BRUMMY40, MORBITZ1, PAULINE15, TAXONOMY

# ---------------------------------------------------------------------------- the real comments


def test_morbitz1_writer_is_affected_and_daughter_is_not() -> None:
    """morbitz1 writes about herself; the 1-year-old daughter is mentioned but not affected."""
    who = cp.affected_person(MORBITZ1)
    assert (who.affected, who.writer_role) == ("self", "patient")
    assert who.evidence == "My problem"
    assert "daughter" not in who.all_affected
    assert who.relatives_not_affected == ("daughter",)


def test_brummy40_father_is_affected() -> None:
    """Brummy40 writes about the father: the writer is the patient's child."""
    who = cp.affected_person(BRUMMY40)
    assert (who.affected, who.writer_role, who.evidence) == ("father", "child", "My father")


def test_pauline15_son_is_affected() -> None:
    """pauline15 writes about her son: the writer is the patient's parent."""
    who = cp.affected_person(PAULINE15)
    assert (who.affected, who.writer_role) == ("son", "parent")


# ---------------------------------------------------------------------------- hard cases


def test_relative_mentioned_but_writer_affected() -> None:
    """A supportive husband is not the affected person."""
    text = "My husband has been a great support since I was diagnosed with cervical dystonia."
    who = cp.affected_person(text)
    assert (who.affected, who.relatives_not_affected) == ("self", ("husband",))
    [mention] = ct.find_terms(text, ct.build_terms(*TAXONOMY))
    assert (mention.term, mention.mapped_to) == ("cervical dystonia", "Focal dystonia")


def test_relative_with_negated_condition_is_not_affected() -> None:
    """"My daughter does not have dystonia" does not make the daughter affected."""
    who = cp.affected_person("My daughter does not have dystonia, thank goodness.")
    assert who.affected == "unknown"
    assert who.relatives_not_affected == ("daughter",)


def test_follow_up_sentence_makes_relative_affected() -> None:
    """"My mum is 60. She was diagnosed ..." makes the mother affected, aged 60."""
    text = "My mum is 60. She was diagnosed with dystonia last year."
    assert cp.affected_person(text).affected == "mother"
    assert [(n.value, n.kind, n.subject) for n in cn.number_mentions(text)] == [
        (60, "age_of_other", "mother")
    ]

"""Tests for analysis.comments.terms: page terms, vocabularies, spelling variants and negation."""

from __future__ import annotations

import pandas as pd

from analysis.comments import terms as ct
from tests.comment_support import CAUSES, TAXONOMY, TREATMENTS, TYPES


def test_page_text_naming_a_medicine_makes_it_covered() -> None:
    """A vocabulary medicine the page names in its text counts as covered."""
    text = "I take clonazepam at night."
    terms = ct.build_terms(*TAXONOMY, page_text="Clonazepam can help some people.")
    [mention] = [m for m in ct.find_terms(text, terms) if m.category == "medicine"]
    assert mention.covered_by_page is True


def test_negation_is_flagged_not_dropped() -> None:
    """"no tremor", "not Baclofen" and "never had botox" are kept, flagged negated."""
    text = "I have no tremor, and I am not on Baclofen. I have never had botox but I take clonazepam."
    found = {m.label: m.negated for m in ct.find_terms(text, ct.build_terms(*TAXONOMY))}
    assert found == {"tremor": True, "Baclofen": True, "Botox": True, "Clonazepam": False}


def test_negation_window_and_pseudo_negation() -> None:
    """"not only" is no negation; a negator in an earlier clause does not reach the term."""
    terms = ct.build_terms(*TAXONOMY)
    assert not any(m.negated for m in ct.find_terms("Not only botox helps.", terms))
    assert not any(m.negated for m in ct.find_terms("It was not easy, but botox helps.", terms))
    assert [m.negated for m in ct.find_terms("I didn't get any botox.", terms)] == [True]


def test_spelling_variants_of_page_terms() -> None:
    """British/American spelling, hyphens, spaces and plurals match the page term."""
    assert ct.term_regex("Generalised dystonia").search("generalized dystonia")
    assert ct.term_regex("Hemidystonia").fullmatch("hemi-dystonia")
    assert ct.term_regex("Parkinson's disease").fullmatch("Parkinsons")
    assert ct.term_regex("brain injury").fullmatch("brain injuries")
    assert ct.term_regex("blood tests").fullmatch("blood test")
    assert not ct.term_regex("stroke").search("heatstroke")


def test_alias_without_its_page_term_is_uncovered() -> None:
    """On a page without brain scans, MRI is an uncovered test."""
    no_scans = pd.DataFrame({"test": ["blood tests"]})
    [mri] = ct.find_terms("I had an MRI.", ct.build_terms(TYPES, CAUSES, TREATMENTS, no_scans))
    assert (mri.category, mri.mapped_to, mri.covered_by_page) == ("test", None, False)


def test_medicine_in_a_class_the_page_names_stays_uncovered() -> None:
    """Trihexyphenidyl is an anticholinergic: uncovered, with the class in the note."""
    [drug] = ct.find_terms("I take trihexyphenidyl.", ct.build_terms(*TAXONOMY))
    assert (drug.covered_by_page, drug.mapped_to) == (False, None)
    assert "anticholinergics" in drug.note

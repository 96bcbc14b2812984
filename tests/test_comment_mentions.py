"""Tests for analysis.comment_mentions on the page's three real comments and on hard cases."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import comment_mentions as cm
from analysis.paths import DEFAULT_PAGE

MORBITZ1 = (
    "My problem started when I was about 2 months pregnant age of 27 year old. My right hand and "
    "leg muscles started to be stiff and my right hand shakes a lots. My beginning of pregnancy "
    "was OK, just this thing make me feel very exhausted. Even I experienced difficulties to walk. "
    "So, I went to see Specialist Neurologist in Norwich. After some blood tests and MRI, doctor "
    "confirmed that I got Hemi Dystonia. Now, I got 1 year old daughter, she is doing OK, very "
    "happy baby. And my Dystonia, well some days are good and some bad. When I do have bad days, "
    "my hand shakes and feel stiff. I do have tables called: Clonazepam (take them when I need to)."
)
BRUMMY40 = (
    "My father had a severe case of Dystonia, it affected every muscle in his body. He contracted "
    "the disease when I was a child and lived on through for 27 years with it. He got worse as "
    "the years went on and could less and less and finally had to go to hospital to have a tube "
    "fitted as he could no longer eat properly, this was to be the end as he contracted MRSA when "
    "I hospital. This. Disease can be hard to cope with and not pleasant from my experience with "
    "it, we never met other sufferers and knew very little growing up. My father became ill in "
    "1974 and passed away in 2001. I grew not knowing my father being healthy or able to talk but "
    "loved him all the same. He had a great sense of humour and was as strong as an ox "
    "considering his muscles didn't do what they were told. I hope they never find another case "
    "as bad as dads and that they find a cure or something to help from my dad. I still miss him "
    "and wish I had spent more time with him when I was younger. Love you Dad xx"
)
PAULINE15 = (
    "My son, who had tb meningitis approximately 40 years ago as a young child, has, only this "
    "year had part of his resulting multiple disabilities,diagnosed as secondary dystonia. It "
    "affects his left arm and leg. Neither I, nor anyone else I know even heard of Dystonia until "
    "this year despite many years of trying to find some way of obtainig help for the "
    "embarrasing and painful effects of the condition. I wonder how many other sufferers and "
    "families have to carry on in ignorance of the existence of this debilitating condition. This "
    "may well account for the relatively low numbers of known dystonia patients."
)

TYPES = pd.DataFrame({
    "type": ["Focal dystonia", "Segmental dystonia", "Multifocal dystonia", "Generalised dystonia",
             "Hemidystonia"],
    "examples": ["Cervical dystonia;blepharospasm;laryngeal dystonia;writer's cramp",
                 "Cranial dystonia", "", "", ""],
})
# As the page parser builds it: category rows are not listed; "primary dystonia" comes from them.
CAUSES = pd.DataFrame({
    "cause": ["no identifiable cause", "genetic", "stroke", "brain injury", "encephalitis",
              "Parkinson's disease"],
    "category": ["primary", "primary", "secondary", "secondary", "secondary", "secondary"],
})
# As the brief describes it: explicit category rows.
CAUSES_WITH_CATEGORY_ROWS = pd.DataFrame({
    "cause": ["stroke", "brain injury", "encephalitis", "Parkinson's disease", "primary dystonia",
              "secondary dystonia"],
    "category": ["secondary", "secondary", "secondary", "secondary", "primary", "secondary"],
})
TREATMENTS = pd.DataFrame({
    "treatment": ["botulinum toxin", "medication", "physiotherapy", "surgery"],
    "examples": ["", "anticholinergics;Baclofen;muscle relaxants", "",
                 "selective peripheral denervation;deep brain stimulation"],
})
TESTS = pd.DataFrame({"test": ["brain scans", "urine tests", "blood tests", "genetic testing"]})
TAXONOMY = (TYPES, CAUSES, TREATMENTS, TESTS)


def comments_frame(*texts: str) -> pd.DataFrame:
    """Build a comments table (the columns the page parser gives) from comment texts."""
    n = len(texts)
    return pd.DataFrame({
        "comment_id": [f"C{i}" for i in range(1, n + 1)],
        "pseudonym": [f"Commenter {chr(64 + i)}" for i in range(1, n + 1)],
        "author": [f"handle{i}" for i in range(1, n + 1)],
        "date": ["2014-03-29"] * n,
        "position": list(range(1, n + 1)),
        "text": list(texts),
    })


REAL = comments_frame(MORBITZ1, BRUMMY40, PAULINE15)


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    """Mentions in the three real comments, without page text."""
    return cm.mentions_table(REAL, *TAXONOMY)


def rows(table: pd.DataFrame, comment_id: str, **equal: object) -> pd.DataFrame:
    """Return the rows of one comment whose columns equal the given values."""
    out = table[table["comment_id"] == comment_id]
    for column, value in equal.items():
        out = out[out[column] == value]
    return out


def numbers(text: str) -> list[tuple[object, str]]:
    """Return (value, kind) of every number mention in a text."""
    return [(n.value, n.kind) for n in cm.number_mentions(text)]


# ---------------------------------------------------------------------------- fixtures are real


def test_fixture_texts_are_the_real_comments_verbatim() -> None:
    """The pasted comments appear verbatim, each as one line, in the saved page."""
    if not DEFAULT_PAGE.exists():
        pytest.skip(f"{DEFAULT_PAGE} not present")
    lines = DEFAULT_PAGE.read_text(encoding="utf-8").splitlines()
    for text in (MORBITZ1, BRUMMY40, PAULINE15):
        assert text in lines


# ---------------------------------------------------------------------------- morbitz1


def test_morbitz1_writer_is_affected_and_daughter_is_not() -> None:
    """morbitz1 writes about herself; the 1-year-old daughter is mentioned but not affected."""
    who = cm.affected_person(MORBITZ1)
    assert (who.affected, who.writer_role) == ("self", "patient")
    assert who.evidence == "My problem"
    assert "daughter" not in who.all_affected
    assert who.relatives_not_affected == ("daughter",)


def test_morbitz1_numbers() -> None:
    """Age at onset 27, two months pregnant, a 1-year-old daughter; nothing else."""
    found = cm.number_mentions(MORBITZ1)
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


def test_brummy40_father_is_affected() -> None:
    """Brummy40 writes about the father: the writer is the patient's child."""
    who = cm.affected_person(BRUMMY40)
    assert (who.affected, who.writer_role, who.evidence) == ("father", "child", "My father")


def test_brummy40_numbers() -> None:
    """27 years' duration and the years 1974 and 2001; "when I was a child" is no age."""
    assert numbers(BRUMMY40) == [(27, "duration_years"), (1974, "calendar_year"),
                                 (2001, "calendar_year")]


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


def test_pauline15_son_is_affected() -> None:
    """pauline15 writes about her son: the writer is the patient's parent."""
    who = cm.affected_person(PAULINE15)
    assert (who.affected, who.writer_role) == ("son", "parent")


def test_pauline15_numbers() -> None:
    """"40 years ago" is the only number; "this year" and "many years" carry none."""
    found = cm.number_mentions(PAULINE15)
    assert [(n.value, n.kind, n.text) for n in found] == [(40, "years_ago", "40 years ago")]


def test_pauline15_causes(mentions: pd.DataFrame) -> None:
    """TB meningitis is an uncovered cause; secondary dystonia maps to the secondary category."""
    causes = rows(mentions, "C3", category="cause")
    assert causes[["term", "label", "mapped_to", "group", "covered_by_page"]].values.tolist() == [
        ["tb meningitis", "TB meningitis", None, "secondary", False],
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
    assert table.loc["TB meningitis", "category"] == "cause"
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


def test_page_text_naming_a_medicine_makes_it_covered() -> None:
    """A vocabulary medicine the page names in its text counts as covered."""
    text = "I take clonazepam at night."
    terms = cm.build_terms(*TAXONOMY, page_text="Clonazepam can help some people.")
    [mention] = [m for m in cm.find_terms(text, terms) if m.category == "medicine"]
    assert mention.covered_by_page is True


# ---------------------------------------------------------------------------- hard cases


def test_negation_is_flagged_not_dropped() -> None:
    """"no tremor", "not Baclofen" and "never had botox" are kept, flagged negated."""
    text = "I have no tremor, and I am not on Baclofen. I have never had botox but I take clonazepam."
    found = {m.label: m.negated for m in cm.find_terms(text, cm.build_terms(*TAXONOMY))}
    assert found == {"tremor": True, "Baclofen": True, "Botox": True, "Clonazepam": False}


def test_negation_window_and_pseudo_negation() -> None:
    """"not only" is no negation; a negator in an earlier clause does not reach the term."""
    terms = cm.build_terms(*TAXONOMY)
    assert not any(m.negated for m in cm.find_terms("Not only botox helps.", terms))
    assert not any(m.negated for m in cm.find_terms("It was not easy, but botox helps.", terms))
    assert [m.negated for m in cm.find_terms("I didn't get any botox.", terms)] == [True]


def test_negated_mentions_are_not_reported_as_uncovered() -> None:
    """A medicine the writer never took is not something they raise."""
    table = cm.uncovered_table(comments_frame("I never took clonazepam."), *TAXONOMY)
    assert table.empty


def test_two_ages_in_one_comment() -> None:
    """Two ages, each with its own person and kind."""
    text = "I was diagnosed at the age of 35, and my son was diagnosed when he was 12."
    found = cm.number_mentions(text)
    assert [(n.value, n.kind, n.subject) for n in found] == [
        (35, "age_at_diagnosis", "self"), (12, "age_at_diagnosis", "son"),
    ]


def test_current_age_and_onset_age_are_told_apart() -> None:
    """"a 35 year old mum" is a current age; "started at 30" is the age at onset."""
    text = "I am a 35 year old mum and my spasmodic torticollis started at 30."
    assert [(n.value, n.kind, n.subject) for n in cm.number_mentions(text)] == [
        (35, "age", "self"), (30, "age_at_onset", "self"),
    ]
    assert cm.affected_person(text).affected == "self"


def test_a_year_and_counts_are_not_ages() -> None:
    """2010 is a calendar year; "3 children" and "1 in 4" are not ages at all."""
    text = ("In 2010 I was told I had writer's cramp. I have 3 children and there is a 1 in 4 chance "
            "they inherit it.")
    assert numbers(text) == [(2010, "calendar_year")]


def test_number_words_are_read() -> None:
    """Number words count like digits."""
    assert numbers("I have lived with it for twenty-five years.") == [(25, "duration_years")]
    assert cm.parse_number("forty") == 40


def test_relative_mentioned_but_writer_affected() -> None:
    """A supportive husband is not the affected person."""
    text = "My husband has been a great support since I was diagnosed with cervical dystonia."
    who = cm.affected_person(text)
    assert (who.affected, who.relatives_not_affected) == ("self", ("husband",))
    [mention] = cm.find_terms(text, cm.build_terms(*TAXONOMY))
    assert (mention.term, mention.mapped_to) == ("cervical dystonia", "Focal dystonia")


def test_relative_with_negated_condition_is_not_affected() -> None:
    """"My daughter does not have dystonia" does not make the daughter affected."""
    who = cm.affected_person("My daughter does not have dystonia, thank goodness.")
    assert who.affected == "unknown"
    assert who.relatives_not_affected == ("daughter",)


def test_follow_up_sentence_makes_relative_affected() -> None:
    """"My mum is 60. She was diagnosed ..." makes the mother affected, aged 60."""
    text = "My mum is 60. She was diagnosed with dystonia last year."
    assert cm.affected_person(text).affected == "mother"
    assert [(n.value, n.kind, n.subject) for n in cm.number_mentions(text)] == [
        (60, "age_of_other", "mother")
    ]


def test_comment_containing_said_on() -> None:
    """"said on" inside a comment is ordinary text: the day of the month is no age."""
    text = "My neurologist said on 12 May 2015 that I have had cervical dystonia for 3 years."
    assert numbers(text) == [(2015, "calendar_year"), (3, "duration_years")]
    assert cm.affected_person(text).affected == "self"
    table = cm.mentions_table(comments_frame(text), *TAXONOMY)
    assert table[["comment_id", "mapped_to"]].values.tolist() == [["C1", "Focal dystonia"]]


def test_spelling_variants_of_page_terms() -> None:
    """British/American spelling, hyphens, spaces and plurals match the page term."""
    assert cm.term_regex("Generalised dystonia").search("generalized dystonia")
    assert cm.term_regex("Hemidystonia").fullmatch("hemi-dystonia")
    assert cm.term_regex("Parkinson's disease").fullmatch("Parkinsons")
    assert cm.term_regex("brain injury").fullmatch("brain injuries")
    assert cm.term_regex("blood tests").fullmatch("blood test")
    assert not cm.term_regex("stroke").search("heatstroke")


def test_alias_without_its_page_term_is_uncovered() -> None:
    """On a page without brain scans, MRI is an uncovered test."""
    no_scans = pd.DataFrame({"test": ["blood tests"]})
    [mri] = cm.find_terms("I had an MRI.", cm.build_terms(TYPES, CAUSES, TREATMENTS, no_scans))
    assert (mri.category, mri.mapped_to, mri.covered_by_page) == ("test", None, False)


def test_medicine_in_a_class_the_page_names_stays_uncovered() -> None:
    """Trihexyphenidyl is an anticholinergic: uncovered, with the class in the note."""
    [drug] = cm.find_terms("I take trihexyphenidyl.", cm.build_terms(*TAXONOMY))
    assert (drug.covered_by_page, drug.mapped_to) == (False, None)
    assert "anticholinergics" in drug.note


def test_tables_have_documented_columns_and_spans() -> None:
    """Every table has its documented columns; every span points at the text it reports."""
    mentions = cm.mentions_table(REAL, *TAXONOMY)
    assert list(mentions.columns) == cm.MENTION_COLUMNS
    assert list(cm.numbers_table(REAL).columns) == cm.NUMBER_COLUMNS
    people = cm.people_table(REAL)
    assert list(people.columns) == cm.PEOPLE_COLUMNS
    assert people["affected"].tolist() == ["self", "father", "son"]
    texts = REAL.set_index("comment_id")["text"]
    for row in mentions.itertuples():
        assert texts[row.comment_id][row.start:row.end] == row.term
    for row in cm.numbers_table(REAL).itertuples():
        assert texts[row.comment_id][row.start:row.end] == row.text


def test_empty_comments() -> None:
    """No comments give empty tables with the documented columns."""
    empty = comments_frame()
    assert list(cm.mentions_table(empty, *TAXONOMY).columns) == cm.MENTION_COLUMNS
    assert cm.uncovered_table(empty, *TAXONOMY).empty
    assert cm.affected_person("").affected == "unknown"

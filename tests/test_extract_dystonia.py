"""The dystonia page's tables hold what the page says, each value checked against the raw text."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest

from analysis.page import template
from tests.conftest import MANIFEST, PROCESSED, RAW_PAGE


def _row(df: pd.DataFrame, column: str, value: str) -> pd.Series:
    """Return the one row of `df` whose `column` equals `value`."""
    rows = df[df[column] == value]
    assert len(rows) == 1, f"{len(rows)} rows with {column}={value!r}"
    return rows.iloc[0]


def _number(text: str) -> float:
    """Turn "70,000", "90" or a number word into a float, independently of the parser."""
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
    return float(words.get(text.lower()) or text.replace(",", ""))


# fact_id: (pattern on the raw page line, value, lower, upper, qualifier, kind, unit)
KEYED_FACTS = {
    "uk_prevalence": (r"at least ([\d,]+) people are affected by dystonia in the UK", "n", "n", None, "at least", "lower_bound", "people"),
    "children_prevalence": (r"At least ([\d,]+) of these are children and young people", "n", "n", None, "at least", "lower_bound", "people"),
    "main_types_count": (r"There are (\w+) main types of dystonia", "n", "n", "n", "", "exact", "types"),
    "cervical_blepharospasm_share": (r"About (\d+)% of all cases are either cervical dystonia", "n", None, None, "about", "approximate", "percent"),
    "main_treatments_count": (r"the (\w+) main types of treatment are", "n", "n", "n", "", "exact", "treatments"),
    "focal_progression_years": (r"over a period of about (\w+) years", "n", None, None, "about", "approximate", "years"),
    "total_remission": (r"in around (\d+)-(\d+)% of people", None, "lo", "hi", "around", "range", "percent"),
}  # fmt: skip


@pytest.mark.parametrize("fact_id", list(KEYED_FACTS))
def test_keyed_fact_matches_page_text(dystonia, raw_lines, fact_id: str) -> None:
    """Each keyed fact's numbers, bounds and kind are what its verbatim sentence on the page says."""
    pattern, value, lower, upper, qualifier, kind, unit = KEYED_FACTS[fact_id]
    row = _row(dystonia["facts"], "fact_id", fact_id)
    line = raw_lines[row["line"] - 1]
    assert row["sentence"] in line, "the sentence is not verbatim on its line"
    m = re.search(pattern, row["sentence"])
    assert m, f"the sentence {row['sentence']!r} does not say it"
    found = {"n": _number(m.group(1)), "lo": _number(m.group(1)), "hi": _number(m.group(m.lastindex))}
    for column, key in (("value", value), ("lower", lower), ("upper", upper)):
        expected = found[key] if key else None
        if expected is None:
            assert pd.isna(row[column]), f"{column} should be missing, not {row[column]!r}"
        else:
            assert row[column] == expected, column
    assert (row["qualifier"] or "") == qualifier
    assert (row["kind"], row["unit"]) == (kind, unit)
    assert row["source"] == "NHS Choices, Dystonia, last reviewed 19/06/2013"


def test_headline_values(dystonia) -> None:
    """The figures the report leads with: 70,000 and 8,000 lower bounds, about 90%, five, four, about five, 5-10%."""
    f = dystonia["facts"].set_index("fact_id")
    assert (f.at["uk_prevalence", "lower"], f.at["children_prevalence", "lower"]) == (70000, 8000)
    assert pd.isna(f.at["uk_prevalence", "upper"]) and pd.isna(f.at["children_prevalence", "upper"])
    assert f.at["cervical_blepharospasm_share", "value"] == 90
    assert pd.isna(f.at["cervical_blepharospasm_share", "lower"]) and pd.isna(f.at["cervical_blepharospasm_share", "upper"])
    assert f.at["main_types_count", "value"] == 5 and f.at["main_treatments_count", "value"] == 4
    assert f.at["focal_progression_years", "value"] == 5
    assert pd.isna(f.at["total_remission", "value"])
    assert (f.at["total_remission", "lower"], f.at["total_remission", "upper"]) == (5, 10)
    assert "Dystonia Society" in f.at["uk_prevalence", "attributed_to"]


def test_qualitative_statements_are_verbatim(dystonia, raw_lines) -> None:
    """Statements without a number keep their sentence verbatim and have no number."""
    facts = dystonia["facts"]
    qual = facts[facts["kind"] == "qualitative"]
    assert set(qual["fact_id"]) == {"remission_likelier_secondary", "lifelong_with_underlying_condition", "focal_late_onset_stable",
                                    "who_affected", "focal_no_worse_no_spread"}
    for _, row in qual.iterrows():
        assert row["sentence"] in raw_lines[row["line"] - 1]
        assert row[["value", "lower", "upper"]].isna().all()


def test_facts_are_only_the_keyed_ones(dystonia) -> None:
    """The dystonia page gets its keyed facts and no unclassified generic numbers."""
    assert len(dystonia["facts"]) == len(KEYED_FACTS) + 5
    assert not dystonia["facts"]["fact_id"].str.startswith("line").any()


TYPES = {
    # type: (min_regions, regions_connected, includes_trunk, whole_side, examples, region examples, in 90% statement)
    "Focal dystonia": (1, None, False, False, ["Cervical dystonia", "blepharospasm", "laryngeal dystonia", "writer's cramp"], ["the hand", "eyes"], True),
    "Segmental dystonia": (2, True, False, False, ["Cranial dystonia"], [], False),
    "Multifocal dystonia": (2, False, False, False, [], ["the left arm", "left leg"], False),
    "Generalised dystonia": (3, None, True, False, [], [], False),
    "Hemidystonia": (2, None, False, True, [], [], False),  # a whole side: at least an arm and a leg
}  # fmt: skip


def test_five_types_in_page_order(dystonia, raw_lines) -> None:
    """Five types, in the order of the page's bullets, each definition verbatim on its bullet line."""
    types = dystonia["types"]
    assert list(types["type"]) == list(TYPES)
    for _, row in types.iterrows():
        line = raw_lines[row["line"] - 1]
        assert line.startswith(f"• {row['type']} - ")
        assert line.endswith(row["definition"])


@pytest.mark.parametrize("name", list(TYPES))
def test_type_region_rule_and_examples(dystonia, raw_lines, name: str) -> None:
    """Each type's body-region rule and its examples are read from its own definition."""
    minimum, connected, trunk, side, examples, regions, in_90 = TYPES[name]
    row = _row(dystonia["types"], "type", name)
    assert row["min_regions"] == minimum
    assert (None if pd.isna(row["regions_connected"]) else bool(row["regions_connected"])) is connected
    assert (bool(row["includes_trunk"]), bool(row["whole_side"])) == (trunk, side)
    assert [e for e in (row["examples"] or "").split(";") if e] == examples
    assert [e for e in (row["region_examples"] or "").split(";") if e] == regions
    for example in examples + regions:
        assert example in raw_lines[row["line"] - 1]
    assert bool(row["in_90pct_statement"]) is in_90


def test_ninety_percent_statement_names_focal_examples(dystonia) -> None:
    """The about-90% sentence names cervical dystonia and blepharospasm, both listed as focal examples."""
    share = _row(dystonia["facts"], "fact_id", "cervical_blepharospasm_share")["sentence"]
    focal = _row(dystonia["types"], "type", "Focal dystonia")["examples"].lower().split(";")
    assert "cervical dystonia" in share and "blepharospasm" in share
    assert {"cervical dystonia", "blepharospasm"} <= set(focal)


def test_four_treatments(dystonia, raw_lines) -> None:
    """Four treatments in page order, descriptions verbatim; Baclofen is a medication example."""
    tr = dystonia["treatments"]
    assert list(tr["treatment"]) == ["botulinum toxin", "medication", "physiotherapy", "surgery"]
    for _, row in tr.iterrows():
        assert raw_lines[row["line"] - 1] == f"• {row['treatment']} - {row['description']}"
    assert _row(tr, "treatment", "medication")["examples"].split(";") == ["anticholinergics", "Baclofen", "muscle relaxants"]
    assert _row(tr, "treatment", "surgery")["examples"].split(";") == ["selective peripheral denervation", "deep brain stimulation"]


def test_causes(dystonia, raw_lines) -> None:
    """Primary (no cause or genetic), the four named secondary causes, and the thought mechanism."""
    causes = dystonia["causes"]
    by_category = causes.groupby("category")["cause"].apply(list).to_dict()
    assert by_category["primary"] == ["no identifiable cause", "genetic"]
    assert by_category["secondary"] == ["stroke", "brain injury", "encephalitis", "Parkinson\u2019s disease"]
    assert by_category["mechanism (thought)"] == ["problem in the basal ganglia"]
    for _, row in causes.iterrows():
        assert row["sentence"] in raw_lines[row["line"] - 1]
    secondary = causes[causes["category"] == "secondary"].iloc[0]
    assert secondary["sentence"].startswith("Common causes include stroke, brain injury, encephalitis")


def test_diagnostic_tests(dystonia, raw_lines) -> None:
    """Brain scans, urine tests, blood tests and genetic testing, from the one sentence that lists them."""
    tests = dystonia["tests"]
    assert list(tests["test"]) == ["brain scans", "urine tests", "blood tests", "genetic testing"]
    sentence = "These may include brain scans, urine or blood tests and genetic testing."
    assert set(tests["sentence"]) == {sentence}
    assert sentence in raw_lines[tests["line"].iloc[0] - 1]


def test_page_row(dystonia, raw_lines) -> None:
    """The page's own review dates, their interval, the file's checksum and the stated comment count."""
    p = dystonia["page"].iloc[0]
    assert p["topic"] == "Dystonia" and raw_lines[-1] == "Find and choose services for Dystonia"
    assert p["last_reviewed"] == pd.Timestamp("2013-06-19") and "Page last reviewed: 19/06/2013" in raw_lines
    assert p["next_review_due"] == pd.Timestamp("2015-06-19") and "Next review due: 19/06/2015" in raw_lines
    assert p["review_interval_months"] == 24
    assert pd.isna(p["media_last_reviewed"]) and pd.isna(p["media_next_review_due"])
    assert p["sha256"] == hashlib.sha256(RAW_PAGE.read_bytes()).hexdigest()
    manifest = json.loads(MANIFEST.read_text())["files"][0]
    assert p["sha256"] == manifest["sha256"]
    assert (str(p["last_reviewed"].date()), str(p["next_review_due"].date())) == (
        manifest["page_last_reviewed"], manifest["page_next_review_due"])  # fmt: skip
    assert p["source_file"] == "data/raw/nhs-choices-dystonia-2013.txt" and not p["was_html"]
    assert p["comments_stated"] == 3
    assert p["newest_comment"] == pd.Timestamp("2014-03-29")


def test_ratings_count_and_missing_average(dystonia, raw_lines) -> None:
    """87 ratings as stated; the average is missing with a reason, never 0."""
    r = dystonia["ratings"]
    assert list(r["metric"]) == ["ratings_count", "average_score"]
    count = _row(r, "metric", "ratings_count")
    assert count["value"] == 87 and count["status"] == "stated"
    assert raw_lines[count["line"] - 1] == "Based on 87 ratings"
    avg = _row(r, "metric", "average_score")
    assert pd.isna(avg["value"]) and avg["status"] == "missing"
    assert "Average rating" in avg["note"] and len(avg["note"]) > 20
    assert raw_lines[avg["line"] - 1] == "Average rating"
    assert not (r["value"] == 0).any()


AUTHORS = [("morbitz1", "2014-03-29", "29 March 2014"), ("Brummy40", "2013-08-20", "20 August 2013"),
           ("pauline15", "2010-10-19", "19 October 2010")]  # fmt: skip


def test_three_comments(dystonia, raw_lines) -> None:
    """Three comments in page order with authors, ISO dates, pseudonyms and verbatim text."""
    c = dystonia["comments"]
    assert list(c["comment_id"]) == ["C1", "C2", "C3"] and list(c["position"]) == [1, 2, 3]
    assert list(c["author"]) == [a for a, _, _ in AUTHORS]
    assert [d.date().isoformat() for d in c["date"]] == [iso for _, iso, _ in AUTHORS]
    assert list(c["pseudonym"]) == ["Commenter A", "Commenter B", "Commenter C"]
    for (_, row), (author, _, written) in zip(c.iterrows(), AUTHORS, strict=True):
        assert raw_lines[row["header_line"] - 1] == f"{author} said on {written}"
        body = "\n".join(raw_lines[row["text_line_start"] - 1 : row["text_line_end"]])
        assert row["text"] == body
        assert raw_lines[row["text_line_end"]] == "" and raw_lines[row["text_line_end"] + 1].startswith("Report this content")
        assert pd.isna(row["report_id"])
    assert c["text"].iloc[0].startswith("My problem started when I was about 2 months pregnant")
    assert c["text"].iloc[1].endswith("Love you Dad xx")
    assert "disabilities,diagnosed as secondary dystonia" in c["text"].iloc[2]


def test_commenter_ids_are_stable(dystonia) -> None:
    """commenter_id is a salted hash of the handle: the same on every run and in the committed CSV."""
    c = dystonia["comments"]
    expected = [hashlib.sha256(f"dystonia-facts/commenter/{a.casefold()}".encode()).hexdigest()[:10] for a in c["author"]]
    assert list(c["commenter_id"]) == expected == [template.commenter_id(a) for a in c["author"]]
    assert len(set(expected)) == 3
    committed = pd.read_csv(PROCESSED / "comments.csv", dtype=str)
    assert list(committed["commenter_id"]) == expected
    assert template.commenter_id("Brummy40") == template.commenter_id("brummy40")

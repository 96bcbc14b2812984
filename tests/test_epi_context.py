"""Issue 8's context: remission with Wilson intervals, UK counts, Wales outlier, like-for-like shares, who, children, course, provenance."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.data.load import fact, page_tables
from analysis.dystonia import context, epi_context, remission, uk_counts
from analysis.dystonia.reference import PER_100K, load_reference, uk_population_2013
from analysis.figures import charts, theme
from analysis.paths import NOTEBOOKS_DIR


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    """The dystonia page's facts."""
    return page_tables()["facts"]


# --------------------------------------------------------------------------- remission (item 4)


def test_every_remission_study_is_shown() -> None:
    """Every cervical-dystonia remission row of the reference file is in the evidence (not the charity's text)."""
    ref = load_reference()
    studies = ref[(ref["topic"] == "remission") & ~ref["ref_id"].str.startswith("dystonia-society")]
    assert set(remission.remission_evidence()["ref_id"]) == set(studies["ref_id"])
    assert {"matthews-1978-cd-full-recovery", "claypool-1995-cd-remissions", "acta-neurol-belg-1995-cd-remission"} <= set(studies["ref_id"])


def test_wilson_intervals_only_where_counts_are_stated() -> None:
    """Counts are read from the rows (15/72, 9/72, 2 of 11, 1 of 30), never inferred from a percentage."""
    ev = remission.remission_evidence().set_index("ref_id")
    stated = ev[ev["trials"].notna()]
    assert {(int(k), int(n)) for k, n in zip(stated["successes"], stated["trials"], strict=True)} == {(15, 72), (9, 72), (2, 11), (1, 30)}
    assert ev.loc[ev["trials"].isna(), ["lower", "upper"]].isna().all().all()
    assert ((stated["lower"] < stated["value"]) & (stated["value"] < stated["upper"])).all()
    assert ev.loc["claypool-1995-cd-remissions", "value"] == pytest.approx(200 / 11)
    assert ev.loc["claypool-1995-cd-remissions", "kind"] == "derived"  # the percentage is this project's


def test_wilson_matches_scipy_and_differs_from_wald() -> None:
    """The interval is scipy's Wilson interval: asymmetric near 0, unlike a Wald interval."""
    low, high = remission.wilson_interval(1, 30)
    assert low > 0 and high - 100 / 30 > 100 / 30 - low  # Wald would be symmetric and go below 0


def test_evidence_statement_names_the_overlap(facts) -> None:
    """Matthews 1978 is below the page's range, most are above, and some intervals overlap it."""
    rem = fact(facts, "total_remission")
    ev = remission.remission_evidence()
    where = remission.overlap(ev, rem["lower"], rem["upper"])
    assert "Matthews 1978 (Oxford): full sustained recovery, spasmodic torticollis" in where["below"]
    assert len(where["above"]) > len(where["below"]) and where["interval_overlaps"]
    text = remission.evidence_statement(ev, rem["lower"], rem["upper"], "around 5-10%")
    assert f"{len(where['interval_overlaps'])} have a 95% Wilson interval that overlaps" in text
    assert "mostly higher" not in remission.evidence_title(ev, rem["lower"], rem["upper"], "around 5-10%")


# --------------------------------------------------------------------------- prevalence and UK counts (item 2, adds)


def test_uk_counts_are_rate_times_population_with_intervals() -> None:
    """Each implied UK count is the published rate (per 100,000) times the ONS mid-2013 population; CIs carried through."""
    counts = uk_counts.implied_uk_counts().set_index("ref_id")
    people, _ = uk_population_2013()
    esde = counts.loc["esde-2000-primary-prevalence"]
    assert esde["count"] == pytest.approx(esde["per_100k"] * people / PER_100K)
    assert esde["count_lower"] < esde["count"] < esde["count_upper"]
    assert counts.loc["hannover-2022-all-forms-prevalence", ["count_lower", "count_upper"]].isna().all()
    assert (counts["kind"] == "derived").all() and counts["applied_to"].str.contains("mid-2013").all()
    assert counts["year"].notna().all() and counts["counts"].notna().all()


def test_page_count_row_is_an_undated_floor(facts) -> None:
    """The page's 70,000 sits beside them as a lower bound, marked undated."""
    row = uk_counts.page_count(fact(facts, "uk_prevalence")).iloc[0]
    assert row["kind"] == "lower_bound" and "undated" in row["year"] and pd.isna(row["count_upper"])


def test_wales_is_labelled_a_record_linkage_outlier(facts) -> None:
    """The Wales rate is flagged with its narrower group, sensitivity and incidence, read from the file."""
    floor = context.page_rate(facts)["per_100k"].iloc[0]
    note = context.record_linkage_note(floor)
    ref = load_reference().set_index("ref_id")
    assert f"{ref.loc['wales-sail-incidence', 'value']:g}" in note and "79% sensitivity" in note
    assert f"{1200 / floor:.0f} times" in note and "narrower group" in note
    published = context.published_prevalence(floor).set_index("ref_id")
    assert "outlier" in published.loc["wales-sail-2017-prevalence", "label"]


def test_broader_definition_paragraph_does_not_rest_on_wales() -> None:
    """The notebook's 'why the figures differ' text does not cite the Wales study as support."""
    nb = json.loads((NOTEBOOKS_DIR / "01-prevalence.ipynb").read_text(encoding="utf-8"))
    why = next("".join(c["source"]) for c in nb["cells"] if "Why the figures differ" in "".join(c["source"]))
    before_wales = why.split("The Welsh record-linkage study is **not**")[0]
    assert "Wales" not in before_wales and "Welsh" not in before_wales


def chart_notes(fig) -> str:
    """A chart's notes: its annotations and the long caption it shows under the chart."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return " ".join([a.text for a in fig.layout.annotations] + [meta.get(theme.CAPTION_KEY, "")])


def test_prevalence_chart_explains_only_drawn_marks(facts) -> None:
    """No open-dot or band legend when no recalled row or range is drawn; the title does not call conversions published."""
    rate = context.page_rate(facts)
    published = context.published_prevalence(rate["per_100k"].iloc[0])
    fig = charts.prevalence_comparison_chart(rate, published)
    texts = chart_notes(fig)
    assert "open dots" not in texts and "bands without a dot" not in texts
    assert "converted" in fig.layout.title.text
    recalled = published.assign(is_verified=[False] + [True] * (len(published) - 1))
    assert "open dots" in chart_notes(charts.prevalence_comparison_chart(rate, recalled))


# --------------------------------------------------------------------------- types (item 3) and who


def test_site_shares_say_what_of_what() -> None:
    """Each published share names its numerator and denominator; Ireland's is the sum of two shares of one denominator."""
    shares = context.published_site_shares().set_index("figure")
    assert shares["measure"].str.contains(", of ").all()
    ref = load_reference().set_index("ref_id")
    ireland = shares.loc["Ireland: cervical + blepharospasm, of adult-onset focal dystonia only"]
    expected = ref.loc["ireland-2016-cervical-share-of-focal", "value"] + ref.loc["ireland-2016-blepharospasm-share-of-focal", "value"]
    assert ireland["value"] == pytest.approx(expected) and ireland["kind"] == "derived"
    assert "ESDE: cervical + blepharospasm, of focal dystonia only" in shares.index


def test_share_title_is_the_pages_claim_and_compares_like_with_like(facts) -> None:
    """The title gives the page's figure as the page's and each comparator with its denominator."""
    title = context.share_title(fact(facts, "cervical_blepharospasm_share"), context.published_site_shares())
    assert title.startswith("The page says about 90%")
    assert "of all primary dystonia (ESDE)" in title and "of adult-onset focal dystonia only (Ireland)" in title
    assert "cervical alone" not in title  # not like with like


def test_who_table_has_sex_and_onset_for_both_types() -> None:
    """Sex ratio and age at onset for cervical dystonia and blepharospasm, from the reference file."""
    who = epi_context.who_table()
    for kind in ("cervical dystonia", "blepharospasm"):
        rows = who[who["type"] == kind]
        assert rows["unit"].str.startswith("ratio F:M").any() and rows["unit"].str.startswith("years").any()
    ratios = who[who["unit"] == "ratio F:M"]["value"]
    assert (ratios > 1).all()  # women more often than men, as the notebook says


def test_who_sentence_is_captured(facts) -> None:
    """The page's only statement on who is affected is a qualitative fact, verbatim."""
    assert fact(facts, "who_affected")["sentence"] == "Dystonia can affect men, women and children."


# --------------------------------------------------------------------------- children, course, provenance


def test_children_are_mostly_secondary_with_intervals() -> None:
    """The tertiary cohort's shares carry Wilson intervals from their stated counts (230/279, 150/279)."""
    kids = epi_context.children_table().set_index("figure")
    secondary = kids.loc["Childhood dystonia (tertiary cohort): share secondary"]
    assert secondary["value"] > 50 and secondary["lower"] < secondary["value"] < secondary["upper"]
    assert secondary["lower"] == pytest.approx(remission.wilson_interval(230, 279)[0])


def test_stability_sentence_of_line_33_is_captured(facts) -> None:
    """'They don't usually get any worse and no other muscles are affected' is a fact of its own."""
    row = fact(facts, "focal_no_worse_no_spread")
    assert row["line"] == 33 and row["sentence"].startswith("They don") and "no other muscles" in row["sentence"]


def test_course_meets_spread_and_relapse(facts) -> None:
    """The page's 'no other muscles' meets spread rows; its contradiction and the relapse are stated from the rows."""
    course = epi_context.course_table(facts)
    spread = course[course["page_line"] == 33]
    assert len(spread) >= 3 and (spread["value"] > 20).all()
    text = epi_context.contradiction_statement(facts)
    assert "(line 33)" in text and "(line 73)" in text
    assert "6 of the 15 relapsed" in epi_context.relapse_statement()


def test_provenance_matches_the_charity_text_number_for_number(facts) -> None:
    """Both headline figures (70,000 and 5-10%) appear in the charity's own text; no method is published."""
    prov = epi_context.provenance_table(facts)
    society = prov[prov["where"].str.startswith("Dystonia Society")]
    assert set(society["page_line"]) == {fact(facts, "uk_prevalence")["line"], fact(facts, "total_remission")["line"]}
    assert "70,000" in " ".join(society["matching_text"]) and "5-10%" in " ".join(society["matching_text"])
    assert (prov["method_published"] == "none in the reference file").all()


def test_charity_series_is_dated_by_the_page() -> None:
    """The c. 2017 row gets a note that the page had the figure by 2013, and the page is a row of its own."""
    tables = page_tables()
    series = epi_context.charity_series(tables["facts"], tables["page"]).set_index("figure")
    assert "19 June 2013" in series.loc["Dystonia Society (Aviva Community Fund bid): people affected in UK", "note"]
    assert series.loc["NHS Choices page quoting the Dystonia Society", "year"].startswith("in use by 19 June 2013")


def test_unknown_citation_details_say_not_seen() -> None:
    """Defazio 2004 has no DOI, volume or pages in the file: shown as 'not seen', never blank."""
    from analysis.dystonia.reference import cited

    row = cited(load_reference()).set_index("ref_id").loc["defazio-2004-northern-england-late-onset-prevalence"]
    assert row["doi"] == "not seen" and "volume and pages: not seen" in row["source"]


def test_recalled_rows_are_never_published() -> None:
    """Rows whose verified note says recalled have kind 'recalled'."""
    ref = load_reference()
    recalled = ref["verified"].str.startswith("recalled")
    assert recalled.any() and (ref.loc[recalled, "kind"] == "recalled").all()
    assert not (ref.loc[~recalled, "kind"] == "recalled").any()


def test_progression_title_is_the_pages_claim(facts) -> None:
    """The schematic's title attributes the claim to the page."""
    prog = fact(facts, "focal_progression_years")
    fig = charts.progression_schematic(prog["value"], prog["source"], prog["qualifier"])
    assert fig.layout.title.text.startswith("The page says")


def test_contradiction_statement_escapes_page_text(facts) -> None:
    """A hostile page sentence reaches the notebook's Markdown escaped."""
    hostile = facts.copy()
    hostile.loc[hostile["fact_id"] == "focal_no_worse_no_spread", "sentence"] = "<script>alert(1)</script>"
    text = epi_context.contradiction_statement(hostile)
    assert "<script>" not in text and "&lt;script&gt;" in text

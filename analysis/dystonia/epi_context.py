"""What an epidemiologist asks first, answered from the reference file: who, children, course, provenance."""

from __future__ import annotations

from html import escape

import pandas as pd

from analysis.data.load import fact
from analysis.dystonia.reference import UNSEEN, cited, load_reference
from analysis.dystonia.remission import counts, wilson_interval

SHOW = ["figure", "value", "lower", "upper", "unit", "kind", "is_verified", "population", "year", "source", "doi"]
# Who: sex ratio and age at onset for the two types the page says make up most cases.
WHO_IDS = {
    "cervical dystonia": ["defazio-2013-cd-sex-ratio", "chan-1991-cd-sex-ratio", "claypool-1995-cd-sex-ratio",
                          "uk-thin-cd-percent-female", "chan-1991-cd-mean-onset-age", "uk-thin-cd-mean-age-at-diagnosis",
                          "late-onset-cohort-cd-onset-age"],
    "blepharospasm": ["grandas-1988-bsp-sex-ratio", "bsp-survey-1984-sex-ratio", "grandas-1988-bsp-mean-onset-age",
                      "late-onset-cohort-bsp-onset-age"],
}
CHILDREN_IDS = ["childhood-tertiary-2014-share-secondary", "childhood-tertiary-2014-share-cerebral-palsy"]
# Course: (page fact it meets, reference ids)
COURSE = [
    ("focal_progression_years", ["acta-neurol-belg-1995-cd-time-to-max"]),
    ("focal_no_worse_no_spread", ["jahanshahi-1990-cd-spread", "acta-neurol-belg-1995-cd-spread", "late-onset-cohort-spread",
                                  "grandas-1988-bsp-elsewhere"]),
    ("total_remission", ["jahanshahi-1990-cd-any-remission", "jahanshahi-1990-cd-sustained-remission",
                         "jahanshahi-1990-remissions-first-5-years"]),
]
def _rows(ids: list[str]) -> pd.DataFrame:
    """Reference rows in the order of ids, citations completed with 'not seen'."""
    return cited(load_reference().set_index("ref_id").loc[ids].reset_index())


def who_table() -> pd.DataFrame:
    """Sex ratio and age at onset for cervical dystonia and blepharospasm, from the reference file."""
    parts = [_rows(ids).assign(type=name) for name, ids in WHO_IDS.items()]
    return pd.concat(parts, ignore_index=True)[["type", *SHOW]]


def children_table() -> pd.DataFrame:
    """Cause mix of childhood dystonia in a tertiary cohort, with 95% Wilson intervals from its stated counts."""
    rows = _rows(CHILDREN_IDS)
    bounds = [wilson_interval(*c) if (c := counts(r)) else (None, None) for _, r in rows.iterrows()]
    rows["lower"] = [b[0] for b in bounds]
    rows["upper"] = [b[1] for b in bounds]
    return rows[SHOW]


def course_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Where the page's statements on course meet the literature on progression, spread and relapse."""
    parts = []
    for fact_id, ids in COURSE:
        f = fact(facts, fact_id)
        parts.append(_rows(ids).assign(page_says=f["sentence"], page_line=f["line"]))
    return pd.concat(parts, ignore_index=True)[["figure", "value", "unit", "page_line", "page_says", "population", "year", "source"]]


def relapse_statement() -> str:
    """Sustained versus any remission in the one study giving both (the rest relapsed), from the reference rows."""
    ref = load_reference().set_index("ref_id")
    any_, kept = (counts(ref.loc[i]) for i in ("jahanshahi-1990-cd-any-remission", "jahanshahi-1990-cd-sustained-remission"))
    if any_ is None or kept is None:
        return ""
    lost = any_[0] - kept[0]
    return (f"In Jahanshahi 1990, {any_[0]} of {any_[1]} patients had a remission but only {kept[0]} stayed in remission "
            f"(median 3 years): {lost} of the {any_[0]} relapsed, so a remission is not always lasting.")


def contradiction_statement(facts: pd.DataFrame) -> str:
    """The page's two statements on the course of focal dystonia, quoted (escaped) with their lines."""
    stable, prog = fact(facts, "focal_no_worse_no_spread"), fact(facts, "focal_progression_years")
    said, also = escape(stable["sentence"]), escape(prog["sentence"])  # page text reaches Markdown and HTML escaped
    return (f"The page says of cervical dystonia and blepharospasm, both focal, \u201c{said}\u201d (line "
            f"{stable['line']}), but of focal dystonia \u201c{also}\u201d (line {prog['line']}). Both cannot "
            "hold from onset: read together, they say focal dystonia worsens for some years and then stabilises. "
            "The literature also reports spread to other muscles in a large minority (table above), against "
            "\u201cno other muscles are affected\u201d.")


def provenance_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Charity and other lay texts in the reference file that state the page's own figures, number for number."""
    ref = cited(load_reference())
    lay = ref[ref["topic"].isin(["charity_estimate", "children", "remission"]) & ref["doi"].eq(UNSEEN)]
    rows = []
    for fact_id in ("uk_prevalence", "children_prevalence", "total_remission"):
        f = fact(facts, fact_id)
        same = lay[(lay["value"] == f["value"]) if pd.notna(f["value"])
                   else (lay["lower"] == f["lower"]) & (lay["upper"] == f["upper"])]
        for _, r in same.iterrows():
            rows.append({"page_figure": f["sentence"], "page_line": f["line"], "matching_text": r["quote"],
                         "where": r["figure"], "year": r["year"], "source": r["source"],
                         "method_published": "none in the reference file"})
    return pd.DataFrame(rows)


def charity_series(facts: pd.DataFrame, page: pd.DataFrame) -> pd.DataFrame:
    """UK estimates over time, with the page itself as a dated use of its figure (it was in use by the page's review)."""
    rows = cited(load_reference())
    rows = rows[rows["topic"] == "charity_estimate"].copy()
    uk, reviewed = fact(facts, "uk_prevalence"), page.iloc[0]["last_reviewed"]
    rows["note"] = ""
    if pd.notna(reviewed):
        later = rows["value"].eq(uk["lower"]) & ~rows["year"].str.contains("undated")
        rows.loc[later, "note"] = (f"the same figure was already on this page, last reviewed {reviewed:%d %B %Y}: "
                                   "the year dates this source, not the figure")
        page_row = {"figure": "NHS Choices page quoting the Dystonia Society", "value": uk["lower"], "unit": "people (lower bound)",
                    "year": f"in use by {reviewed:%d %B %Y} (page last reviewed)", "source": uk["source"], "note": ""}
        rows = pd.concat([rows, pd.DataFrame([page_row])], ignore_index=True)
    return rows[["figure", "value", "unit", "year", "note", "source"]].reset_index(drop=True)

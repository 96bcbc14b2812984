"""UK counts implied by each published prevalence rate, applied to the UK mid-2013 population."""

from __future__ import annotations

import pandas as pd

from analysis.dystonia.context import RECORD_LINKAGE_ID
from analysis.dystonia.reference import PER_100K, cited, load_reference, prevalence_per_100k, uk_population_2013

# The published rates a journalist would set beside the page's 70,000 (ids of the reference file).
UK_COUNT_IDS = [
    "esde-2000-primary-prevalence",
    "steeves-2012-primary-prevalence",
    "iceland-2005-primary-prevalence",
    "ireland-2016-focal-prevalence",
    "medina-2022-isolated-prevalence",
    "defazio-2004-northern-england-late-onset-prevalence",
    "hannover-2022-all-forms-prevalence",
    "wales-sail-2017-prevalence",
]
COLUMNS = ["ref_id", "figure", "label", "note", "per_100k", "per_100k_lower", "per_100k_upper", "count", "count_lower", "count_upper",
           "kind", "is_verified", "counts", "population", "year", "applied_to", "source", "doi"]


def implied_uk_counts() -> pd.DataFrame:
    """Each published rate times the UK mid-2013 population (interval too, where the source gives one): derived."""
    ref = cited(load_reference().set_index("ref_id").loc[UK_COUNT_IDS].reset_index())
    rates = prevalence_per_100k(ref).merge(ref[["ref_id", "population", "year"]], on="ref_id")
    outlier = rates["ref_id"].eq(RECORD_LINKAGE_ID)
    rates["label"] = rates["figure"].where(~outlier, rates["figure"] + " [record-linkage outlier]")
    rates["note"] = ""
    rates.loc[outlier, "note"] = "Record-linkage outlier: see the prevalence comparison for why"
    people, citation = uk_population_2013()
    out = rates.assign(
        count=rates["per_100k"] * people / PER_100K,
        count_lower=rates["per_100k_lower"] * people / PER_100K,
        count_upper=rates["per_100k_upper"] * people / PER_100K,
        kind="derived",
        counts=rates["population"],
        applied_to=f"UK population mid-2013 ({people:,.0f} people; {citation})",
    )
    return out[COLUMNS].reset_index(drop=True)


def page_count(uk_fact: pd.Series) -> pd.DataFrame:
    """The page's own count in the same columns: a floor, undated, with no published method."""
    return pd.DataFrame([{
        "figure": f"Page (Dystonia Society estimate): at least {uk_fact['lower']:,.0f} people",
        "count": uk_fact["lower"], "count_lower": uk_fact["lower"], "count_upper": None, "kind": "lower_bound",
        "counts": uk_fact["measure"], "year": "undated (quoted on a page last reviewed in 2013)",
        "source": uk_fact["source"],
    }])

"""The page's figures set beside the literature: rates per 100,000 and published comparisons."""

from __future__ import annotations

import pandas as pd

from analysis.load import fact
from analysis.reference import load_reference, per_100k, prevalence_per_100k, uk_population_2013

# Which reference rows the prevalence comparison shows (ids of data/external/epidemiology_reference.csv).
PREVALENCE_IDS = [
    "esde-2000-primary-prevalence",
    "steeves-2012-primary-prevalence",
    "medina-2022-isolated-prevalence",
    "defazio-2004-northern-england-late-onset-prevalence",
    "hannover-2022-all-forms-prevalence",
    "wales-sail-2017-prevalence",
]
REMISSION_IDS = [
    "jahanshahi-1990-cd-any-remission",
    "jahanshahi-1990-cd-sustained-remission",
    "jayne-1984-cd-sustained-remission",
    "chan-1991-cd-remission",
    "heinen-1996-cd-complete-remission",
]
SITE_SHARE_IDS = [
    "esde-2000-cd-bsp-share-of-primary",
    "esde-2000-focal-share-of-primary",
    "wales-mds-cervical-share",
]


def page_rate(facts: pd.DataFrame, fact_id: str = "uk_prevalence") -> pd.DataFrame:
    """The page's count as a rate per 100,000 of the UK mid-2013 population (a lower bound stays one)."""
    f = fact(facts, fact_id)
    population, citation = uk_population_2013()
    rate = per_100k(f["lower"], population)
    return pd.DataFrame(
        [{"figure": f"Page: at least {f['lower']:,.0f} people in the UK", "per_100k": rate, "per_100k_lower": rate,
          "per_100k_upper": None, "kind": "derived", "source": f"{f['source']}; population: {citation}"}]
    )  # fmt: skip


def _rows(ids: list[str]) -> pd.DataFrame:
    """Return reference rows in the order of `ids`."""
    ref = load_reference().set_index("ref_id")
    return ref.loc[ids].reset_index()


def published_prevalence() -> pd.DataFrame:
    """Published prevalence estimates per 100,000, with CIs where given (conversions marked derived)."""
    rows = _rows(PREVALENCE_IDS)
    return prevalence_per_100k(rows).merge(rows[["ref_id", "population", "year"]], on="ref_id")


def published_remission() -> pd.DataFrame:
    """Published remission percentages for cervical dystonia (context for the page's range)."""
    return _rows(REMISSION_IDS)


def published_site_shares() -> pd.DataFrame:
    """Published shares of cases by site (context for 'about 90% cervical or blepharospasm')."""
    return _rows(SITE_SHARE_IDS)

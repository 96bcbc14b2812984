"""The page's figures set beside the literature: rates per 100,000 and published comparisons."""

from __future__ import annotations

import re

import pandas as pd

from analysis.data.load import fact
from analysis.dystonia.reference import cited, load_reference, per_100k, prevalence_per_100k, uk_population_2013

# Which reference rows the prevalence comparison shows (ids of data/external/epidemiology_reference.csv).
PREVALENCE_IDS = [
    "esde-2000-primary-prevalence",
    "steeves-2012-primary-prevalence",
    "medina-2022-isolated-prevalence",
    "defazio-2004-northern-england-late-onset-prevalence",
    "hannover-2022-all-forms-prevalence",
    "wales-sail-2017-prevalence",
]
RECORD_LINKAGE_ID = "wales-sail-2017-prevalence"
RECORD_LINKAGE_INCIDENCE_ID = "wales-sail-incidence"
CD_INCIDENCE_IDS = ["steeves-2012-cd-incidence", "claypool-1995-cd-incidence"]
# Published shares by site, each with what it measures (numerator, of what): like is compared with like.
# (ref_id or "+"-joined ids summed as a derived share of one denominator, measure, comparable page figure)
SITE_SHARES = [
    ("esde-2000-cd-bsp-share-of-primary", "cervical + blepharospasm, of all primary dystonia", "cd_bsp_share"),
    ("esde-2000-cd-bsp-share-of-focal", "cervical + blepharospasm, of focal dystonia only", "cd_bsp_share"),
    ("ireland-2016-cervical-share-of-focal+ireland-2016-blepharospasm-share-of-focal",
     "cervical + blepharospasm, of adult-onset focal dystonia only", "cd_bsp_share"),
    ("wales-mds-cervical-share", "cervical alone, of primary dystonia", "cd_bsp_share"),
    ("esde-2000-focal-share-of-primary", "focal (all sites), of all primary dystonia", "focal_share"),
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


def record_linkage_note(page_floor: float) -> str:
    """Why the Wales record-linkage rate is an outlier, from its own row and published incidence (not typed)."""
    ref = load_reference().set_index("ref_id")
    wales, incidence = ref.loc[RECORD_LINKAGE_ID], ref.loc[RECORD_LINKAGE_INCIDENCE_ID]
    rate = prevalence_per_100k(ref.loc[[RECORD_LINKAGE_ID]].reset_index())["per_100k"].iloc[0]
    sensitivity = re.search(r"(\d+)% sensitivity", wales["population"])
    others = "; ".join(f"{ref.loc[i, 'value']:g} {ref.loc[i, 'unit']} for cervical dystonia ({ref.loc[i, 'figure'].split(':')[0]})"
                       for i in CD_INCIDENCE_IDS)
    text = (f"Record-linkage outlier: counts a narrower group ({wales['population'].split(',')[0]}: adult-onset idiopathic "
            f"dystonia only) yet its {rate:,.0f} per 100,000 is {rate / page_floor:.0f} times the page's floor. ")
    if sensitivity:
        text += f"Cases were found by an algorithm of {sensitivity.group(1)}% sensitivity in GP and hospital records; "
    text += (f"its incidence, {incidence['value']:g} {incidence['unit']}, compares with {others}. "
             "It is not evidence that broader definitions explain the page's figure.")
    return text


def published_prevalence(page_floor: float | None = None) -> pd.DataFrame:
    """Published prevalence estimates per 100,000, with CIs where given (conversions marked derived), and notes."""
    rows = cited(_rows(PREVALENCE_IDS))
    out = prevalence_per_100k(rows).merge(rows[["ref_id", "population", "year"]], on="ref_id")
    out["note"] = ""
    out["label"] = out["figure"]
    outlier = out["ref_id"] == RECORD_LINKAGE_ID
    out.loc[outlier, "label"] = out.loc[outlier, "figure"] + " [record-linkage outlier]"
    if page_floor is not None:
        out.loc[outlier, "note"] = record_linkage_note(page_floor)
    return out


def published_site_shares() -> pd.DataFrame:
    """Published shares by site, each labelled with what it measures (summed shares of one denominator are derived)."""
    ref = cited(load_reference()).set_index("ref_id")
    rows = []
    for ids, measure, compares_with in SITE_SHARES:
        parts = ref.loc[ids.split("+")]
        first = parts.iloc[0]
        summed = len(parts) > 1
        rows.append({
            "figure": f"{first['figure'].split(':')[0]}: {measure}",
            "value": round(parts["value"].sum(), 1), "lower": None if summed else first["lower"], "upper": None if summed else first["upper"],
            "unit": "percent", "measure": measure, "compares_with": compares_with,
            "kind": "derived" if summed else first["kind"], "is_verified": bool(parts["is_verified"].all()),
            "population": first["population"], "year": first["year"],
            "how": " + ".join(f"{v:g}% ({f})" for v, f in zip(parts["value"], parts["figure"], strict=True)) if summed else first["figure"],
            "source": first["source"], "doi": first["doi"],
        })
    out = pd.DataFrame(rows)
    for col in ("lower", "upper"):
        out[col] = pd.to_numeric(out[col]).astype("float64")
    return out


def share_title(share: pd.Series, comparators: pd.DataFrame) -> str:
    """Chart title: the page's figure as the page's, then each published share by what it measures."""
    lead = f"{share['qualifier']} " if share["qualifier"] else ""
    same = comparators[comparators["compares_with"].eq("cd_bsp_share") & comparators["measure"].str.contains(r"\+")]
    parts = [f"{v:.3g}% {m.split(', ', 1)[1]} ({f.split(':')[0]})"
             for v, m, f in zip(same["value"], same["measure"], same["figure"], strict=True)]
    return (f"The page says {lead}{share['value']:g}% of all cases are cervical dystonia or blepharospasm; published, the "
            f"two together are {', '.join(parts)}")

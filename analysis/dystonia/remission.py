"""Published remission of cervical dystonia, as percentages with 95% Wilson intervals where counts are known."""

from __future__ import annotations

import re

import pandas as pd

from analysis.dystonia.reference import cited, load_reference

# Every remission study the reference file has (ids of data/external/epidemiology_reference.csv).
REMISSION_IDS = [
    "matthews-1978-cd-full-recovery",
    "jayne-1984-cd-sustained-remission",
    "jahanshahi-1990-cd-any-remission",
    "jahanshahi-1990-cd-sustained-remission",
    "chan-1991-cd-remission",
    "claypool-1995-cd-remissions",
    "acta-neurol-belg-1995-cd-remission",
    "heinen-1996-cd-complete-remission",
]
COLUMNS = ["ref_id", "figure", "value", "lower", "upper", "unit", "successes", "trials", "interval", "kind",
           "is_verified", "population", "year", "source", "doi"]
WILSON = "95% Wilson interval (scipy.stats.binomtest)"
PERCENT = 100

_FRACTION = re.compile(r"\((\d+)/(\d+)\)")  # "percent (15/72)"
_OF_N = re.compile(r"^of (\d+) patients$")  # value 2, unit "of 11 patients"


def counts(row: pd.Series) -> tuple[int, int] | None:
    """(remissions, patients) when the row states both, else None (never inferred from a percentage)."""
    if m := _FRACTION.search(str(row["unit"])):
        return int(m.group(1)), int(m.group(2))
    if (m := _OF_N.match(str(row["unit"]))) and pd.notna(row["value"]):
        return int(row["value"]), int(m.group(1))
    return None


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95% Wilson score interval for a proportion, in percent (scipy, not by hand)."""
    from scipy.stats import binomtest  # here, not at the top: scipy.stats takes ~0.6 s to import, only this needs it

    ci = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low * PERCENT, ci.high * PERCENT


def _as_percent(row: pd.Series) -> dict:
    """One study as a percentage, with a Wilson interval when its counts are stated."""
    found = counts(row)
    out = {c: row.get(c) for c in COLUMNS if c in row.index}
    out.update(successes=None, trials=None, interval="", lower=None, upper=None, unit="percent")
    if found is not None:
        k, n = found
        low, high = wilson_interval(k, n)
        out.update(successes=k, trials=n, lower=low, upper=high, interval=WILSON)
        if not str(row["unit"]).startswith("percent"):  # "2 of 11 patients": the percentage is this project's
            out.update(value=k / n * PERCENT, kind="derived")
    return out


def remission_evidence() -> pd.DataFrame:
    """Every remission study in the reference file, in percent, with Wilson intervals where counts are known."""
    ref = cited(load_reference().set_index("ref_id").loc[REMISSION_IDS].reset_index())
    table = pd.DataFrame([_as_percent(row) for _, row in ref.iterrows()], columns=COLUMNS)
    for col in ("value", "lower", "upper"):
        table[col] = pd.to_numeric(table[col]).astype("float64")
    table["successes"] = table["successes"].astype("Int64")
    table["trials"] = table["trials"].astype("Int64")
    return table


def overlap(evidence: pd.DataFrame, low: float, high: float) -> dict[str, list[str]]:
    """Which studies sit below, inside or above a stated range, and whose interval overlaps it."""
    out: dict[str, list[str]] = {"below": [], "within": [], "above": [], "interval_overlaps": []}
    for _, row in evidence.iterrows():
        where = "below" if row["value"] < low else "above" if row["value"] > high else "within"
        out[where].append(row["figure"])
        if pd.notna(row["lower"]) and row["lower"] <= high and row["upper"] >= low:
            out["interval_overlaps"].append(row["figure"])
    return out


def evidence_statement(evidence: pd.DataFrame, low: float, high: float, stated: str) -> str:
    """What the published remission figures show against the page's range, overlap included."""
    where = overlap(evidence, low, high)
    n = len(evidence)
    values = evidence["value"]
    text = (f"Of the {n} published cervical-dystonia figures, {len(where['above'])} lie above the page's {stated}, "
            f"{len(where['within'])} within it and {len(where['below'])} below it "
            f"(point values {values.min():.3g}% to {values.max():.3g}%).")
    with_ci = evidence[evidence["lower"].notna()]
    if not with_ci.empty:
        text += (f" Of the {len(with_ci)} with stated counts, {len(where['interval_overlaps'])} have a 95% Wilson interval "
                 f"that overlaps the page's range: those small samples do not rule the range out.")
    text += (" The studies differ in what they count (any remission, sustained, complete, full recovery) and are all "
             "of cervical dystonia; the page's figure is for dystonia in general and has no stated source or method.")
    return text


def evidence_title(evidence: pd.DataFrame, low: float, high: float, stated: str) -> str:
    """Chart title: where the published figures sit against the page's range, overlap included."""
    where = overlap(evidence, low, high)
    return (f"The page puts total remission at {stated}; of {len(evidence)} published cervical-dystonia figures "
            f"{len(where['above'])} are higher, {len(where['within'])} within and {len(where['below'])} lower, "
            f"and {len(where['interval_overlaps'])} of the intervals overlap the page's range")

"""Numbers written back as words for notebook text, always with their qualifier."""

from __future__ import annotations

import math

import pandas as pd

from analysis.theme import format_number

UNIT_SUFFIX = {"percent": "%", "per 100,000": " per 100,000"}


def _with_unit(text: str, unit: str) -> str:
    """Attach a unit to a formatted number ("90%", "70,000 people")."""
    suffix = UNIT_SUFFIX.get(unit)
    return f"{text}{suffix}" if suffix else f"{text} {unit}".strip()


def as_written(row: pd.Series) -> str:
    """Return a figure as the page qualifies it: "at least 70,000 people", "around 5-10%"."""
    qualifier = row.get("qualifier") or ""
    if row["kind"] == "range":
        number = f"{format_number(row['lower'])}-{format_number(row['upper'])}"
    elif row["kind"] == "missing" or row.get("value") is None or (isinstance(row["value"], float) and math.isnan(row["value"])):
        return "missing"
    else:
        number = format_number(row["value"])
    return f"{qualifier} {_with_unit(number, row['unit'])}".strip()


def _readable(value: float) -> str:
    """Format a whole number exactly and anything else to 3 significant digits; blank if missing."""
    if pd.isna(value):
        return ""
    return format_number(value if float(value).is_integer() else float(f"{value:.3g}"))


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the summary table for reading: figures rounded to 3 significant digits, missing as 'missing'."""
    out = summary.copy()
    for col in ("value", "lower", "upper"):
        out[col] = [_readable(v) for v in out[col]]
    out.loc[out["kind"] == "missing", "value"] = "missing"
    return out[["statistic", "value", "lower", "upper", "kind", "qualifier", "unit", "origin", "how"]]

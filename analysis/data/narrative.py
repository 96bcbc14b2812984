"""Numbers written back as words for notebook text, always with their qualifier."""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

import pandas as pd


def format_number(value: float) -> str:
    """Format a number as written, with thousands separators and no spurious decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    sign = "-" if value < 0 else ""
    text = format(Decimal(repr(abs(float(value)))).normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{sign}{int(whole):,}" + (f".{frac}" if frac else "")


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


def readable_number(value: float) -> str:
    """Format a whole number exactly and anything else to 3 significant digits; blank if missing."""
    if pd.isna(value):
        return ""
    return format_number(value if float(value).is_integer() else float(f"{value:.3g}"))


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the summary table for reading: figures rounded to 3 significant digits, missing as 'missing'."""
    out = summary.copy()
    for col in ("value", "lower", "upper"):
        out[col] = [readable_number(v) for v in out[col]]
    out.loc[out["kind"] == "missing", "value"] = "missing"
    return out[["statistic", "wording", "value", "lower", "upper", "kind", "unit", "origin", "how"]].set_index("statistic")


def page_dates_statement(page: pd.DataFrame, days_past: int | None, as_of_text: str) -> str:
    """One Markdown sentence on the saved page's dates, escaped, with missing dates said as missing."""
    p = page.iloc[0]

    def when(column: str) -> str:
        """A date as '19 June 2013', or 'missing'."""
        return "missing" if pd.isna(p[column]) else f"{p[column]:%d %B %Y}"

    name = p["topic"] if isinstance(p["topic"], str) else p["source_file"]
    text = (f"**Page:** {escape(str(name))}, last reviewed {when('last_reviewed')}, "
            f"next review due {when('next_review_due')}")
    if days_past is not None and days_past > 0:
        text += f": {days_past:,} days before {as_of_text} (the analysis's *as of* date), and no later review is known"
    if pd.notna(p["newest_comment"]):
        text += f". Captured on or after {when('newest_comment')}, its newest comment"
    return text + "."


def quote(sentence: str, line: int) -> str:
    """A page sentence as an escaped Markdown block quote with its line number."""
    return f"> {escape(sentence)}  \n(line {line})"

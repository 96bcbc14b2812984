"""How a key number is written, from its kind: the one wording the index, summary.csv and notebooks share."""

from __future__ import annotations

import pandas as pd

from analysis.data.narrative import readable_number
from analysis.page.numbers import qualifier_kind

# What each kind of key number means, said once; the wording of every row ends with it.
# How a figure's kind is named in prose: singular (with an example) and plural.
KIND_NAMES = {
    "exact": "exact", "lower_bound": "lower bound ('at least')", "upper_bound": "upper bound ('up to')",
    "approximate": "approximation ('about')", "range": "range ('5-10')", "qualitative": "statement without a number",
}  # fmt: skip
KIND_PLURALS = {
    "exact": "exact numbers", "lower_bound": "lower bounds", "upper_bound": "upper bounds",
    "approximate": "approximations", "range": "ranges", "qualitative": "statements without a number",
}  # fmt: skip
KIND_NOTES = {
    "exact": "",
    "lower_bound": "lower bound",
    "upper_bound": "upper bound",
    "approximate": "approximate",
    "range": "range",
    "ratio_of_bounds": "a ratio of two lower bounds: neither a bound nor an approximation",
    "difference_of_bounds": "a difference of two lower bounds: neither a bound nor an approximation",
    "illustration": "an illustration, not a count",
    "missing": "",
}
KEY_NUMBER_KINDS = list(KIND_NOTES)


def _unit(unit: str) -> str:
    """The unit as it follows a number: '%' for percent, else a space and the unit."""
    return "%" if unit == "percent" else f" {unit}"


def key_number_text(row: pd.Series) -> str:
    """Write a summary row's figure with its kind: "at least 70,000 people (lower bound)"."""
    kind = row["kind"]
    if kind not in KIND_NOTES:
        raise ValueError(f"key number {row.get('statistic', row.name)!r}: unknown kind {kind!r}")
    if kind == "missing":
        return f"missing: {row['how']}"
    unit = _unit(row["unit"])
    value, lower, upper = (readable_number(row[c]) for c in ("value", "lower", "upper"))
    qualifier = row["qualifier"] if isinstance(row["qualifier"], str) else ""
    said = qualifier_kind(qualifier) in ("lower_bound", "upper_bound")  # "at least" says it already
    lead = f"{qualifier} " if qualifier else ""
    if kind == "range":
        text = f"{lead}{lower} to {upper}{unit}"
    elif kind == "illustration":
        text = f"{lower} to {upper}{unit}" if lower and upper else f"{value}{unit}"
    elif kind == "lower_bound":
        text = f"{lead if said else 'at least ' + lead}{lower}{unit}"
    elif kind == "upper_bound":
        text = f"{lead if said else 'at most ' + lead}{upper}{unit}"
    elif kind == "approximate":
        text = f"{lead or 'about '}{value}{unit}"
    else:
        text = f"{value}{unit}"
    note = KIND_NOTES[kind]
    return f"{text} ({note})" if note else text


def key_number(summary: pd.DataFrame, key: str) -> pd.Series:
    """One key number (a summary row) by its key; KeyError naming it when absent."""
    rows = summary[summary["key"] == key]
    if rows.empty:
        raise KeyError(f"no key number {key!r}")
    return rows.iloc[0]


def key_number_statement(summary: pd.DataFrame, key: str) -> str:
    """A key number as one Markdown line: '**statistic:** wording.' (the form notebooks print)."""
    row = key_number(summary, key)
    return f"**{row['statistic']}:** {row['wording']}."

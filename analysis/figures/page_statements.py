"""What any page of the template states: each figure with its kind, and the page's review dates as of a date."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from analysis.data.narrative import as_written
from analysis.data.review import days_past_review
from analysis.data.schemas import KINDS
from analysis.data.wording import KIND_NAMES, KIND_PLURALS
from analysis.figures import charts
from analysis.figures.theme import PAGE_COLOUR, format_number
from analysis.page.generic_facts import GENERIC_MEASURE, PAGE_STATEMENT

NUMBERED_KINDS = [k for k in KINDS if k != "qualitative"]  # kinds that carry a number
KIND_LABELS = {k: name.split(" (")[0] for k, name in KIND_NAMES.items()}  # "lower bound", without the example
# Shown only where some figure differs: the generic reader classifies no measure, and most figures are the page's own.
UNINFORMATIVE = {"measure": GENERIC_MEASURE, "attributed_to": PAGE_STATEMENT}
FIGURE_COLUMNS = ["line", "as written", "kind", "qualifier", "unit", "measure", "attributed_to", "sentence"]


def figures_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Every statement of the page, one row each: the figure as written, its kind, qualifier, unit and sentence."""
    out = facts.copy()
    out["as written"] = [as_written(r) if r["kind"] != "qualitative" else "(no number)" for _, r in facts.iterrows()]
    out["kind"] = [KIND_LABELS[k] for k in facts["kind"]]
    columns = [c for c in FIGURE_COLUMNS if c not in UNINFORMATIVE or (out[c] != UNINFORMATIVE[c]).any()]
    return out[columns]


def kinds_table(facts: pd.DataFrame) -> pd.DataFrame:
    """How many of the page's statements are of each kind (every kind listed, zero where none)."""
    counts = facts["kind"].value_counts()
    rows = [{"kind": KIND_LABELS[k], "figures": int(counts.get(k, 0))} for k in KINDS]
    return pd.DataFrame(rows)


def kinds_text(facts: pd.DataFrame) -> str:
    """The page's figures counted by kind, in words: "10 figures: 5 exact numbers, 1 lower bound, 3 ranges"."""
    numbered = facts[facts["kind"].isin(NUMBERED_KINDS)]
    counts = numbered["kind"].value_counts()
    parts = [f"{format_number(counts[k])} {KIND_PLURALS[k] if counts[k] != 1 else KIND_LABELS[k]}" for k in NUMBERED_KINDS if k in counts]
    head = f"{format_number(len(numbered))} figure{'s' if len(numbered) != 1 else ''}"
    return f"{head}: {', '.join(parts)}" if parts else "no figure with a number"


def kinds_statement(facts: pd.DataFrame) -> str:
    """One Markdown sentence: how many figures the page states, and how many are not exact."""
    numbered = facts[facts["kind"].isin(NUMBERED_KINDS)]
    if numbered.empty:
        return "**The page states no figure with a number** outside its ratings, comments and dates."
    inexact = int((numbered["kind"] != "exact").sum())
    head, rest = kinds_text(facts).split(": ", 1)
    text = (f"**The page states {head}**: {rest}. {format_number(inexact)} of them {'is' if inexact == 1 else 'are'} a bound, "
            f"an approximation or a range, and {'stays' if inexact == 1 else 'stay'} so in every table and chart.")
    qualitative = int((facts["kind"] == "qualitative").sum())
    if qualitative:
        text += f" The project's own rules also keep {format_number(qualitative)} statements without a number."
    return text


def kinds_chart(facts: pd.DataFrame, source: str) -> go.Figure | None:
    """Bars of the page's figures by kind, titled with the finding; None when the page states no figure."""
    numbered = facts[facts["kind"].isin(NUMBERED_KINDS)]
    if numbered.empty:
        return None
    table = kinds_table(numbered)
    table = table[table["kind"].isin([KIND_LABELS[k] for k in NUMBERED_KINDS])]
    total, inexact = len(numbered), int((numbered["kind"] != "exact").sum())
    if total == 1:
        kind = numbered["kind"].iloc[0]
        title = f"The page's only figure is stated as a {KIND_LABELS[kind]}" if inexact else "The page's only figure is stated exactly"
    elif inexact:
        what = "is a bound, an approximation or a range" if inexact == 1 else "are bounds, approximations or ranges"
        title = f"{format_number(inexact)} of the page's {format_number(total)} figures {what}"
    else:
        title = f"All {format_number(total)} of the page's figures are stated as exact numbers"
    fig = charts.bar_chart(table, "kind", "figures", title=title, source=source, x_label="How the page states the figure",
                           y_label="Figures on the page", colour=PAGE_COLOUR)
    return fig.update_layout(title={"xref": "container", "x": 0.01})  # the title may use the chart's full width


def _when(value: object) -> str:
    """A date as '19 June 2013', or 'missing'."""
    return "missing" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %B %Y}"


def review_table(page: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The page's review dates (media pair too), its review interval, and days past the next review as of a date."""
    p = page.iloc[0]
    days = days_past_review(page, as_of)
    months = p["review_interval_months"]
    rows = [
        ("Page last reviewed", _when(p["last_reviewed"]), "as the page states"),
        ("Next review due", _when(p["next_review_due"]), "as the page states"),
        ("Review interval", "missing" if pd.isna(months) else f"{format_number(months)} months", "derived: between the two dates"),
        ("Media last reviewed", _when(p["media_last_reviewed"]), "a video's or tool's own pair, where the page has one"),
        ("Media next review due", _when(p["media_next_review_due"]), "a video's or tool's own pair, where the page has one"),
        (f"Days past the next review, as of {as_of:%d %B %Y}", "missing" if days is None else format_number(days),
         "derived: negative when not yet due; a later review is not known"),
    ]
    return pd.DataFrame(rows, columns=["date", "value", "note"]).set_index("date")

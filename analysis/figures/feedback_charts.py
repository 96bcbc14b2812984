"""Charts of the page's feedback: the ratings breakdown and each comment's sentiment score."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.comments.sentiment import VADER_CITATION
from analysis.figures import charts
from analysis.figures.theme import COMMENT_COLOUR


def ratings_chart(ratings: pd.DataFrame, source: str) -> go.Figure | None:
    """Bars of the ratings breakdown by label, titled with the largest share; None when the page shows no breakdown."""
    breakdown = ratings[ratings["metric"] == "breakdown"]
    if breakdown.empty:
        return None
    total = breakdown["value"].sum()
    top = breakdown.sort_values("value", ascending=False, kind="stable").iloc[0]
    title = f"{top['value'] / total:.0%} of the {total:,.0f} ratings in the breakdown say '{top['label']}'"
    average = ratings[(ratings["metric"] == "average_score") & ratings["value"].notna()]
    caption = None
    if not average.empty:
        a = average.iloc[0]
        caption = f"Average {a['value']:.2f} out of 5 ({a['status']}: {a['note']})."
    return charts.bar_chart(breakdown, "label", "value", title=title, source=source, caption=caption,
                            x_label="Rating", y_label="Ratings", hover="note")


def sentiment_chart(sentiment: pd.DataFrame, source: str) -> go.Figure | None:
    """Bar chart of each comment's VADER compound score titled with what it shows; None without comments."""
    if sentiment.empty:
        return None
    ranked = sentiment.sort_values("compound")
    if len(ranked) == 1:
        only = ranked.iloc[0]
        title = f"A word lexicon scores the only comment, {only['pseudonym']}'s, at {only['compound']:.2f}: read with the caveats"
    else:
        title = (f"A word lexicon rates {ranked['pseudonym'].iloc[-1]} most positive and {ranked['pseudonym'].iloc[0]} "
                 "most negative: read with the caveats")
    shown = sentiment.assign(compound=sentiment["compound"].round(2))  # bar labels: 2 decimals, not VADER's 4
    return charts.bar_chart(shown, "pseudonym", "compound", title=title, source=f"{source}; {VADER_CITATION}",
                            x_label="Comment", y_label="VADER compound score (-1 to 1)", colour=COMMENT_COLOUR)
